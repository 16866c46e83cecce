package ad

import (
	"context"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// AddMember adds member to the group's member attribute, naming both by
// objectGUID. A member that is one already is not an error.
func (d *Directory) AddMember(ctx context.Context, group, member connectors.ID) error {
	return d.membership(ctx, "add member", group, member, true)
}

// RemoveMember removes member from the group's member attribute. A
// non-member is not an error.
func (d *Directory) RemoveMember(ctx context.Context, group, member connectors.ID) error {
	return d.membership(ctx, "remove member", group, member, false)
}

func (d *Directory) membership(ctx context.Context, op string, group, member connectors.ID, add bool) error {
	gdn, err := guidDN(op, group)
	if err != nil {
		return err
	}
	mdn, err := guidDN(op, member)
	if err != nil {
		return err
	}
	return d.do(ctx, op, string(group), nil, func(c *ldap.Conn) error {
		m := ldap.NewModifyRequest(gdn, nil)
		if add {
			m.Add("member", []string{mdn})
		} else {
			m.Delete("member", []string{mdn})
		}
		err := c.Modify(m)
		switch {
		case err == nil:
			return nil
		case add && isCode(err, ldap.LDAPResultEntryAlreadyExists, ldap.LDAPResultAttributeOrValueExists):
			return nil // already a member (Samba says 68, Windows 20)
		case !add && isCode(err, ldap.LDAPResultNoSuchAttribute):
			return nil // not a member (Windows)
		case !add && isCode(err, ldap.LDAPResultUnwillingToPerform) &&
			(strings.Contains(err.Error(), "doesn't exist") || strings.Contains(err.Error(), "already deleted")):
			return nil // not a member, or no longer (Samba)
		case !add && isCode(err, ldap.LDAPResultInvalidAttributeSyntax):
			// Samba's answer to removing a <GUID=…> that names no object:
			// the member is unknown, as the twin and AddMember say.
			return connectors.Errorf(connectors.NotFound, op, "no object has the id %s", member)
		case isCode(err, ldap.LDAPResultObjectClassViolation, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultUndefinedAttributeType):
			return connectors.Errorf(connectors.Invalid, op, "%s is not a group", group)
		}
		return err
	})
}
