package connectors

import (
	"cmp"
	"slices"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Apply applies a page of changes to the snapshot in place, so that a
// caller who holds a snapshot and reads [PayrollChangeReader.Changes] after
// its Token, applying every page in turn, holds what a new Snapshot would
// return:
//
//   - each record in the page's Units, Persons, Engagements, Leaves and
//     Managers replaces every row of that kind and key the snapshot has (a record's
//     rows are its whole history);
//   - each record in Deleted loses every row of its kind and key; a
//     record that the snapshot does not have, or of a kind that is not
//     valid, is ignored;
//   - the snapshot's Token becomes the page's Token, and the page's
//     Skipped records are added to the snapshot's (capped).
//
// Deletions are applied first, so a record that a page both deletes and
// delivers ends up with the rows delivered. Apply does not check the page
// (see [CheckPayrollChanges]) and does not check references between
// records, which may be dangling until the last page is applied.
//
// Afterwards each of the five lists is in a deterministic order: sorted by
// Key (byte order), then by Valid.From, then by Valid.To; rows equal in all
// three keep their order, the snapshot's before the page's. So applying the
// same pages to the same snapshot always gives the same lists, whatever
// order the rows came in.
//
// Apply builds new slices rather than writing into the arrays behind the
// snapshot's or the page's, so a copy of the snapshot's struct taken
// before Apply keeps the rows it had, and the page can be reused. A nil
// page changes nothing.
func (s *PayrollSnapshot) Apply(c *PayrollChanges) {
	if c == nil {
		return
	}
	gone := map[PayrollKind]map[string]bool{}
	for _, d := range c.Deleted {
		if !d.Kind.Valid() {
			continue
		}
		if gone[d.Kind] == nil {
			gone[d.Kind] = map[string]bool{}
		}
		gone[d.Kind][d.Key] = true
	}
	s.Units = applyRows(s.Units, c.Units, gone[PayrollUnitKind], func(u *PayrollUnit) (string, timeline.Interval) { return u.Key, u.Valid })
	s.Persons = applyRows(s.Persons, c.Persons, gone[PayrollPersonKind], func(p *PayrollPerson) (string, timeline.Interval) { return p.Key, p.Valid })
	s.Engagements = applyRows(s.Engagements, c.Engagements, gone[PayrollEngagementKind], func(e *PayrollEngagement) (string, timeline.Interval) { return e.Key, e.Valid })
	s.Leaves = applyRows(s.Leaves, c.Leaves, gone[PayrollLeaveKind], func(l *PayrollLeave) (string, timeline.Interval) { return l.Key, l.Valid })
	s.Managers = applyRows(s.Managers, c.Managers, gone[PayrollManagerKind], func(m *PayrollManager) (string, timeline.Interval) { return m.Key, m.Valid })
	s.Token = c.Token
	s.Skipped = CapSkipped(slices.Concat(s.Skipped, c.Skipped))
}

// applyRows returns a new list: the rows whose key is neither deleted nor
// changed, then the changed rows, in the order Apply documents.
func applyRows[T any](rows, changed []T, deleted map[string]bool, kv func(*T) (string, timeline.Interval)) []T {
	replaced := make(map[string]bool, len(changed))
	for i := range changed {
		k, _ := kv(&changed[i])
		replaced[k] = true
	}
	out := make([]T, 0, len(rows)+len(changed))
	for i := range rows {
		if k, _ := kv(&rows[i]); !deleted[k] && !replaced[k] {
			out = append(out, rows[i])
		}
	}
	out = append(out, changed...)
	sortRows(out, kv)
	if len(out) == 0 && rows == nil {
		return nil // an absent list stays absent
	}
	return out
}

// sortRows sorts rows by key, then start, then end, stably.
func sortRows[T any](rows []T, kv func(*T) (string, timeline.Interval)) {
	slices.SortStableFunc(rows, func(a, b T) int {
		ka, va := kv(&a)
		kb, vb := kv(&b)
		if c := cmp.Compare(ka, kb); c != 0 {
			return c
		}
		if c := cmp.Compare(va.From, vb.From); c != 0 {
			return c
		}
		return cmp.Compare(va.To, vb.To)
	})
}
