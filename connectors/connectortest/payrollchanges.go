package connectortest

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

// maxPages bounds a change feed that never ends.
const maxPages = 100000

// drain reads every page of changes after token and applies each to state
// (which it changes), as a host does, and returns the pages. Every page
// must pass CheckPayrollChanges and carry a token.
func (s *payrollSuite) drain(t *testing.T, state *connectors.PayrollSnapshot, token connectors.Token) []*connectors.PayrollChanges {
	t.Helper()
	var pages []*connectors.PayrollChanges
	for range maxPages {
		page := s.page(t, token)
		state.Apply(page)
		pages = append(pages, page)
		token = page.Token
		if !page.More {
			return pages
		}
	}
	t.Fatal("the change feed never ends")
	return nil
}

// page reads one page of changes after token.
func (s *payrollSuite) page(t *testing.T, token connectors.Token) *connectors.PayrollChanges {
	t.Helper()
	page, err := s.changes().Changes(s.ctx, token)
	require.NoError(t, err, "changes")
	require.NotNil(t, page)
	require.NoError(t, connectors.CheckPayrollChanges(page), "a page of changes is valid")
	require.NotEmpty(t, page.Token, "every page has a token")
	return page
}

// reported returns the records the pages report, changed and deleted.
func reported(pages []*connectors.PayrollChanges) (changed, deleted map[connectors.PayrollRef]bool) {
	changed, deleted = map[connectors.PayrollRef]bool{}, map[connectors.PayrollRef]bool{}
	for _, p := range pages {
		for _, u := range p.Units {
			changed[connectors.PayrollRef{Kind: connectors.PayrollUnitKind, Key: u.Key}] = true
		}
		for _, x := range p.Persons {
			changed[connectors.PayrollRef{Kind: connectors.PayrollPersonKind, Key: x.Key}] = true
		}
		for _, e := range p.Engagements {
			changed[connectors.PayrollRef{Kind: connectors.PayrollEngagementKind, Key: e.Key}] = true
		}
		for _, l := range p.Leaves {
			changed[connectors.PayrollRef{Kind: connectors.PayrollLeaveKind, Key: l.Key}] = true
		}
		for _, m := range p.Managers {
			changed[connectors.PayrollRef{Kind: connectors.PayrollManagerKind, Key: m.Key}] = true
		}
		for _, d := range p.Deleted {
			deleted[d] = true
		}
	}
	return changed, deleted
}

// requireNothing fails unless the page reports no change.
func requireNothing(t *testing.T, page *connectors.PayrollChanges, msg string) {
	t.Helper()
	require.Empty(t, page.Units, msg)
	require.Empty(t, page.Persons, msg)
	require.Empty(t, page.Engagements, msg)
	require.Empty(t, page.Leaves, msg)
	require.Empty(t, page.Managers, msg)
	require.Empty(t, page.Deleted, msg)
	require.False(t, page.More, msg)
}

