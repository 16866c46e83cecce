package inmem

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
)

// Move renames an object, moves it to a new parent, or both. Its children
// move with it; its id and memberships stay.
func (d *Directory) Move(ctx context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	const op = "move"
	if err := connectors.CheckMove(req); err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.lookup(ctx, op, id)
	if err != nil {
		return "", err
	}
	if o.parent == nil {
		return "", connectors.Errorf(connectors.Invalid, op, "the naming context cannot be moved")
	}
	dn := d.dnOf(o)
	parent := o.parent
	if req.NewParent != "" {
		if parent, err = d.resolve(op, req.NewParent); err != nil {
			return "", &connectors.Error{Kind: connectors.NotFound, Op: op, Object: dn, Err: errNoParent}
		}
		if parent.isUnder(o) {
			return "", connectors.Errorf(connectors.Invalid, op, "cannot move %q below itself", dn)
		}
	}
	rdn := o.rdn
	if req.NewName != "" {
		rdn.Value = req.NewName
	}
	if other := parent.children[rdnKey(rdn)]; other != nil && other != o {
		return "", &connectors.Error{Kind: connectors.AlreadyExists, Op: op, Object: dn, Err: errEntryExists}
	}
	delete(o.parent.children, rdnKey(o.rdn))
	o.rdn, o.parent = rdn, parent
	parent.children[rdnKey(rdn)] = o
	def, _ := d.schema.lookup(rdn.Type)
	o.setAttr(def, []string{rdn.Value})
	d.recordChange(o, false)
	return d.dnOf(o), nil
}
