package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func smallModel(t testing.TB, seed uint64) (*orgmodel.Model, *synth.Municipality) {
	t.Helper()
	c := synth.Small(today)
	c.Seed = seed
	mu, err := synth.Generate(c)
	require.NoError(t, err)
	m := orgmodel.New(orgmodel.Options{})
	require.NoError(t, mu.Load(ctx, m, time.Now()))
	return m, mu
}

var today = timeline.MustParseDate("2026-11-22")

func TestApplyLeavesOutWhatTheModelRefuses(t *testing.T) {
	m, mu := smallModel(t, 1)
	set, err := rules.New(synthConfig())
	require.NoError(t, err)
	res, err := set.Plan(m.Latest(), timeline.Since(today))
	require.NoError(t, err)
	require.Greater(t, res.Changes.Len(), 10)
	// Spoil one engagement's change: a unit that is not a unit.
	var spoiled orgmodel.Op
	for _, op := range res.Changes.Ops() {
		if _, ok := op.Attrs.(orgmodel.EngagementAttrs); ok && op.Type == orgmodel.OpSet {
			spoiled = op
			break
		}
	}
	require.NotZero(t, spoiled.ID)
	res.Changes = res.Changes.Filter(func(op orgmodel.Op) bool { return op.ID != spoiled.ID })
	n := res.Changes.Len()
	e := spoiled.Attrs.(orgmodel.EngagementAttrs)
	e.Unit = mu.Persons[0]
	res.Changes.Set(spoiled.ID, spoiled.Interval, e)

	_, err = rules.Apply(ctx, m, res, orgmodel.Registration{Time: time.Now(), Actor: "rules"})
	require.NoError(t, err)
	require.NotEmpty(t, res.Conflicts)
	last := res.Conflicts[len(res.Conflicts)-1]
	assert.Equal(t, rules.Rejected, last.Kind)
	assert.Equal(t, spoiled.ID, last.Objects[0])
	again, err := set.Plan(m.Latest(), timeline.Since(today))
	require.NoError(t, err)
	assert.Positive(t, again.Changes.Len(), "the refused engagement is still to do")
	assert.Less(t, again.Changes.Len(), n, "everything else was applied")
}

func TestApplyRefusesAStalePlan(t *testing.T) {
	m, mu := smallModel(t, 1)
	set, err := rules.New(synthConfig())
	require.NoError(t, err)
	res, err := set.Plan(m.Latest(), timeline.Since(today))
	require.NoError(t, err)
	var cs orgmodel.ChangeSet
	cs.Update(mu.Persons[0], timeline.Since(today), orgmodel.PersonPatch{Surname: new("Ny")})
	_, err = m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "hand"})
	require.NoError(t, err)
	_, err = rules.Apply(ctx, m, res, orgmodel.Registration{Time: time.Now(), Actor: "rules"})
	require.ErrorIs(t, err, rules.ErrStale)
}
