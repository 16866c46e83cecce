package orgmodel_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// payroll builds a source snapshot: two units, two persons, an engagement
// each.
type payroll struct {
	snap       om.Snapshot
	root, dept uuid.UUID
	p1, p2     uuid.UUID
	e1, e2     uuid.UUID
}

const src = "sd"

func newPayroll() *payroll {
	p := &payroll{snap: om.Snapshot{Source: src}}
	p.root = om.SourceID(src, om.KindUnit, "U1")
	p.dept = om.SourceID(src, om.KindUnit, "U2")
	p.p1 = om.SourceID(src, om.KindPerson, "P1")
	p.p2 = om.SourceID(src, om.KindPerson, "P2")
	p.e1 = om.SourceID(src, om.KindEngagement, "E1")
	p.e2 = om.SourceID(src, om.KindEngagement, "E2")
	all := timeline.Since(jan2024)
	obj := func(id uuid.UUID, key string, tl timeline.Timeline[om.Attrs]) {
		p.snap.Objects = append(p.snap.Objects, om.Object{ID: id, Kind: tl.Span(0).Value.Kind(), UserKey: key, Timeline: tl})
	}
	obj(p.root, "U1", timeline.Of[om.Attrs](all, om.UnitAttrs{Name: "Løn", Level: "NY6-niveau"}))
	obj(p.dept, "U2", timeline.Of[om.Attrs](all, om.UnitAttrs{Name: "Sundhed", Parent: p.root, Level: "Afdelings-niveau"}))
	obj(p.p1, "P1", timeline.Of[om.Attrs](all, om.PersonAttrs{GivenNames: "Åse", Surname: "Kjær", NationalID: om.MustParseCPR("1111801111", om.CPROptions{})}))
	obj(p.p2, "P2", timeline.Of[om.Attrs](all, om.PersonAttrs{GivenNames: "Bo", Surname: "Ek", NationalID: om.MustParseCPR("1212801212", om.CPROptions{})}))
	obj(p.e1, "E1", timeline.MustNew(
		timeline.Span[om.Attrs]{Interval: timeline.Between(jan2024, d("2024-07-01")), Value: om.EngagementAttrs{Person: p.p1, Unit: p.dept, JobFunction: "Sygeplejerske", Fraction: 1}},
		timeline.Span[om.Attrs]{Interval: timeline.Since(d("2024-07-01")), Value: om.EngagementAttrs{Person: p.p1, Unit: p.dept, JobFunction: "Afdelingssygeplejerske", Fraction: 1}},
	))
	obj(p.e2, "E2", timeline.Of[om.Attrs](all, om.EngagementAttrs{Person: p.p2, Unit: p.root, JobFunction: "Direktør", Fraction: 1}))
	return p
}

func importAndApply(t *testing.T, m *om.Model, snap om.Snapshot, today string, at *int) (*om.ChangeSet, om.ImportStats) {
	t.Helper()
	cs, stats, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: d(today)})
	require.NoError(t, err)
	*at++
	_, err = m.Apply(ctx, cs, om.Registration{Time: jan2024Time(*at), Actor: src})
	require.NoError(t, err)
	return cs, stats
}

func TestImportCreatesThenIsIdempotent(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	n := 0
	cs, stats := importAndApply(t, m, p.snap, "2024-03-01", &n)
	assert.Equal(t, 6, cs.Len())
	assert.Equal(t, om.ImportStats{Created: 6}, stats)
	o, ok := m.Latest().Object(p.e1)
	require.True(t, ok)
	assert.Equal(t, src, o.Source, "the source owns what it created")
	assert.Equal(t, 2, o.Timeline.Len(), "history is imported whole")

	cs, stats, err := om.Import(m.Latest(), p.snap, om.ImportOptions{Today: d("2024-03-01")})
	require.NoError(t, err)
	assert.True(t, cs.IsEmpty(), "the same snapshot twice: %s", cs)
	assert.Equal(t, om.ImportStats{Unchanged: 6}, stats)
}

func TestImportWritesOnlyWhatDiffers(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	n := 0
	importAndApply(t, m, p.snap, "2024-03-01", &n)
	// The source moves P2's engagement to the department from September.
	for i, o := range p.snap.Objects {
		if o.ID == p.e2 {
			a, _ := o.Timeline.At(jan2024)
			ea := a.(om.EngagementAttrs)
			ea.Unit = p.dept
			p.snap.Objects[i].Timeline = o.Timeline.Set(timeline.Since(d("2024-09-01")), ea)
		}
	}
	cs, stats := importAndApply(t, m, p.snap, "2024-03-01", &n)
	require.Equal(t, 1, cs.Len(), cs.String())
	op := cs.Ops()[0]
	assert.Equal(t, om.OpSet, op.Type)
	assert.Equal(t, "[2024-09-01, ∞)", op.Interval.String())
	assert.Equal(t, 1, stats.Updated)
	e, _ := m.Latest().At(d("2024-08-31")).Engagement(p.e2)
	assert.Equal(t, p.root, e.Unit)
	e, _ = m.Latest().At(d("2024-09-01")).Engagement(p.e2)
	assert.Equal(t, p.dept, e.Unit)
}

