package inmem

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
)

// AddMember makes member a member of group.
func (d *Directory) AddMember(ctx context.Context, group, member connectors.ID) error {
	return d.membership(ctx, "add member", group, member, true)
}

// RemoveMember ends member's membership of group.
func (d *Directory) RemoveMember(ctx context.Context, group, member connectors.ID) error {
	return d.membership(ctx, "remove member", group, member, false)
}

func (d *Directory) membership(ctx context.Context, op string, group, member connectors.ID, add bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, op, group)
	if err != nil {
		return err
	}
	if !g.group {
		return connectors.Errorf(connectors.Invalid, op, "%q is not a group", d.dnOf(g))
	}
	m, err := d.byIDOrErr(op, member)
	if err != nil {
		return err
	}
	_, is := g.members[m.id]
	if is == add {
		return nil
	}
	if add {
		g.members[m.id], m.memberOf[g.id] = m, g
	} else {
		delete(g.members, m.id)
		delete(m.memberOf, g.id)
	}
	d.recordChange(g, false)
	return nil
}
