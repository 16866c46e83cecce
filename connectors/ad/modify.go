package ad

import (
	"context"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// Modify applies modifications in one LDAP Modify, which AD applies all or
// not at all.
func (d *Directory) Modify(ctx context.Context, id connectors.ID, mods []connectors.Modification) error {
	const op = "modify"
	if err := connectors.CheckModifications(mods); err != nil {
		return err
	}
	dn, err := guidDN(op, id)
	if err != nil {
		return err
	}
	req := ldap.NewModifyRequest(dn, nil)
	for _, m := range mods {
		switch m.Op {
		case connectors.ModReplace:
			req.Replace(m.Name, m.Values)
		case connectors.ModAdd:
			req.Add(m.Name, m.Values)
		case connectors.ModDelete:
			req.Delete(m.Name, m.Values)
		}
	}
	return d.do(ctx, op, string(id), nil, func(c *ldap.Conn) error { return c.Modify(req) })
}
