package orgmodel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestLeaveRoundTripsThroughApply(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	leave := timeline.Between(d("2024-03-01"), d("2024-09-01"))
	want := om.LeaveAttrs{Person: f.emma, Engagement: f.engE, Type: "Barsel"}
	id := cs.Add("O1", leave, want)
	f.apply(t, &cs)

	o, ok := f.m.Latest().Object(id)
	require.True(t, ok)
	assert.Equal(t, om.KindLeave, o.Kind)
	assert.Equal(t, "O1", o.UserKey)
	assert.True(t, o.Timeline.Equal(timeline.Of[om.Attrs](leave, want)), "%s", o.Timeline)

	g := f.at("2024-04-01")
	byPerson, byEngagement := g.Leaves(f.emma), g.Leaves(f.engE)
	require.Len(t, byPerson, 1)
	assert.Equal(t, byPerson, byEngagement, "a leave is found from its person and its engagement")
	assert.Equal(t, want, byPerson[0].LeaveAttrs)
	assert.Equal(t, leave, byPerson[0].Validity)
	assert.Empty(t, g.Leaves(f.lars), "another person has no leave")
	assert.Empty(t, f.at("2024-09-01").Leaves(f.emma), "the leave has ended")
	assert.Contains(t, g.Referrers(f.engE), om.Ref{Kind: om.KindLeave, ID: id, Field: "engagement"})

	// A patch changes the type from a day.
	cs = om.ChangeSet{}
	cs.Update(id, timeline.Since(d("2024-06-01")), om.LeavePatch{Type: new("Forældreorlov")})
	f.apply(t, &cs)
	assert.Equal(t, "Barsel", f.at("2024-05-31").Leaves(f.emma)[0].Type)
	assert.Equal(t, "Forældreorlov", f.at("2024-06-01").Leaves(f.emma)[0].Type)
}

func TestLeaveHoldsItsEngagement(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	cs.Add("O1", timeline.Between(d("2024-03-01"), d("2024-09-01")), om.LeaveAttrs{Person: f.emma, Engagement: f.engE})
	f.apply(t, &cs)

	// The engagement cannot end while the leave goes on, nor move to
	// another person.
	cs = om.ChangeSet{}
	cs.Terminate(f.engE, d("2024-06-01"))
	_, err := f.m.Apply(ctx, &cs, f.reg("test"))
	assert.ErrorIs(t, err, om.RuleStillReferenced)

	// Ending it after the leave is fine.
	cs = om.ChangeSet{}
	cs.Terminate(f.engE, d("2024-09-01"))
	f.apply(t, &cs)
}

func TestImportRemapsALeavesPerson(t *testing.T) {
	f := newFixture(t)
	// A source knows Emma under its own id; import matches her by CPR, and
	// the leave must follow.
	const source = "sd"
	p := om.SourceID(source, om.KindPerson, "P3")
	e := om.SourceID(source, om.KindEngagement, "E3")
	l := om.SourceID(source, om.KindLeave, "O3")
	all := timeline.Since(jan2024)
	snap := om.Snapshot{Source: source, Objects: []om.Object{
		{ID: p, Kind: om.KindPerson, UserKey: "P3", Timeline: timeline.Of[om.Attrs](all, om.PersonAttrs{Surname: "Østergård", NationalID: om.MustParseCPR("0303901234", om.CPROptions{})})},
		{ID: e, Kind: om.KindEngagement, UserKey: "E3", Timeline: timeline.Of[om.Attrs](all, om.EngagementAttrs{Person: p, Unit: f.a2, Fraction: 1})},
		{ID: l, Kind: om.KindLeave, UserKey: "O3", Timeline: timeline.Of[om.Attrs](timeline.Since(d("2024-05-01")), om.LeaveAttrs{Person: p, Engagement: e, Type: "Tjenestefri"})},
	}}
	cs, stats, err := om.Import(f.m.Latest(), snap, om.ImportOptions{Today: d("2024-03-01")})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Created: 2, NotOwned: 1}, stats)
	f.apply(t, cs)
	leaves := f.at("2024-06-01").Leaves(f.emma)
	require.Len(t, leaves, 1)
	assert.Equal(t, om.LeaveAttrs{Person: f.emma, Engagement: e, Type: "Tjenestefri"}, leaves[0].LeaveAttrs)
}
