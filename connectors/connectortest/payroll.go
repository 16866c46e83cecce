package connectortest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

// PayrollFixture is what a payroll connector under test gives the suite for
// one test.
type PayrollFixture struct {
	// Payroll is the connector under test. It is the test's own: nothing
	// else publishes to it while the test runs.
	Payroll connectors.Payroll
	// Publish makes the source deliver s next, in full: for the in-memory
	// twin its Publish, for a file connector writing a new day's
	// delivery. The suite publishes only valid snapshots
	// ([connectors.CheckPayroll]), in increasing versions, and may read
	// while it publishes; a reader must see either the old state or the
	// new, never a mix.
	Publish func(s *connectors.PayrollSnapshot) error
	// Project, if set, returns what the source can hold of a published
	// snapshot: for a system that keys persons by national id, keeps no
	// history of names or has no unit types, the snapshot as it would
	// read it back. The suite compares what the connector delivers with
	// Project of what it published; nil is the identity. Project may
	// change s and return it. It may only narrow (drop a field the
	// source does not have, a record it cannot hold, history it does
	// not keep, or write a key as the source writes it), never invent:
	// what it returns must pass connectors.CheckPayroll and hold nothing
	// the published snapshot does not say. A source without manager
	// records (SD Løn, a file export) sets Managers to nil here; one that
	// holds only some (OPUS: a role on an engagement row) keeps those.
	Project func(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot
	// Tears says that the source cannot be read at one instant: SD Løn
	// answers the org tree, the persons and the employments in separate
	// calls with no transaction between them, so a snapshot taken while
	// a delivery lands may hold some kinds of record from before it and
	// some from after. The suite then accepts such a snapshot in
	// ConcurrentUse if every record in it is one version's, whole, and
	// nothing that both versions hold alike is missing; the next
	// Snapshot, or Changes from its token, brings the caller up to date.
	// A source with one file or one transaction leaves it false.
	Tears bool
}

// TestPayroll runs the Payroll conformance suite. open is called once per
// test, possibly from parallel tests, and must return a connector of its
// own, and close it when the test ends (a test may have closed it first).
// Tests of change reading run only for a connector that implements
// [connectors.PayrollChangeReader]; the suite logs those it left out.
func TestPayroll(t *testing.T, open func(t *testing.T) PayrollFixture) {
	tests := []struct {
		name    string
		changes bool // needs PayrollChangeReader
		fn      func(*testing.T, *payrollSuite)
	}{
		{"Ping", false, testPayrollPing},
		{"RoundTrip", false, testPayrollRoundTrip},
		{"SnapshotPassesCheck", false, testPayrollSnapshotPassesCheck},
		{"SnapshotIsTheCallers", false, testPayrollSnapshotIsTheCallers},
		{"SnapshotFollowsPublish", false, testPayrollSnapshotFollowsPublish},
		{"CanceledContext", false, testPayrollCanceledContext},
		{"ExpiredDeadline", false, testPayrollExpiredDeadline},
		{"ConcurrentUse", false, testPayrollConcurrentUse},
		{"Close", false, testPayrollClose},
		{"Changes", true, testPayrollChanges},
		{"ChangesPaging", true, testPayrollChangesPaging},
		{"ChangesResume", true, testPayrollChangesResume},
		{"ChangesPublishWhilePaging", true, testPayrollChangesPublishWhilePaging},
		{"ChangesTokenOfNow", true, testPayrollChangesTokenOfNow},
		{"ChangesBadToken", true, testPayrollChangesBadToken},
		{"ChangesCanceledContext", true, testPayrollChangesCanceledContext},
		{"ChangesAfterClose", true, testPayrollChangesAfterClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			if _, ok := f.Payroll.(connectors.PayrollChangeReader); tc.changes && !ok {
				t.Logf("not run: the connector does not implement PayrollChangeReader")
				return
			}
			tc.fn(t, newPayrollSuite(t, f))
		})
	}
}

// payrollSuite carries a fixture and helpers for one test.
type payrollSuite struct {
	PayrollFixture
	ctx context.Context
}

func newPayrollSuite(t *testing.T, f PayrollFixture) *payrollSuite {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return &payrollSuite{PayrollFixture: f, ctx: ctx}
}