func TestImportTerminatesWhatTheSourceNoLongerHas(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	n := 0
	importAndApply(t, m, p.snap, "2024-03-01", &n)
	// P2 and their engagement vanish from the source on 2024-05-01.
	var kept []om.Object
	for _, o := range p.snap.Objects {
		if o.ID != p.p2 && o.ID != p.e2 {
			kept = append(kept, o)
		}
	}
	p.snap.Objects = kept
	cs, stats := importAndApply(t, m, p.snap, "2024-05-01", &n)
	assert.Equal(t, 2, stats.Terminated)
	for _, op := range cs.Ops() {
		assert.Equal(t, om.OpClear, op.Type, "never a delete")
		assert.Equal(t, "[2024-05-01, ∞)", op.Interval.String())
	}
	_, ok := m.Latest().At(d("2024-04-30")).Person(p.p2)
	assert.True(t, ok, "history is kept")
	_, ok = m.Latest().At(d("2024-05-01")).Person(p.p2)
	assert.False(t, ok)
	cs, _, err := om.Import(m.Latest(), p.snap, om.ImportOptions{Today: d("2024-06-01")})
	require.NoError(t, err)
	assert.True(t, cs.IsEmpty(), "terminated stays terminated: %s", cs)
}

func TestImportLeavesOtherSourcesAndHandMadeObjectsAlone(t *testing.T) {
	f := newFixture(t)
	p := newPayroll()
	// The payroll knows Emma (same CPR as the hand-made person) under its
	// own key and another name, and employs her in its department.
	emmaCPR := om.MustParseCPR("0303901234", om.CPROptions{})
	pe := om.SourceID(src, om.KindPerson, "P3")
	ee := om.SourceID(src, om.KindEngagement, "E3")
	p.snap.Objects = append(p.snap.Objects,
		om.Object{ID: pe, Kind: om.KindPerson, UserKey: "P3", Timeline: timeline.Of[om.Attrs](timeline.Since(jan2024), om.PersonAttrs{GivenNames: "Emma Sofie", Surname: "Østergaard", NationalID: emmaCPR})},
		om.Object{ID: ee, Kind: om.KindEngagement, UserKey: "E3", Timeline: timeline.Of[om.Attrs](timeline.Since(jan2024), om.EngagementAttrs{Person: pe, Unit: p.dept, Fraction: 0.5})},
	)
	n := 24 * 60 // after the fixture's registrations
	_, stats := importAndApply(t, f.m, p.snap, "2024-03-01", &n)
	assert.Equal(t, 1, stats.NotOwned, "Emma is hand-made")
	g := f.at("2024-06-01")
	emma, ok := g.Person(f.emma)
	require.True(t, ok)
	assert.Equal(t, "Emma", emma.GivenNames, "the hand-made person is not rewritten")
	_, ok = g.Person(pe)
	assert.False(t, ok, "no duplicate person")
	e, ok := g.Engagement(ee)
	require.True(t, ok)
	assert.Equal(t, f.emma, e.Person, "the source's engagement points at the matched person")
	assert.Len(t, g.Engagements(f.emma), 2)

	// A second source's import terminates nothing of the first.
	cs, _, err := om.Import(f.m.Latest(), om.Snapshot{Source: "omada"}, om.ImportOptions{Today: d("2024-03-01")})
	require.NoError(t, err)
	assert.True(t, cs.IsEmpty())
}

func TestImportRejectsBrokenSnapshots(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	_, _, err := om.Import(m.Latest(), om.Snapshot{Source: ""}, om.ImportOptions{Today: jan2024})
	assert.Error(t, err)
	dup := p.snap
	dup.Objects = append(dup.Objects, dup.Objects[0])
	_, _, err = om.Import(m.Latest(), dup, om.ImportOptions{Today: jan2024})
	assert.ErrorContains(t, err, "twice")
	// An engagement in a unit the snapshot lacks: Import computes, Apply
	// rejects the whole change set.
	var broken om.Snapshot = p.snap
	broken.Objects = broken.Objects[1:]
	cs, _, err := om.Import(m.Latest(), broken, om.ImportOptions{Today: jan2024})
	require.NoError(t, err)
	_, err = m.Apply(ctx, cs, om.Registration{Time: jan2024Time(1), Actor: src})
	assert.ErrorIs(t, err, om.RuleUnknownRef)
	assert.Zero(t, m.Latest().Registration().Seq)
}

