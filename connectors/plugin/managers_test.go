package plugin

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// managerPayroll returns a snapshot with n engagements, each its person's
// manager role in its unit, and a role that names only a person: more
// rows than a chunk holds when n is large.
func managerPayroll(n int, level string) *connectors.PayrollSnapshot {
	since := timeline.Since(timeline.MustDate(2000, time.January, 1))
	s := &connectors.PayrollSnapshot{Units: []connectors.PayrollUnit{{Key: "ROOT", Name: "Kommune", Valid: since}}}
	for i := range n {
		k := fmt.Sprintf("%05d", i)
		s.Persons = append(s.Persons, connectors.PayrollPerson{Key: "P" + k, NationalID: "0101901234", Surname: k, Valid: since})
		s.Engagements = append(s.Engagements, connectors.PayrollEngagement{Key: "E" + k, Person: "P" + k, Unit: "ROOT", Fraction: 1, Valid: since})
		s.Managers = append(s.Managers, connectors.PayrollManager{Key: "E" + k, Unit: "ROOT", Person: "P" + k, Engagement: "E" + k,
			Type: "Leder", Level: level, Valid: since})
	}
	s.Managers = append(s.Managers,
		connectors.PayrollManager{Key: "M-ALONE", Unit: "ROOT", Person: "P00000", Type: "Direktør ÆØÅ", Level: "1.01",
			Valid: timeline.Between(timeline.MustDate(2001, time.January, 1), timeline.MustDate(2002, time.January, 1))},
		connectors.PayrollManager{Key: "M-ALONE", Unit: "ROOT", Person: "P00000", Type: "Direktør ÆØÅ", Level: "1.02",
			Valid: timeline.Since(timeline.MustDate(2002, time.January, 1))})
	return s
}

// Manager roles cross the bridge in snapshots and pages of changes, more
// of them than a chunk holds, with their deletions: the host gets what the
// plugin's connector returned, row for row.
func TestManagersCrossTheBridge(t *testing.T) {
	ctx := ctxFor(t, time.Minute)
	const n = chunkRecords + 500
	twin := inmem.NewPayroll(inmem.PayrollOptions{ChangePageSize: n + 10})
	require.NoError(t, twin.Publish(managerPayroll(n, "1.02")))
	c, err := openPayroll(ctx, serveInProcess(t, twin, payrollName))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })

	want, err := twin.Snapshot(ctx)
	require.NoError(t, err)
	got, err := c.Snapshot(ctx)
	require.NoError(t, err)
	require.Len(t, got.Managers, n+2)
	assert.Equal(t, want.Managers, got.Managers)
	assert.Equal(t, "Direktør ÆØÅ", got.Managers[len(got.Managers)-1].Type, "text as written")

	// Every level changes, and the role of a person alone is gone.
	v2 := managerPayroll(n, "2.01")
	v2.Managers = v2.Managers[:n]
	require.NoError(t, twin.Publish(v2))
	wantPage, err := twin.Changes(ctx, got.Token)
	require.NoError(t, err)
	page, err := c.(connectors.PayrollChangeReader).Changes(ctx, got.Token)
	require.NoError(t, err)
	require.Len(t, page.Managers, n)
	assert.Equal(t, wantPage.Managers, page.Managers)
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollManagerKind, Key: "M-ALONE"}}, page.Deleted)
	assert.Equal(t, "2.01", page.Managers[0].Level)
	got.Apply(page)
	assert.Equal(t, v2.Managers, got.Managers, "the snapshot with the page applied is the new state")
}

// A chunk as a plugin of minor 2 sends it (five counts, no manager
// fields) gives a snapshot without managers.
func TestOldPluginGivesNoManagers(t *testing.T) {
	c := &payrollCollector{op: "test"}
	require.NoError(t, c.add(&pb.PayrollChunk{Counts: []uint32{1, 0, 0, 0, 0}, Units: unitColumns(1, 50),
		Deleted: []*pb.PayrollRef{{Kind: uint32(connectors.PayrollLeaveKind), Key: "L1"}}, Token: "t", Last: true}))
	require.NoError(t, c.done())
	assert.Len(t, c.units, 1)
	assert.Empty(t, c.managers)
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollLeaveKind, Key: "L1"}}, c.deleted)
}

// A host of minor 2 refuses a deletion of a kind it does not know, so a
// manager's deletion travels in a field of its own, which it ignores;
// the other deletions stay where it reads them.
func TestManagerDeletionsTravelApart(t *testing.T) {
	var chunks []*pb.PayrollChunk
	send := func(ch *pb.PayrollChunk) error { chunks = append(chunks, ch); return nil }
	deleted := []connectors.PayrollRef{{Kind: connectors.PayrollEngagementKind, Key: "E1"}, {Kind: connectors.PayrollManagerKind, Key: "E1"}}
	managers := []connectors.PayrollManager{{Key: "E2", Unit: "U", Person: "P", Engagement: "E2", Level: "1.01", Valid: timeline.Since(5)}}
	require.NoError(t, sendPayroll(send, nil, nil, nil, nil, managers, deleted, "t", false, nil))
	require.Len(t, chunks, 1)
	ch := chunks[0]
	assert.Equal(t, []uint32{0, 0, 0, 0, 2, 1}, ch.GetCounts())
	require.Len(t, ch.GetDeleted(), 1)
	assert.Equal(t, uint32(connectors.PayrollEngagementKind), ch.GetDeleted()[0].GetKind())
	assert.Equal(t, []string{"E1"}, ch.GetDeletedManagers())

	c := &payrollCollector{op: "test"}
	require.NoError(t, c.add(ch))
	assert.Equal(t, deleted, c.deleted)
	assert.Equal(t, managers, c.managers)
}

// Manager columns a plugin sends malformed are refused like the others.
func TestMalformedManagersFromThePlugin(t *testing.T) {
	col := func(ss ...string) *pb.Strings {
		c := &pb.Strings{}
		for _, s := range ss {
			put(c, s)
		}
		return c
	}
	good := func() *pb.PayrollManagers {
		return &pb.PayrollManagers{Key: col("M1"), Unit: col("U1"), Person: col("P1"), Engagement: col(""), Type: col("Leder"), Level: col("1"),
			ValidFrom: []int32{1}, ValidTo: []int32{2147483647}}
	}
	c := &payrollCollector{op: "test"}
	require.NoError(t, c.add(&pb.PayrollChunk{Managers: good()}))
	assert.Equal(t, []connectors.PayrollManager{{Key: "M1", Unit: "U1", Person: "P1", Type: "Leder", Level: "1", Valid: timeline.Since(1)}}, c.managers)

	for name, tc := range map[string]struct {
		change func(m *pb.PayrollManagers)
		want   string
	}{
		"a short column": {func(m *pb.PayrollManagers) { m.Level = col() }, "manager columns of a chunk differ in length"},
		"a short day":    {func(m *pb.PayrollManagers) { m.ValidTo = nil }, "manager columns of a chunk differ in length"},
		"no days":        {func(m *pb.PayrollManagers) { m.ValidTo = []int32{1} }, `manager "M1"`},
		"a bad column":   {func(m *pb.PayrollManagers) { m.Unit = &pb.Strings{Data: []byte("x"), Len: []uint32{4}} }, "shorter than its lengths say"},
	} {
		t.Run(name, func(t *testing.T) {
			m := good()
			tc.change(m)
			err := (&payrollCollector{op: "test"}).add(&pb.PayrollChunk{Managers: m})
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
