package inmem_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

var since2000 = timeline.Since(timeline.MustDate(2000, 1, 1))

// smallPayroll is a valid state with n units, persons and engagements.
func smallPayroll(n int, name string) *connectors.PayrollSnapshot {
	s := &connectors.PayrollSnapshot{}
	for i := range n {
		k := fmt.Sprint(i)
		s.Units = append(s.Units, connectors.PayrollUnit{Key: "U" + k, Name: name + k, Valid: since2000})
		s.Persons = append(s.Persons, connectors.PayrollPerson{Key: "P" + k, NationalID: connectors.NationalID("01019012" + fmt.Sprintf("%02d", i)), Surname: name + k, Valid: since2000})
		s.Engagements = append(s.Engagements, connectors.PayrollEngagement{Key: "E" + k, Person: "P" + k, Unit: "U" + k, JobFunction: name, Fraction: 1, Valid: since2000})
	}
	return s
}

func mustSnapshot(t *testing.T, p *inmem.Payroll) *connectors.PayrollSnapshot {
	t.Helper()
	s, err := p.Snapshot(context.Background())
	require.NoError(t, err)
	return s
}

// drainAll applies every page after token to state and returns the pages.
func drainAll(t *testing.T, p *inmem.Payroll, state *connectors.PayrollSnapshot, token connectors.Token) []*connectors.PayrollChanges {
	t.Helper()
	var pages []*connectors.PayrollChanges
	for range 1000 {
		page, err := p.Changes(context.Background(), token)
		require.NoError(t, err)
		state.Apply(page)
		pages = append(pages, page)
		token = page.Token
		if !page.More {
			return pages
		}
	}
	t.Fatal("no end")
	return nil
}

func TestPayrollPublishRefusesBadData(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{})
	good := smallPayroll(2, "a")
	require.NoError(t, p.Publish(good))
	before := mustSnapshot(t, p)

	bad := smallPayroll(2, "b")
	bad.Engagements[0].Unit = "NOPE"
	bad.Persons[1].Key = "0101901234"
	bad.Persons[1].Surname = ""
	err := p.Publish(bad)
	require.ErrorIs(t, err, connectors.Invalid)
	var re *connectors.RecordError
	require.ErrorAs(t, err, &re, "the problems are RecordErrors")
	require.Contains(t, err.Error(), `no such record "NOPE"`)
	require.Contains(t, err.Error(), `person "010190-xxxx" (row 2) Surname: the person has no name`, "national ids are masked")
	require.NotContains(t, err.Error(), "0101901234")

	require.ErrorIs(t, p.Publish(nil), connectors.Invalid)

	after := mustSnapshot(t, p)
	require.Equal(t, before, after, "a refused publish changes nothing, not even the version")
	page, err := p.Changes(context.Background(), before.Token)
	require.NoError(t, err)
	require.Equal(t, &connectors.PayrollChanges{Token: before.Token}, page)
}

// The twin keeps no reference to what is published, and hands out none
// to what it holds.
func TestPayrollCopies(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{})
	in := smallPayroll(3, "a")
	require.NoError(t, p.Publish(in))
	in.Units[0].Name = "changed after publish"
	in.Persons = in.Persons[:1]

	got := mustSnapshot(t, p)
	require.Equal(t, "a0", got.Units[0].Name)
	require.Len(t, got.Persons, 3)
	got.Units[0].Name = "changed in a snapshot"
	got.Engagements[0].Fraction = 0.5
	again := mustSnapshot(t, p)
	require.Equal(t, "a0", again.Units[0].Name)
	require.Equal(t, 1.0, again.Engagements[0].Fraction)

	require.NoError(t, p.Publish(smallPayroll(3, "b")))
	page, err := p.Changes(context.Background(), got.Token)
	require.NoError(t, err)
	page.Units[0].Name = "changed in a page"
	page2, err := p.Changes(context.Background(), got.Token)
	require.NoError(t, err)
	require.Equal(t, "b0", page2.Units[0].Name)
}

