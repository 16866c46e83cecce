package adsync_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// A first provisioning of thousands of accounts outlives the generator's
// reservation time, and the CLI follows no change feed into the index:
// the names created early in the run must still be taken late in it. The
// Samba benchmark found this with the municipality's many same-named
// persons; here the clock moves an hour per generated name.
func TestALongRunNeverHandsOutACreatedNameAgain(t *testing.T) {
	f := newPlanFx(t)
	var cs orgmodel.ChangeSet
	from := timeline.Since(d("2024-01-01"))
	var jens []uuid.UUID
	for i := range 8 {
		p := cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Jens", Surname: "Hansen"})
		cs.Add(fmt.Sprint("J", i), from, orgmodel.EngagementAttrs{Person: p, Unit: f.o.skolen, JobFunction: "Lærer", Fraction: 1})
		jens = append(jens, p)
	}
	_, err := f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)

	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	gen, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX"}}, []username.Taken{username.NewIndex()},
		username.WithClock(func() time.Time { now = now.Add(time.Hour); return now }))
	require.NoError(t, err)
	a := &adsync.Applier{Engine: f.eng, Usernames: gen, Names: adsync.GraphNames{Graph: f.o.m.Latest().At(d("2026-06-01"))}, Sleep: func(time.Duration) {}}
	rep, err := a.Apply(ctx, f.plan(t, "2026-06-01", jens...))
	require.NoError(t, err)
	require.Zero(t, rep.Failed(), "%+v", rep.Results)
	seen := map[string]bool{}
	for _, p := range jens {
		e, err := f.dir.Read(ctx, rep.Created[p], []string{"sAMAccountName"})
		require.NoError(t, err)
		sam := e.First("sAMAccountName")
		assert.False(t, seen[sam], "%s handed out twice", sam)
		seen[sam] = true
	}
	assert.Len(t, seen, 8)
}