// The changes from one delivery to the next, applied to the first
// snapshot, give the second: a rename from a date, a move, a hire, a
// manager's new level and a role that ends, and deletions, which are
// reported as such.
func testPayrollChanges(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	state := s.snapshot(t)
	require.NotEmpty(t, state.Token, "the snapshot has a token")
	s.publish(t, payrollV2())

	pages := s.drain(t, state, state.Token)
	h1, h2 := s.held(t, payrollV1()), s.held(t, payrollV2())
	requireSamePayroll(t, h2, state, "v1 with every page of changes applied is v2")
	require.Equal(t, pages[len(pages)-1].Token, state.Token)

	// What changed is what changed in what the source holds; unprojected,
	// that is changedV2 and deletedV2.
	c, d := diffRefs(payrollV1(), payrollV2())
	require.Equal(t, sortedRefs(changedV2), c, "the suite's own data")
	require.Equal(t, sortedRefs(deletedV2), d, "the suite's own data")
	changedHeld, deletedHeld := diffRefs(h1, h2)
	changed, deleted := reported(pages)
	for _, r := range changedHeld {
		require.Truef(t, changed[r], "the %s %s that changed is reported", r.Kind, r.Key)
	}
	for _, r := range deletedHeld {
		require.Truef(t, deleted[r], "the deletion of %s %s is reported", r.Kind, r.Key)
		require.Falsef(t, changed[r], "the deleted %s %s is not reported as changed", r.Kind, r.Key)
	}
	for r := range deleted {
		require.Containsf(t, deletedHeld, r, "only what is gone is reported deleted, not %s %s", r.Kind, r.Key)
	}
	for _, p := range pages {
		for _, u := range p.Units {
			if u.Key == "SKOLE" {
				require.Len(t, rowsOf(p.Units, "SKOLE"), len(rowsOf(h2.Units, "SKOLE")), "a changed record comes with all its rows")
			}
		}
	}
	// A manager whose level changed comes with it, and no longer with the
	// old one, if the source holds the role at all.
	levels := func(ms []connectors.PayrollManager) (out []string) {
		for _, m := range ms {
			if m.Key == "E1" {
				out = append(out, m.Level)
			}
		}
		return out
	}
	if old, now := levels(h1.Managers), levels(h2.Managers); len(now) > 0 && !slices.Equal(old, now) {
		var got []string
		for _, p := range pages {
			got = append(got, levels(p.Managers)...)
		}
		require.Equal(t, now, got, "manager E1's new level is reported")
		require.Equal(t, now, levels(state.Managers), "and applied")
	}
}

func sortedRefs(refs []connectors.PayrollRef) []connectors.PayrollRef {
	out := slices.Clone(refs)
	slices.SortFunc(out, compareRefs)
	return out
}

// diffRefs returns the records of now whose rows are not those of old
// (new ones included), and the records of old that now lacks, each
// sorted.
func diffRefs(old, now *connectors.PayrollSnapshot) (changed, deleted []connectors.PayrollRef) {
	o, n := recordsOf(old), recordsOf(now)
	for r, rows := range n {
		if !reflect.DeepEqual(o[r], rows) {
			changed = append(changed, r)
		}
	}
	for r := range o {
		if _, ok := n[r]; !ok {
			deleted = append(deleted, r)
		}
	}
	slices.SortFunc(changed, compareRefs)
	slices.SortFunc(deleted, compareRefs)
	return changed, deleted
}

// recordsOf returns the rows of each record of s, in canonical order.
func recordsOf(s *connectors.PayrollSnapshot) map[connectors.PayrollRef][]any {
	c := canonical(s)
	m := map[connectors.PayrollRef][]any{}
	add := func(k connectors.PayrollKind, key string, row any) {
		r := connectors.PayrollRef{Kind: k, Key: key}
		m[r] = append(m[r], row)
	}
	for _, u := range c.Units {
		add(connectors.PayrollUnitKind, u.Key, u)
	}
	for _, p := range c.Persons {
		add(connectors.PayrollPersonKind, p.Key, p)
	}
	for _, e := range c.Engagements {
		add(connectors.PayrollEngagementKind, e.Key, e)
	}
	for _, l := range c.Leaves {
		add(connectors.PayrollLeaveKind, l.Key, l)
	}
	for _, x := range c.Managers {
		add(connectors.PayrollManagerKind, x.Key, x)
	}
	return m
}

func rowsOf(units []connectors.PayrollUnit, key string) []connectors.PayrollUnit {
	return slices.DeleteFunc(slices.Clone(units), func(u connectors.PayrollUnit) bool { return u.Key != key })
}