func (s *payrollSuite) changes() connectors.PayrollChangeReader {
	return s.Payroll.(connectors.PayrollChangeReader)
}

func (s *payrollSuite) publish(t *testing.T, snap *connectors.PayrollSnapshot) {
	t.Helper()
	require.NoError(t, connectors.CheckPayroll(snap), "the suite's own data")
	require.NoError(t, s.Publish(clonePayroll(snap)), "publish")
}

// held returns what the source can hold of snap, published: the
// fixture's Project of a copy of it, or snap itself.
func (s *payrollSuite) held(t *testing.T, snap *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	t.Helper()
	if s.Project == nil {
		return snap
	}
	h := s.Project(clonePayroll(snap))
	require.NotNil(t, h, "Project")
	require.NoError(t, connectors.CheckPayroll(h), "what Project returns is valid")
	return h
}

func (s *payrollSuite) snapshot(t *testing.T) *connectors.PayrollSnapshot {
	t.Helper()
	snap, err := s.Payroll.Snapshot(s.ctx)
	require.NoError(t, err, "snapshot")
	require.NotNil(t, snap)
	return snap
}

// requireSamePayroll fails unless the snapshots hold the same rows, in any
// order; tokens are not compared.
func requireSamePayroll(t *testing.T, want, got *connectors.PayrollSnapshot, msgAndArgs ...any) {
	t.Helper()
	w, g := canonical(want), canonical(got)
	// National ids print masked, so say which differ before the diff does.
	if len(w.Persons) == len(g.Persons) {
		for i := range w.Persons {
			if w.Persons[i].Key == g.Persons[i].Key && w.Persons[i].NationalID != g.Persons[i].NationalID {
				t.Errorf("person %q: the national id differs (%d characters delivered, %d published)",
					w.Persons[i].Key, len(g.Persons[i].NationalID), len(w.Persons[i].NationalID))
			}
		}
	}
	require.Equal(t, w.Units, g.Units, msgAndArgs...)
	require.Equal(t, w.Persons, g.Persons, msgAndArgs...)
	require.Equal(t, w.Engagements, g.Engagements, msgAndArgs...)
	require.Equal(t, w.Leaves, g.Leaves, msgAndArgs...)
	require.Equal(t, w.Managers, g.Managers, msgAndArgs...)
}

func samePayroll(a, b *connectors.PayrollSnapshot) bool {
	return reflect.DeepEqual(canonical(a), canonical(b))
}

func testPayrollPing(t *testing.T, s *payrollSuite) {
	require.NoError(t, s.Payroll.Ping(s.ctx))
	s.publish(t, payrollV1())
	require.NoError(t, s.Payroll.Ping(s.ctx))
}

// What is published comes back, row for row: history, any script, LDAP's
// special characters, fields at their limits, national ids exactly.
func testPayrollRoundTrip(t *testing.T, s *payrollSuite) {
	want := payrollV1()
	s.publish(t, want)
	held := s.held(t, want)
	got := s.snapshot(t)
	requireSamePayroll(t, held, got)

	ids := map[string]string{}
	for _, p := range got.Persons {
		ids[p.Key] = string(p.NationalID)
	}
	for _, p := range held.Persons {
		require.Equalf(t, string(p.NationalID), ids[p.Key], "the national id of %s, as published", p.Key)
	}
	rows := map[string]int{}
	for _, u := range got.Units {
		rows[u.Key]++
	}
	require.Len(t, rowsOf(held.Units, "SKOLE"), rows["SKOLE"], "both rows of a renamed unit")
	managers := map[string]int{}
	for _, m := range got.Managers {
		managers[m.Key]++
	}
	for _, m := range held.Managers {
		require.NotZerof(t, managers[m.Key], "the manager role %s, as published", m.Key)
	}
	if _, ok := s.Payroll.(connectors.PayrollChangeReader); ok {
		require.NotEmpty(t, got.Token, "a connector with a change feed sets the snapshot's token")
	}
}

func testPayrollSnapshotPassesCheck(t *testing.T, s *payrollSuite) {
	for _, v := range []*connectors.PayrollSnapshot{payrollV1(), payrollV2(), bulkPayroll(20, "")} {
		s.publish(t, v)
		require.NoError(t, connectors.CheckPayroll(s.snapshot(t)))
	}
}

