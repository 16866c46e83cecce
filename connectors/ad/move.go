package ad

import (
	"context"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// Move renames or moves an object with ModifyDN. AD does not accept
// <GUID=…> as the entry of a ModifyDN, so the object's DN is read first, on
// the same connection.
func (d *Directory) Move(ctx context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	const op = "move"
	if err := connectors.CheckMove(req); err != nil {
		return "", err
	}
	gdn, err := guidDN(op, id)
	if err != nil {
		return "", err
	}
	var newDN string
	err = d.do(ctx, op, string(id), nil, func(c *ldap.Conn) error {
		e, err := readEntry(c, gdn, "1.1")
		if err != nil {
			return err
		}
		oldDN := e.DN
		rdn, parent, err := connectors.SplitDN(oldDN)
		if err != nil {
			return err
		}
		if req.NewName != "" {
			rdn.Value = req.NewName
		}
		if req.NewParent != "" {
			parent = req.NewParent
		}
		newRDN := connectors.FormatDN([]connectors.RDN{rdn})
		if err := c.ModifyDN(ldap.NewModifyDNRequest(oldDN, newRDN, true, req.NewParent)); err != nil {
			return err
		}
		newDN = newRDN + "," + parent
		return nil
	})
	return newDN, err
}