// Many changes come in pages; applying every page, and only then, gives
// the new state, with nothing lost.
func testPayrollChangesPaging(t *testing.T, s *payrollSuite) {
	const n = 150
	v1 := bulkPayroll(n, "")
	s.publish(t, v1)
	state := s.snapshot(t)
	v2 := bulkPayroll(n, " v2")
	v2.Units = v2.Units[:n/2] // and half the units, with what is in them, are gone
	v2.Persons, v2.Engagements, v2.Leaves = v2.Persons[:n/2-1], v2.Engagements[:n/2-1], v2.Leaves[:n/2-1]
	s.publish(t, v2)

	pages := s.drain(t, state, state.Token)
	h1, h2 := s.held(t, v1), s.held(t, v2)
	requireSamePayroll(t, h2, state, "every page applied")
	for i, p := range pages[:len(pages)-1] {
		require.Truef(t, p.More, "page %d of %d says More", i+1, len(pages))
	}
	// What is left changed its name, but for the root; the rest is gone.
	c, d := diffRefs(v1, v2)
	require.Len(t, c, len(refs(v2))-1, "the suite's own data")
	require.Len(t, d, 4*(n/2+1), "the suite's own data")
	changedHeld, deletedHeld := diffRefs(h1, h2)
	changed, deleted := reported(pages)
	for _, r := range changedHeld {
		require.Truef(t, changed[r], "the change of %s %s is reported", r.Kind, r.Key)
	}
	gone := map[connectors.PayrollRef]bool{}
	for _, r := range deletedHeld {
		gone[r] = true
	}
	require.Equal(t, gone, deleted, "every record that is gone is reported deleted, and only those")
	t.Logf("%d changed and %d deleted records came in %d pages", len(changed), len(deleted), len(pages))

	// The test notices a page left out: a host that skipped one would
	// lose what it carries.
	if len(pages) > 1 {
		skip := slices.IndexFunc(pages, func(p *connectors.PayrollChanges) bool {
			return len(p.Units)+len(p.Persons)+len(p.Engagements)+len(p.Leaves)+len(p.Managers)+len(p.Deleted) > 0
		})
		partial := clonePayroll(h1)
		for i, p := range pages {
			if i != skip {
				partial.Apply(p)
			}
		}
		require.Falsef(t, samePayroll(h2, partial), "page %d carries changes the other pages do not", skip+1)
	}
}

// refs returns the records of s.
func refs(s *connectors.PayrollSnapshot) []connectors.PayrollRef {
	var out []connectors.PayrollRef
	for _, u := range s.Units {
		out = append(out, connectors.PayrollRef{Kind: connectors.PayrollUnitKind, Key: u.Key})
	}
	for _, p := range s.Persons {
		out = append(out, connectors.PayrollRef{Kind: connectors.PayrollPersonKind, Key: p.Key})
	}
	for _, e := range s.Engagements {
		out = append(out, connectors.PayrollRef{Kind: connectors.PayrollEngagementKind, Key: e.Key})
	}
	for _, l := range s.Leaves {
		out = append(out, connectors.PayrollRef{Kind: connectors.PayrollLeaveKind, Key: l.Key})
	}
	for _, m := range s.Managers {
		out = append(out, connectors.PayrollRef{Kind: connectors.PayrollManagerKind, Key: m.Key})
	}
	slices.SortFunc(out, compareRefs)
	return slices.Compact(out)
}

func compareRefs(a, b connectors.PayrollRef) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key))
}

// A host persists a page's token after applying the page. Whether it
// stops after persisting or before, resuming loses nothing.
func testPayrollChangesResume(t *testing.T, s *payrollSuite) {
	const n = 60
	s.publish(t, bulkPayroll(n, ""))
	start := s.snapshot(t)
	v2 := bulkPayroll(n, " v2")
	s.publish(t, v2)
	h2 := s.held(t, v2)

	first := s.page(t, start.Token)
	held := clonePayroll(start)
	held.Apply(first)
	persisted := first.Token

	// Stopped after persisting page 1's token: resume from it.
	resumed := clonePayroll(held)
	s.drain(t, resumed, persisted)
	requireSamePayroll(t, h2, resumed, "resumed from page 1's token")

	// Stopped before persisting it: page 1 comes again, harmlessly.
	again := clonePayroll(held)
	s.drain(t, again, start.Token)
	requireSamePayroll(t, h2, again, "resumed from the token before page 1")

	// A token can be used more than once.
	twice := clonePayroll(held)
	s.drain(t, twice, persisted)
	requireSamePayroll(t, h2, twice, "resumed from page 1's token a second time")
}

