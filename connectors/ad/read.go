package ad

import "github.com/go-ldap/ldap/v3"

// readEntry reads one entry (a base-object search) on c; no entry is a
// noSuchObject error, as AD reports a missing base.
func readEntry(c *ldap.Conn, dn string, attrs ...string) (*ldap.Entry, error) {
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil))
	if err != nil {
		return nil, err
	}
	if len(res.Entries) != 1 {
		return nil, ldap.NewError(ldap.LDAPResultNoSuchObject, errNoEntry)
	}
	return res.Entries[0], nil
}