// Snapshot's order is Apply's: a snapshot plus every page of changes is
// the next snapshot exactly, order and all.
func TestPayrollSnapshotOrderIsApplys(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{ChangePageSize: 2})
	v1 := smallPayroll(12, "a")
	v1.Units[3].Valid.To = timeline.MustDate(2010, 1, 1)
	v1.Engagements[3].Valid.To = timeline.MustDate(2010, 1, 1)
	v1.Units = append(v1.Units, connectors.PayrollUnit{Key: "U3", Name: "later", Valid: timeline.Since(timeline.MustDate(2010, 1, 1))})
	require.NoError(t, p.Publish(v1))
	state := mustSnapshot(t, p)
	var keys []string
	for _, u := range state.Units {
		keys = append(keys, u.Key)
	}
	require.Equal(t, []string{"U0", "U1", "U10", "U11", "U2", "U3", "U3", "U4", "U5", "U6", "U7", "U8", "U9"}, keys)
	require.Equal(t, "a3", state.Units[5].Name, "rows of a key by start")

	v2 := smallPayroll(10, "b")
	v2.Units[5].Parent = "U4"
	require.NoError(t, p.Publish(v2))
	pages := drainAll(t, p, state, state.Token)
	require.Equal(t, mustSnapshot(t, p), state)
	require.Greater(t, len(pages), 10)
}

// Each page holds at most the page size of records, units first, then
// persons, engagements and leaves, each kind by key, and every page but
// the last says More.
func TestPayrollPaging(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{ChangePageSize: 2})
	require.NoError(t, p.Publish(smallPayroll(3, "a")))
	start := mustSnapshot(t, p)
	v2 := smallPayroll(2, "b") // changes 6 records and deletes 3
	v2.Leaves = []connectors.PayrollLeave{{Key: "L", Engagement: "E0", Valid: since2000}}
	require.NoError(t, p.Publish(v2))

	pages := drainAll(t, p, start, start.Token)
	require.Len(t, pages, 5)
	var seen []string
	for i, page := range pages {
		n := len(page.Units) + len(page.Persons) + len(page.Engagements) + len(page.Leaves) + len(page.Deleted)
		require.LessOrEqual(t, n, 2)
		require.Equal(t, i < len(pages)-1, page.More)
		for _, u := range page.Units {
			seen = append(seen, "unit "+u.Key)
		}
		for _, x := range page.Persons {
			seen = append(seen, "person "+x.Key)
		}
		for _, e := range page.Engagements {
			seen = append(seen, "engagement "+e.Key)
		}
		for _, l := range page.Leaves {
			seen = append(seen, "leave "+l.Key)
		}
		for _, d := range page.Deleted {
			seen = append(seen, fmt.Sprintf("deleted %s %s", d.Kind, d.Key))
		}
	}
	// In record order: U0 U1 U2 | P0 P1 P2 | E0 E1 E2 | L, two a page;
	// within a page, the deletions are listed apart.
	require.Equal(t, []string{"unit U0", "unit U1", "person P0", "deleted unit U2", "person P1", "deleted person P2",
		"engagement E0", "engagement E1", "leave L", "deleted engagement E2"}, seen)
}

// Changes goes from the token's version straight to the latest: a record
// changed and changed back in between is not reported; publishing the same
// state again reports nothing.
func TestPayrollChangesSkipVersions(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{})
	require.NoError(t, p.Publish(smallPayroll(2, "a")))
	start := mustSnapshot(t, p)
	mid := smallPayroll(2, "a")
	mid.Units[0].Name = "for a day"
	require.NoError(t, p.Publish(mid))
	end := smallPayroll(2, "a")
	end.Units[1].Name = "renamed"
	require.NoError(t, p.Publish(end))

	page, err := p.Changes(context.Background(), start.Token)
	require.NoError(t, err)
	require.Equal(t, []connectors.PayrollUnit{end.Units[1]}, page.Units)
	require.Empty(t, page.Persons)
	require.False(t, page.More)

	require.NoError(t, p.Publish(end))
	again, err := p.Changes(context.Background(), page.Token)
	require.NoError(t, err)
	require.Empty(t, again.Units)
	require.False(t, again.More)
	require.NotEqual(t, page.Token, again.Token, "the token moves on to the new version")
}