// A delivery that comes while a host is paging is not lost: the host ends
// on the newest state.
func testPayrollChangesPublishWhilePaging(t *testing.T, s *payrollSuite) {
	const n = 60
	s.publish(t, bulkPayroll(n, ""))
	state := s.snapshot(t)
	s.publish(t, bulkPayroll(n, " v2"))
	first := s.page(t, state.Token)
	state.Apply(first)

	// v3 changes records that sort before, in and after what was read so
	// far, adds some and deletes some.
	v3 := bulkPayroll(n, " v3")
	v3.Units = append(v3.Units, connectors.PayrollUnit{Key: "0-FIRST", Parent: "ROOT", Name: "Først", Valid: timeline.Since(date(2001, 1, 1))},
		connectors.PayrollUnit{Key: "~LAST", Parent: "ROOT", Name: "Sidst", Valid: timeline.Since(date(2001, 1, 1))})
	v3.Leaves = v3.Leaves[1:]
	v3.Units[0].Name = "Kommune v3"
	s.publish(t, v3)

	s.drain(t, state, first.Token)
	requireSamePayroll(t, s.held(t, v3), state, "paging across a publish")
}

// A snapshot's token, and the last page's, are "now": changes after them
// are those published later, and there are none until then.
func testPayrollChangesTokenOfNow(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	state := s.snapshot(t)
	page := s.page(t, state.Token)
	requireNothing(t, page, "nothing is published after the snapshot")
	requireNothing(t, s.page(t, page.Token), "nor after the empty page")

	s.publish(t, payrollV2())
	s.drain(t, state, page.Token)
	requireSamePayroll(t, s.held(t, payrollV2()), state)
	now := state.Token
	for range 2 {
		requireNothing(t, s.page(t, now), "nothing after the last page's token")
	}

	v3 := payrollV2()
	v3.Units[0].Name = "Hjørring Kommune (ny)"
	s.publish(t, v3)
	pages := s.drain(t, state, now)
	requireSamePayroll(t, s.held(t, v3), state, "the next publish comes after the token of now")
	changed, deleted := reported(pages)
	c, d := diffRefs(s.held(t, payrollV2()), s.held(t, v3))
	for _, r := range c {
		require.Truef(t, changed[r], "the renamed %s %s is reported", r.Kind, r.Key)
	}
	if s.Project == nil {
		require.True(t, changed[connectors.PayrollRef{Kind: connectors.PayrollUnitKind, Key: "ROOT"}], "the renamed root is reported")
	}
	require.Empty(t, d, "the suite's own data")
	require.Empty(t, deleted)

	snap := s.snapshot(t)
	requireNothing(t, s.page(t, snap.Token), "a new snapshot's token is now again")
}

func testPayrollChangesBadToken(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	snap := s.snapshot(t)
	for _, tok := range []connectors.Token{"", "garbage", "\x00\xff", connectors.Token(longKey + longKey)} {
		page, err := s.changes().Changes(s.ctx, tok)
		requireKind(t, connectors.Invalid, err, "token %q", tok)
		require.Nil(t, page)
	}
	requireNothing(t, s.page(t, snap.Token), "a good token still works")
}

func testPayrollChangesCanceledContext(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	snap := s.snapshot(t)
	s.publish(t, payrollV2())
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	_, err := s.changes().Changes(ctx, snap.Token)
	requireContextError(t, err, context.Canceled, "changes")
	expired, cancel2 := context.WithDeadline(s.ctx, time.Now().Add(-time.Second))
	defer cancel2()
	_, err = s.changes().Changes(expired, snap.Token)
	requireContextError(t, err, context.DeadlineExceeded, "changes")

	s.drain(t, snap, snap.Token)
	requireSamePayroll(t, s.held(t, payrollV2()), snap, "the token still works after the failed calls")
}

func testPayrollChangesAfterClose(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	snap := s.snapshot(t)
	require.NoError(t, s.Payroll.Close())
	page, err := s.changes().Changes(s.ctx, snap.Token)
	require.Error(t, err, "changes after close")
	require.Nil(t, page)
}
