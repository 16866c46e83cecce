package inmem

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
)

// Delete deletes an object that has no children, ending its group
// memberships.
func (d *Directory) Delete(ctx context.Context, id connectors.ID) error {
	const op = "delete"
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.lookup(ctx, op, id)
	if err != nil {
		return err
	}
	if len(o.children) > 0 || o.parent == nil {
		return &connectors.Error{Kind: connectors.Constraint, Op: op, Object: d.dnOf(o), Err: errNonLeaf}
	}
	d.recordChange(o, true) // while it still has its DN
	for _, g := range o.memberOf {
		delete(g.members, o.id)
		d.recordChange(g, false)
	}
	for _, m := range o.members {
		delete(m.memberOf, o.id)
	}
	d.unindex(o)
	d.unlink(o)
	delete(o.parent.children, rdnKey(o.rdn))
	delete(d.byID, o.id)
	return nil
}

type nonLeaf struct{}

func (nonLeaf) Error() string { return "the object has children" }

var errNonLeaf = nonLeaf{}
