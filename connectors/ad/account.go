package ad

import (
	"context"
	"encoding/binary"
	"strconv"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// SetEnabled sets or clears ACCOUNTDISABLE in userAccountControl and
// nothing else. LDAP cannot change bits, so it reads the value and writes
// the new one with a compare-and-swap (delete the old value, add the new,
// in one Modify); if another writer changed the flags in between, the
// delete fails and it reads again.
func (d *Directory) SetEnabled(ctx context.Context, id connectors.ID, enabled bool) error {
	const op = "set enabled"
	dn, err := guidDN(op, id)
	if err != nil {
		return err
	}
	return d.do(ctx, op, string(id), nil, func(c *ldap.Conn) error {
		for range 5 {
			e, err := readEntry(c, dn, "userAccountControl")
			if err != nil {
				return err
			}
			old := e.GetAttributeValue("userAccountControl")
			if old == "" {
				return connectors.Errorf(connectors.Invalid, op, "%q is not an account (it has no userAccountControl)", e.DN)
			}
			uac, err := strconv.ParseInt(old, 10, 64)
			if err != nil {
				return connectors.Errorf(connectors.Other, op, "userAccountControl of %q is %q", e.DN, old)
			}
			next := uac | uacAccountDisable
			if enabled {
				next = uac &^ uacAccountDisable
			}
			if next == uac {
				return nil
			}
			m := ldap.NewModifyRequest(dn, nil)
			m.Delete("userAccountControl", []string{old})
			m.Add("userAccountControl", []string{strconv.FormatInt(next, 10)})
			err = c.Modify(m)
			if !isCode(err, ldap.LDAPResultNoSuchAttribute) {
				return err // done, or failed for another reason
			}
			// The flags changed since they were read: read again.
		}
		return connectors.Errorf(connectors.Transient, op, "userAccountControl kept changing under the update; try again")
	})
}

// SetPassword replaces the account's password (unicodePwd), which AD
// accepts only over an encrypted connection.
func (d *Directory) SetPassword(ctx context.Context, id connectors.ID, password connectors.Secret) error {
	const op = "set password"
	if err := connectors.CheckPassword(password); err != nil {
		return err
	}
	dn, err := guidDN(op, id)
	if err != nil {
		return err
	}
	return d.do(ctx, op, string(id), nil, func(c *ldap.Conn) error {
		if err := requireTLS(c, op); err != nil {
			return err
		}
		e, err := readEntry(c, dn, "userAccountControl")
		if err != nil {
			return err
		}
		if e.GetAttributeValue("userAccountControl") == "" {
			return connectors.Errorf(connectors.Invalid, op, "%q is not an account", e.DN)
		}
		m := ldap.NewModifyRequest(dn, nil)
		m.Replace("unicodePwd", []string{encodePassword(password)})
		return c.Modify(m)
	})
}

// requireTLS refuses to go on over a connection that is not encrypted.
// (Windows AD refuses unicodePwd there itself; Samba 4.17 does not.)
func requireTLS(c *ldap.Conn, op string) error {
	if _, ok := c.TLSConnectionState(); !ok {
		return connectors.Errorf(connectors.Configuration, op, "passwords are only sent over an encrypted connection: use ldaps:// or StartTLS")
	}
	return nil
}

// encodePassword writes a password as AD's unicodePwd wants it: the
// password in double quotes, in UTF-16LE.
func encodePassword(pw connectors.Secret) string {
	u := utf16.Encode([]rune(`"` + string(pw) + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}
