package ad

import (
	"context"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// Delete deletes a leaf object. AD keeps it as a tombstone, which the change
// feed reports as a deletion.
func (d *Directory) Delete(ctx context.Context, id connectors.ID) error {
	const op = "delete"
	dn, err := guidDN(op, id)
	if err != nil {
		return err
	}
	return d.do(ctx, op, string(id), nil, func(c *ldap.Conn) error {
		return c.Del(ldap.NewDelRequest(dn, nil))
	})
}