// A snapshot is the caller's: changing it changes nothing in the connector.
func testPayrollSnapshotIsTheCallers(t *testing.T, s *payrollSuite) {
	want := payrollV1()
	s.publish(t, want)
	got := s.snapshot(t)
	for i := range got.Units {
		got.Units[i].Name = "changed"
	}
	for i := range got.Persons {
		got.Persons[i].NationalID = "changed"
	}
	got.Engagements = got.Engagements[:1]
	got.Engagements[0].Fraction = 0.01
	got.Leaves = nil
	for i := range got.Managers {
		got.Managers[i].Level = "changed"
	}
	requireSamePayroll(t, s.held(t, want), s.snapshot(t))
}

// A snapshot holds the latest state published, and nothing of the states
// before it.
func testPayrollSnapshotFollowsPublish(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	s.publish(t, payrollV2())
	requireSamePayroll(t, s.held(t, payrollV2()), s.snapshot(t))
	small := bulkPayroll(2, "")
	s.publish(t, small)
	requireSamePayroll(t, s.held(t, small), s.snapshot(t), "what is no longer published is gone")
}

func requireContextError(t *testing.T, err error, want error, what string) {
	t.Helper()
	require.Errorf(t, err, "%s with an ended context", what)
	require.ErrorIs(t, err, want, what)
	requireKind(t, connectors.Transient, err, what)
}

func testPayrollCanceledContext(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	requireContextError(t, s.Payroll.Ping(ctx), context.Canceled, "ping")
	_, err := s.Payroll.Snapshot(ctx)
	requireContextError(t, err, context.Canceled, "snapshot")
	require.NoError(t, s.Payroll.Ping(s.ctx), "a canceled call leaves the connector working")
}

func testPayrollExpiredDeadline(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	ctx, cancel := context.WithDeadline(s.ctx, time.Now().Add(-time.Second))
	defer cancel()
	requireContextError(t, s.Payroll.Ping(ctx), context.DeadlineExceeded, "ping")
	_, err := s.Payroll.Snapshot(ctx)
	requireContextError(t, err, context.DeadlineExceeded, "snapshot")
	requireSamePayroll(t, s.held(t, payrollV1()), s.snapshot(t))
}

// Readers in parallel with publishes each see one whole state, never a
// mix of two.
func testPayrollConcurrentUse(t *testing.T, s *payrollSuite) {
	v1, v2 := payrollV1(), payrollV2()
	h1, h2 := s.held(t, v1), s.held(t, v2)
	s.publish(t, v1)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if err := s.Payroll.Ping(s.ctx); err != nil {
					t.Errorf("ping: %v", err)
					return
				}
				snap, err := s.Payroll.Snapshot(s.ctx)
				if err != nil {
					t.Errorf("snapshot: %v", err)
					return
				}
				if !samePayroll(snap, h1) && !samePayroll(snap, h2) {
					if !s.Tears {
						t.Error("a snapshot taken during a publish is neither the old state nor the new")
						return
					}
					if err := tornFrom(snap, h1, h2); err != nil {
						t.Errorf("a snapshot taken during a publish: %v", err)
						return
					}
				}
				if cr, ok := s.Payroll.(connectors.PayrollChangeReader); ok {
					if _, err := cr.Changes(s.ctx, snap.Token); err != nil {
						t.Errorf("changes: %v", err)
						return
					}
				}
			}
		})
	}
	for i := range 9 { // v2, v1, v2, …, v2
		s.publish(t, []*connectors.PayrollSnapshot{v2, v1}[i%2])
	}
	wg.Wait()
	requireSamePayroll(t, h2, s.snapshot(t))
}

func testPayrollClose(t *testing.T, s *payrollSuite) {
	s.publish(t, payrollV1())
	s.snapshot(t)
	require.NoError(t, s.Payroll.Close())
	require.Error(t, s.Payroll.Ping(s.ctx), "ping after close")
	snap, err := s.Payroll.Snapshot(s.ctx)
	require.Error(t, err, "snapshot after close")
	require.Nil(t, snap)
	var e *connectors.Error
	require.True(t, errors.As(err, &e), "the error is a *connectors.Error: %T %v", err, err)
}
