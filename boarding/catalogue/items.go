package catalogue

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// ErrUnknownRole is Resolve's error for a job role the catalogue does
// not have (errors.Is).
var ErrUnknownRole = errors.New("unknown job role")

// ErrNotValidated is Resolve's error on a catalogue whose indexes are not
// built: one not from Parse or Load, or whose Validate failed.
var ErrNotValidated = errors.New("catalogue: not validated; use Parse, Load or Validate")

// Items returns what the job role grants, its includes expanded: each
// entitlement once, each equipment kind once with the largest quantity
// any of the roles asks for (a role and the base it includes both
// asking for a pc means one pc, not two), entitlements first by system
// and resource, then equipment by kind. It is nil for a role the
// catalogue does not have. The slice is the caller's.
//
// It says what the catalogue holds and nothing about whether the role
// may be ordered: its lifecycle, units and titles are the caller's to
// weigh.
func (c *Catalogue) Items(roleID string) []Item {
	if c.idx == nil {
		return nil
	}
	i, ok := c.idx.roles[roleID]
	if !ok {
		return nil
	}
	return slices.Clone(c.idx.items[i])
}

// Resolve returns what the job roles grant together, by the rules of
// Items: the union, each item once, in Items' order. Every unknown role
// is an error wrapping ErrUnknownRole, joined; no roles is no items.
func (c *Catalogue) Resolve(roles ...string) ([]Item, error) {
	if c.idx == nil {
		return nil, ErrNotValidated
	}
	lists := make([][]Item, 0, len(roles))
	var errs []error
	for _, id := range roles {
		i, ok := c.idx.roles[id]
		if !ok {
			errs = append(errs, fmt.Errorf("catalogue: %w %q", ErrUnknownRole, clip(id)))
			continue
		}
		lists = append(lists, c.idx.items[i])
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return merge(lists...), nil
}

// expand computes every role's items with its includes, each role once:
// a role's are its own merged with its includes', which are done first.
// The include graph has no cycles when this runs.
func (c *Catalogue) expand(ix *index) [][]Item {
	n := len(c.JobRoles)
	out := make([][]Item, n)
	done := make([]bool, n)
	var visit func(i int)
	visit = func(i int) {
		done[i] = true
		lists := [][]Item{c.JobRoles[i].Items}
		for _, e := range ix.includes[i] {
			if !done[e.to] {
				visit(e.to)
			}
			lists = append(lists, out[e.to])
		}
		out[i] = merge(lists...)
	}
	for i := range c.JobRoles {
		if !done[i] {
			visit(i)
		}
	}
	return out
}

// merge returns the items of lists, each once (equipment with the
// largest quantity), in Items' order: sorted, the same items are
// neighbours.
func merge(lists ...[]Item) []Item {
	var out []Item
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortFunc(out, compareItems)
	n := 0
	for _, it := range out {
		if n > 0 && compareItems(out[n-1], it) == 0 {
			out[n-1].Quantity = max(out[n-1].Quantity, it.Quantity)
			continue
		}
		out[n] = it
		n++
	}
	return slices.Clip(out[:n])
}

// compareItems orders entitlements before equipment, entitlements by
// system and resource, equipment by kind.
func compareItems(a, b Item) int {
	if a.IsEquipment() != b.IsEquipment() {
		if a.IsEquipment() {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Equipment, b.Equipment))
}