func TestPayrollBeforeAnyPublish(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{})
	require.NoError(t, p.Ping(context.Background()))
	empty := mustSnapshot(t, p)
	require.Empty(t, empty.Units)
	require.Empty(t, empty.Persons)
	require.NotEmpty(t, empty.Token)
	v1 := smallPayroll(2, "a")
	require.NoError(t, p.Publish(v1))
	drainAll(t, p, empty, empty.Token)
	require.Equal(t, mustSnapshot(t, p), empty, "from nothing, the changes are everything")
}

func TestPayrollTokens(t *testing.T) {
	ctx := context.Background()
	p := inmem.NewPayroll(inmem.PayrollOptions{ChangePageSize: 1})
	require.NoError(t, p.Publish(smallPayroll(2, "a")))
	snap := mustSnapshot(t, p)
	require.NoError(t, p.Publish(smallPayroll(2, "b")))
	page, err := p.Changes(ctx, snap.Token)
	require.NoError(t, err)
	require.True(t, page.More)

	format := regexp.MustCompile(`^inmem-payroll/1:([0-9a-f]{12}):(\d+):(\d+):(\d+)$`)
	m := format.FindStringSubmatch(string(page.Token))
	require.NotNil(t, m, "token %q", page.Token)
	inst := m[1]
	require.Equal(t, []string{"1", "2", "1"}, m[2:], "from version 1 to 2, one record in")

	other := inmem.NewPayroll(inmem.PayrollOptions{})
	require.NoError(t, other.Publish(smallPayroll(2, "a")))
	require.NoError(t, other.Publish(smallPayroll(2, "b")))
	_, err = other.Changes(ctx, page.Token)
	require.ErrorIs(t, err, connectors.Invalid, "a token from another twin")
	require.Contains(t, err.Error(), "another payroll twin")

	tok := func(rest string) connectors.Token { return connectors.Token("inmem-payroll/1:" + inst + ":" + rest) }
	for _, bad := range []connectors.Token{
		"", "x", "inmem-payroll/1:", "inmem-payroll/2:" + connectors.Token(inst) + ":1:1:0", "inmem:" + connectors.Token(inst) + ":1",
		tok("1:2"), tok("1:2:0:0"), tok("a:2:0"), tok("-1:2:0"), tok("1:2:-1"), tok("01:2:0"), tok("1:2:+1"), tok(" 1:2:0"),
		tok("2:1:0"),   // backwards
		tok("1:3:0"),   // a version not yet published
		tok("2:2:1"),   // an offset with nothing pending
		tok("1:2:999"), // beyond the changes
		tok("99999999999999999999:2:0"),
		page.Token + "0", page.Token + ":",
	} {
		got, err := p.Changes(ctx, bad)
		require.ErrorIsf(t, err, connectors.Invalid, "token %q", bad)
		require.Nil(t, got)
	}
	for _, good := range []connectors.Token{tok("0:0:0"), tok("0:2:0"), tok("1:1:0"), tok("2:2:0"), page.Token} {
		_, err := p.Changes(ctx, good)
		require.NoErrorf(t, err, "token %q", good)
	}
}

func TestPayrollClose(t *testing.T) {
	ctx := context.Background()
	p := inmem.NewPayroll(inmem.PayrollOptions{})
	require.NoError(t, p.Publish(smallPayroll(1, "a")))
	snap := mustSnapshot(t, p)
	require.NoError(t, p.Close())
	require.NoError(t, p.Close(), "closing twice is harmless")
	for what, err := range map[string]error{
		"ping":    p.Ping(ctx),
		"publish": p.Publish(smallPayroll(1, "b")),
		"snapshot": func() error {
			_, err := p.Snapshot(ctx)
			return err
		}(),
		"changes": func() error {
			_, err := p.Changes(ctx, snap.Token)
			return err
		}(),
	} {
		require.ErrorIs(t, err, connectors.Invalid, what)
		require.Contains(t, err.Error(), "closed", what)
		var e *connectors.Error
		require.True(t, errors.As(err, &e), what)
		require.Equal(t, what, e.Op)
	}
}

func TestPayrollContextBeforeClosed(t *testing.T) {
	p := inmem.NewPayroll(inmem.PayrollOptions{})
	require.NoError(t, p.Close())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Ping(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, connectors.Transient)
	require.True(t, strings.HasPrefix(err.Error(), "ping"))
}