// Org rules place engagements outside the payroll tree and mark primaries;
// an import of the unchanged payroll must keep both, and a payroll move
// must end the placement (the rules then place the engagement anew).
func TestImportKeepsRulingsWhileTheSourceAgrees(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	n := 0
	importAndApply(t, m, p.snap, "2024-03-01", &n)
	var cs om.ChangeSet
	admin := cs.Add("A1", timeline.Since(jan2024), om.UnitAttrs{Name: "Administration"})
	cs.Update(p.e2, timeline.Since(d("2024-04-01")), om.EngagementPatch{Unit: &admin, SourceUnit: &p.root, PlacedBy: new("rules/coupling")})
	cs.Update(p.e1, timeline.Since(jan2024), om.EngagementPatch{Primary: new(true), PrimaryBy: new("rules/primary")})
	n++
	_, err := m.Apply(ctx, &cs, om.Registration{Time: jan2024Time(n), Actor: "rules"})
	require.NoError(t, err)

	again, stats, err := om.Import(m.Latest(), p.snap, om.ImportOptions{Today: d("2024-03-01")})
	require.NoError(t, err)
	assert.True(t, again.IsEmpty(), "the payroll still says what the rulings were made from: %s", again)
	assert.Equal(t, 6, stats.Unchanged)

	// The payroll moves E2 to the department from September, and marks E1
	// primary itself: the placement ends there, the explicit mark wins.
	for i, o := range p.snap.Objects {
		switch o.ID {
		case p.e2:
			a, _ := o.Timeline.At(jan2024)
			ea := a.(om.EngagementAttrs)
			ea.Unit = p.dept
			p.snap.Objects[i].Timeline = o.Timeline.Set(timeline.Since(d("2024-09-01")), ea)
		case p.e1:
			p.snap.Objects[i].Timeline = o.Timeline.Map(timeline.Since(d("2024-10-01")), func(a om.Attrs) om.Attrs {
				ea := a.(om.EngagementAttrs)
				ea.Primary = true
				return ea
			})
		}
	}
	importAndApply(t, m, p.snap, "2024-03-01", &n)
	g := m.Latest().At(d("2024-08-31"))
	e2, _ := g.Engagement(p.e2)
	assert.Equal(t, admin, e2.Unit, "placed until the payroll moves it")
	assert.Equal(t, p.root, e2.SourceUnit)
	g = m.Latest().At(d("2024-09-01"))
	e2, _ = g.Engagement(p.e2)
	assert.Equal(t, p.dept, e2.Unit)
	assert.False(t, e2.Placed(), "the payroll moved it: the rules decide anew")
	e1, _ := m.Latest().At(d("2024-09-30")).Engagement(p.e1)
	assert.Equal(t, "rules/primary", e1.PrimaryBy)
	e1, _ = m.Latest().At(d("2024-10-01")).Engagement(p.e1)
	assert.True(t, e1.Primary)
	assert.Empty(t, e1.PrimaryBy, "an explicit primary from the source")
}

func TestAPlacementNeedsTheSourcesUnit(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	n := 0
	importAndApply(t, m, p.snap, "2024-03-01", &n)
	var cs om.ChangeSet
	cs.Update(p.e2, timeline.Since(d("2024-04-01")), om.EngagementPatch{PlacedBy: new("rules/coupling")})
	_, err := m.Apply(ctx, &cs, om.Registration{Time: jan2024Time(n + 1), Actor: "rules"})
	require.ErrorIs(t, err, om.RuleMismatch)
}

func TestImportAllAppliesEachSourceInTurn(t *testing.T) {
	m := om.New(om.Options{})
	p := newPayroll()
	admin := om.Snapshot{Source: "admin", Objects: []om.Object{{
		ID: om.SourceID("admin", om.KindUnit, "A1"), Kind: om.KindUnit, UserKey: "A1",
		Timeline: timeline.Of[om.Attrs](timeline.Since(jan2024), om.UnitAttrs{Name: "Administration", Parent: p.root}),
	}}}
	reg := om.Registration{Time: jan2024Time(1), Actor: "loader", Note: "first load"}
	require.NoError(t, om.ImportAll(ctx, m, []om.Snapshot{p.snap, admin}, om.ImportOptions{Today: d("2024-03-01")}, reg))
	assert.Equal(t, "first load, source admin", m.Latest().Registration().Note, "the admin units hang below the payroll's, imported first")
	assert.Equal(t, uint64(2), m.Latest().Registration().Seq)

	bad := om.Snapshot{Source: "broken", Objects: []om.Object{{Kind: om.KindUnit, UserKey: "X"}}}
	err := om.ImportAll(ctx, m, []om.Snapshot{bad}, om.ImportOptions{Today: d("2024-03-01")}, om.Registration{Time: jan2024Time(3), Actor: "loader"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `source "broken"`)
}
