package payrollfile_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// feed writes three deliveries, a day apart, and returns them (sorted).
//
//	day 1: the sample
//	day 2: U3 renamed from 2026-12-01; P2 and E2 gone; P3 and E3 new
//	day 3: E1's fraction changed from 2026-12-01; L1 gone
func feed(t *testing.T, dir string) [3]*connectors.PayrollSnapshot {
	t.Helper()
	s1 := sample()

	s2 := sample()
	s2.Units[3].Valid.To = d("2026-12-01")
	s2.Units = append(s2.Units, connectors.PayrollUnit{Key: "U3", Parent: "U2", Name: "Hjemmeplejen Nord og Syd", Level: "Afdelings-niveau", Type: "Team", Valid: timeline.Since(d("2026-12-01"))})
	s2.Persons = []connectors.PayrollPerson{s2.Persons[0], {Key: "P3", NationalID: "0303031234", GivenNames: "Ахмед", Surname: "李", Valid: timeline.Since(d("2026-11-01"))}}
	s2.Engagements = []connectors.PayrollEngagement{s2.Engagements[0], {Key: "E3", Person: "P3", Unit: "U1", Fraction: 0.5, Valid: timeline.Since(d("2026-11-01"))}}

	s3 := normalized(s2)
	e1 := s3.Engagements[0]
	e1.Valid.To = d("2026-12-01")
	e1b := e1
	e1b.Fraction, e1b.Valid = 0.6, timeline.Since(d("2026-12-01"))
	s3.Engagements = []connectors.PayrollEngagement{e1, e1b, s3.Engagements[1]}
	s3.Leaves = nil

	out := [3]*connectors.PayrollSnapshot{normalized(s1), normalized(s2), normalized(s3)}
	for i, s := range out {
		require.NoError(t, payrollfile.Write(dir, day.AddDays(i), s))
	}
	return out
}

// apply applies a page of changes to a snapshot, as a caller would.
func apply(s *connectors.PayrollSnapshot, p *connectors.PayrollChanges) *connectors.PayrollSnapshot {
	gone := map[connectors.PayrollRef]bool{}
	for _, r := range p.Deleted {
		gone[r] = true
	}
	out := &connectors.PayrollSnapshot{
		Units:       applyRows(s.Units, p.Units, connectors.PayrollUnitKind, gone, func(u connectors.PayrollUnit) string { return u.Key }),
		Persons:     applyRows(s.Persons, p.Persons, connectors.PayrollPersonKind, gone, func(r connectors.PayrollPerson) string { return r.Key }),
		Engagements: applyRows(s.Engagements, p.Engagements, connectors.PayrollEngagementKind, gone, func(e connectors.PayrollEngagement) string { return e.Key }),
		Leaves:      applyRows(s.Leaves, p.Leaves, connectors.PayrollLeaveKind, gone, func(l connectors.PayrollLeave) string { return l.Key }),
	}
	return normalized(out)
}

func applyRows[T any](rows, changed []T, kind connectors.PayrollKind, gone map[connectors.PayrollRef]bool, key func(T) string) []T {
	replaced := map[string]bool{}
	for _, r := range changed {
		replaced[key(r)] = true
	}
	var out []T
	for _, r := range rows {
		if !replaced[key(r)] && !gone[connectors.PayrollRef{Kind: kind, Key: key(r)}] {
			out = append(out, r)
		}
	}
	return append(out, changed...)
}

