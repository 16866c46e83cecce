package ad

import (
	"context"
	"strconv"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// Create adds the object and returns its objectGUID. An account is created
// with userAccountControl NORMAL_ACCOUNT, disabled unless req.Enabled (AD's
// own default adds PASSWD_NOTREQD, which orgsync never wants), and with its
// password in the same Add, so that it never exists enabled without one.
func (d *Directory) Create(ctx context.Context, req connectors.CreateRequest) (connectors.ID, error) {
	const op = "create"
	if err := connectors.CheckCreate(req); err != nil {
		return "", err
	}
	add := ldap.NewAddRequest(req.DN, nil)
	for _, a := range req.Attributes {
		add.Attribute(a.Name, a.Values)
	}
	if connectors.IsAccount(req.Attributes) {
		uac := uacNormalAccount
		if !req.Enabled {
			uac |= uacAccountDisable
		}
		add.Attribute("userAccountControl", []string{strconv.Itoa(uac)})
	}
	var id connectors.ID
	err := d.do(ctx, op, req.DN, nil, func(c *ldap.Conn) error {
		if req.Password != "" {
			if err := requireTLS(c, op); err != nil {
				return err
			}
			add.Attribute("unicodePwd", []string{encodePassword(req.Password)})
		}
		if err := c.Add(add); err != nil {
			return err
		}
		// AD does not return the new object's GUID; read it on the same
		// connection, where the Add is already visible.
		e, err := readEntry(c, req.DN, "objectGUID")
		if err != nil {
			return err
		}
		if id, _ = IDFromGUID(e.GetRawAttributeValue("objectGUID")); id == "" {
			return connectors.Errorf(connectors.Other, op, "created %q, but could not read its objectGUID", req.DN)
		}
		return nil
	})
	return id, err
}