func TestChanges(t *testing.T) {
	dir := t.TempDir()
	want := feed(t, dir)
	c := open(t, dir)
	ctx := context.Background()

	s, err := c.Snapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, want[2], withoutToken(s))
	t3 := s.Token

	// A consumer that took the first day's snapshot: read it from a
	// folder holding only that day, as it was then.
	old := t.TempDir()
	require.NoError(t, payrollfile.Write(old, day, want[0]))
	s1, err := snapshot(t, old)
	require.NoError(t, err)
	t1 := s1.Token

	p1, err := c.Changes(ctx, t1)
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayrollChanges(p1))
	assert.Equal(t, []connectors.PayrollUnit{want[1].Units[3], want[1].Units[4]}, p1.Units, "the changed unit with all its rows")
	assert.Equal(t, []connectors.PayrollPerson{want[1].Persons[1]}, p1.Persons)
	assert.Equal(t, []connectors.PayrollEngagement{want[1].Engagements[1]}, p1.Engagements)
	assert.Empty(t, p1.Leaves)
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollPersonKind, Key: "P2"}, {Kind: connectors.PayrollEngagementKind, Key: "E2"}}, p1.Deleted)
	assert.True(t, p1.More)
	assert.Contains(t, string(p1.Token), ":2026-11-23:")

	// The consumer crashed before persisting p1's token: it resumes from
	// t1 and gets the same page again.
	again, err := c.Changes(ctx, t1)
	require.NoError(t, err)
	assert.Equal(t, p1, again)

	p2, err := c.Changes(ctx, p1.Token)
	require.NoError(t, err)
	assert.Equal(t, []connectors.PayrollEngagement{want[2].Engagements[0], want[2].Engagements[1]}, p2.Engagements, "E1 with both its rows")
	assert.Empty(t, p2.Units)
	assert.Empty(t, p2.Persons)
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollLeaveKind, Key: "L1"}}, p2.Deleted)
	assert.False(t, p2.More)
	assert.Equal(t, t3, p2.Token)

	// Applying the pages to the first snapshot gives the last.
	assert.Equal(t, want[2], apply(apply(withoutToken(s1), p1), p2))
	// Applying a page twice (a resumed consumer) changes nothing more.
	assert.Equal(t, want[1], apply(apply(withoutToken(s1), p1), p1))

	// Nothing newer: an empty page with the same token.
	p3, err := c.Changes(ctx, t3)
	require.NoError(t, err)
	assert.Equal(t, &connectors.PayrollChanges{Token: t3}, p3)

	// An incomplete delivery after the last is passed over.
	require.NoError(t, os.WriteFile(filepath.Join(dir, payrollfile.FileName(connectors.PayrollUnitKind, day.AddDays(3))), []byte("key\n"), 0o600))
	p3, err = c.Changes(ctx, t3)
	require.NoError(t, err)
	assert.Equal(t, &connectors.PayrollChanges{Token: t3}, p3)
}

func TestChangesSkipIncompleteDeliveries(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir)
	require.NoError(t, payrollfile.Write(dir, day, sample()))
	t1 := snapshotToken(t, c)
	// Day 2 lacks its leaves; day 3 is complete.
	next := sample()
	next.Units[0].Name = "Ny Kommune"
	require.NoError(t, payrollfile.Write(dir, day.AddDays(1), next))
	require.NoError(t, os.Remove(filepath.Join(dir, payrollfile.FileName(connectors.PayrollLeaveKind, day.AddDays(1)))))
	require.NoError(t, payrollfile.Write(dir, day.AddDays(2), next))

	p, err := c.Changes(context.Background(), t1)
	require.NoError(t, err)
	assert.Equal(t, []connectors.PayrollUnit{next.Units[0]}, p.Units)
	assert.False(t, p.More)
	assert.Contains(t, string(p.Token), ":2026-11-24:")
}

func TestChangesRefusesTokens(t *testing.T) {
	dir := t.TempDir()
	feed(t, dir)
	c := open(t, dir)
	ctx := context.Background()
	t1 := firstToken(t, c)

	for name, token := range map[string]connectors.Token{
		"empty":          "",
		"garbage":        "garbage",
		"foreign":        "ad/usn:12345",
		"other version":  "payrollfile/2:2026-11-22:0123456789abcdef",
		"short hash":     "payrollfile/1:2026-11-22:0123",
		"not hex":        "payrollfile/1:2026-11-22:0123456789abcdeg",
		"upper case hex": "payrollfile/1:2026-11-22:0123456789ABCDEF",
		"bad day":        "payrollfile/1:2026-02-30:0123456789abcdef",
		"no day":         "payrollfile/1:0123456789abcdef",
		"wrong hash":     t1[:len(t1)-1] + "x",
		"other hash":     "payrollfile/1:2026-11-22:0123456789abcdef",
		"no delivery":    "payrollfile/1:2026-10-01:0123456789abcdef",
	} {
		t.Run(name, func(t *testing.T) {
			p, err := c.Changes(ctx, token)
			assert.Nil(t, p)
			assert.Equal(t, connectors.Invalid, connectors.KindOf(err), "%v", err)
		})
	}
}

// firstToken returns the token of the first day's delivery in c's
// folder, as a consumer would have from a snapshot taken that day.
func firstToken(t *testing.T, c *payrollfile.Connector) connectors.Token {
	t.Helper()
	ds, err := c.Deliveries(context.Background())
	require.NoError(t, err)
	only := t.TempDir()
	for _, k := range kinds {
		b, err := os.ReadFile(filepath.Join(c.Dir(), k+"-"+ds[0].Day.String()+".csv"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(only, k+"-"+ds[0].Day.String()+".csv"), b, 0o600))
	}
	return snapshotToken(t, open(t, only))
}

func TestChangesAfterReplacedDelivery(t *testing.T) {
	dir := t.TempDir()
	want := feed(t, dir)
	c := open(t, dir)
	ctx := context.Background()
	t1 := firstToken(t, c)
	p1, err := c.Changes(ctx, t1)
	require.NoError(t, err)

	// Day 2 is delivered again, with other content.
	s2 := normalized(want[1])
	s2.Units[0].Name = "Sjølund Kommune (rettet)"
	require.NoError(t, payrollfile.Write(dir, day.AddDays(1), s2))

	_, err = c.Changes(ctx, p1.Token)
	assert.Equal(t, connectors.Invalid, connectors.KindOf(err))
	assert.ErrorContains(t, err, "the delivery of 2026-11-23 has been replaced since the token was issued; take a new snapshot")

	// From day 1, the diff is against the new day 2.
	p, err := c.Changes(ctx, t1)
	require.NoError(t, err)
	assert.Equal(t, s2.Units[0], p.Units[0])
	assert.NotEqual(t, p1.Token, p.Token)
}

func TestChangesAfterRemovedDelivery(t *testing.T) {
	dir := t.TempDir()
	feed(t, dir)
	c := open(t, dir)
	ctx := context.Background()
	t1 := firstToken(t, c)
	require.NoError(t, os.Remove(filepath.Join(dir, "persons-2026-11-22.csv")))
	_, err := c.Changes(ctx, t1)
	assert.Equal(t, connectors.Invalid, connectors.KindOf(err))
	assert.ErrorContains(t, err, "the delivery of 2026-11-22 that the token names is no longer in the folder; take a new snapshot")
}

func TestChangesToMalformedDelivery(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, sampleFiles(t))
	c := open(t, dir)
	t1 := snapshotToken(t, c)
	files := sampleFiles(t)
	files["leaves"] += "L2,E1,x,2025-02-30,\n"
	writeFiles(t, dir, day.AddDays(1), files)

	_, err := c.Changes(context.Background(), t1)
	got := problems(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, &payrollfile.Error{File: "leaves-2026-11-23.csv", Line: 3, Field: "from", Err: got[0].Err}, got[0])
	// And the snapshot does not fall back to the good day before.
	_, err = c.Snapshot(context.Background())
	assert.Len(t, problems(t, err), 1)
}

func TestChangesPageAllKinds(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir)
	require.NoError(t, payrollfile.Write(dir, day, sample()))
	t1 := snapshotToken(t, c)
	// Everything gone, and something new of every kind.
	next := &connectors.PayrollSnapshot{
		Units:       []connectors.PayrollUnit{{Key: "X", Name: "X", Valid: timeline.Always}},
		Persons:     []connectors.PayrollPerson{{Key: "X", NationalID: "x", Surname: "X", Valid: timeline.Always}},
		Engagements: []connectors.PayrollEngagement{{Key: "X", Person: "X", Unit: "X", Valid: timeline.Always}},
		Leaves:      []connectors.PayrollLeave{{Key: "X", Engagement: "X", Valid: timeline.Always}},
	}
	require.NoError(t, payrollfile.Write(dir, day.AddDays(1), next))
	p, err := c.Changes(context.Background(), t1)
	require.NoError(t, err)
	assert.Equal(t, next.Units, p.Units)
	assert.Equal(t, next.Persons, p.Persons)
	assert.Equal(t, next.Engagements, p.Engagements)
	assert.Equal(t, next.Leaves, p.Leaves)
	var deleted []string
	for _, r := range p.Deleted {
		deleted = append(deleted, r.Kind.String()+":"+r.Key)
	}
	assert.Equal(t, []string{"unit:U1", "unit:U2", "unit:U3", "person:P1", "person:P2", "engagement:E1", "engagement:E2", "leave:L1"}, deleted)
	assert.True(t, slices.IsSortedFunc(p.Deleted, func(a, b connectors.PayrollRef) int { return int(a.Kind) - int(b.Kind) }))
}
