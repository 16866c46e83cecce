package orgmodel_test

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestTreeQueries(t *testing.T) {
	f := newFixture(t)
	g := f.at("2024-06-01")
	p, ok := g.Parent(f.a1)
	require.True(t, ok)
	assert.Equal(t, "Forvaltning A", p.Name)
	_, ok = g.Parent(f.kommune)
	assert.False(t, ok, "a root has no parent")
	assert.Equal(t, []string{"Forvaltning A", "Kommune"}, names(g.Ancestors(f.a1)))
	assert.Equal(t, []string{"Afdeling A1", "Afdeling A2"}, names(g.Children(f.a)))
	assert.Equal(t, []string{"Kommune", "Forvaltning A", "Forvaltning B", "Afdeling A1", "Afdeling A2"}, names(g.Subtree(f.kommune)))
	assert.Equal(t, []string{"Kommune"}, names(g.Roots()))

	// Before the org existed there is nothing.
	before := f.at("2023-12-31")
	_, ok = before.Unit(f.a1)
	assert.False(t, ok)
	assert.Empty(t, before.Children(f.a))
	assert.Empty(t, before.Roots())
}

func TestManagersInheritAndExcludeSelf(t *testing.T) {
	f := newFixture(t)
	g := f.at("2024-06-01")
	assert.Empty(t, g.Managers(f.a1, om.ManagerQuery{}), "A1 has no manager of its own")
	assert.Equal(t, []uuid.UUID{f.lars}, persons(g.Managers(f.a1, om.ManagerQuery{Inherit: true})))
	assert.Equal(t, []uuid.UUID{f.lars}, persons(g.PersonManagers(f.emma)), "Emma's manager is found above her unit")
	assert.Equal(t, []uuid.UUID{f.dorte}, persons(g.PersonManagers(f.lars)), "a manager's manager is found above them")
	assert.Empty(t, g.PersonManagers(f.dorte), "the top manager has none")
	// A2's only role is vacant: it counts unless skipped.
	vac := g.Managers(f.a2, om.ManagerQuery{Inherit: true})
	require.Len(t, vac, 1)
	assert.True(t, vac[0].Vacant())
	assert.Equal(t, []uuid.UUID{f.lars}, persons(g.PersonManagers(f.fre)), "a vacant role is skipped for a person's manager")
	m, ok := g.Manager(f.mgrL)
	require.True(t, ok)
	assert.Equal(t, f.engL, m.Engagement)
	assert.True(t, m.Validity.IsOpen())
}

func TestEngagementsAndPrimary(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	// Emma takes a second, larger engagement in B from March; then the
	// first is flagged primary from May.
	second := cs.Add("00010", timeline.Since(d("2024-03-01")), om.EngagementAttrs{Person: f.emma, Unit: f.b, EmploymentNumber: "00010", Fraction: 0.5})
	f.apply(t, &cs)
	cs = om.ChangeSet{}
	cs.Update(f.engE, timeline.Since(d("2024-05-01")), om.EngagementPatch{Fraction: new(0.4)})
	cs.Update(f.engE, timeline.Since(d("2024-06-01")), om.EngagementPatch{Primary: new(true)})
	f.apply(t, &cs)

	primary := func(day string) uuid.UUID {
		e, ok := f.at(day).PrimaryEngagement(f.emma)
		require.True(t, ok)
		return e.ID
	}
	assert.Equal(t, f.engE, primary("2024-02-01"), "only one engagement")
	assert.Equal(t, f.engE, primary("2024-03-15"), "the larger fraction")
	assert.Equal(t, second, primary("2024-05-15"), "higher fraction")
	assert.Equal(t, f.engE, primary("2024-06-15"), "the primary flag wins")
	assert.Len(t, f.at("2024-06-15").Engagements(f.emma), 2)
	assert.Len(t, f.at("2024-02-15").Engagements(f.emma), 1)
	// Her manager follows the primary engagement.
	assert.Equal(t, []uuid.UUID{f.dorte}, persons(f.at("2024-05-15").PersonManagers(f.emma)))
	assert.Equal(t, []uuid.UUID{f.lars}, persons(f.at("2024-06-15").PersonManagers(f.emma)))
}

func TestReferrers(t *testing.T) {
	f := newFixture(t)
	g := f.at("2024-06-01")
	refs := g.Referrers(f.a)
	var kinds []string
	for _, r := range refs {
		kinds = append(kinds, r.Kind.String()+":"+r.Field)
	}
	assert.ElementsMatch(t, []string{"unit:parent", "unit:parent", "engagement:unit", "manager:unit"}, kinds)
	refs = g.Referrers(f.lars)
	kinds = nil
	for _, r := range refs {
		kinds = append(kinds, r.Kind.String()+":"+r.Field)
	}
	assert.ElementsMatch(t, []string{"engagement:person", "manager:person"}, kinds)
	refs = g.Referrers(f.engL)
	require.Len(t, refs, 1)
	assert.Equal(t, f.mgrL, refs[0].ID)
}

func TestUpdateFromADateChangesOnlyTheGivenFields(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	cs.Update(f.a1, timeline.Since(d("2024-06-01")), om.UnitPatch{Name: new("Afdeling A1 (ny)")})
	f.apply(t, &cs)
	before, _ := f.at("2024-05-31").Unit(f.a1)
	after, _ := f.at("2024-06-01").Unit(f.a1)
	assert.Equal(t, "Afdeling A1", before.Name)
	assert.Equal(t, "Afdeling A1 (ny)", after.Name)
	assert.Equal(t, before.Level, after.Level)
	assert.Equal(t, before.Parent, after.Parent)
	assert.Equal(t, "[2024-01-01, 2024-06-01)", before.Span.String())
	assert.Equal(t, "[2024-01-01, ∞)", before.Validity.String(), "validity spans both names")
}

func TestMoveAUnitFromADate(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	cs.Update(f.a2, timeline.Since(d("2024-09-01")), om.UnitPatch{Parent: new(f.b)})
	f.apply(t, &cs)
	assert.Equal(t, []string{"Forvaltning A", "Kommune"}, names(f.at("2024-08-31").Ancestors(f.a2)))
	assert.Equal(t, []string{"Forvaltning B", "Kommune"}, names(f.at("2024-09-01").Ancestors(f.a2)))
	assert.Equal(t, []string{"Afdeling A1"}, names(f.at("2024-09-01").Children(f.a)))
	assert.Equal(t, []string{"Afdeling A2"}, names(f.at("2024-09-01").Children(f.b)))
	// Frederik's manager changes with the move: B has no manager, so the
	// direktør is found.
	assert.Equal(t, []uuid.UUID{f.lars}, persons(f.at("2024-08-31").PersonManagers(f.fre)))
	assert.Equal(t, []uuid.UUID{f.dorte}, persons(f.at("2024-09-01").PersonManagers(f.fre)))
}

func TestTerminateKeepsHistory(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	cs.Terminate(f.mgrA2, d("2024-04-01"))
	cs.Terminate(f.engF, d("2024-04-01"))
	cs.Terminate(f.fre, d("2024-04-01"))
	f.apply(t, &cs)
	_, ok := f.at("2024-03-31").Person(f.fre)
	assert.True(t, ok)
	_, ok = f.at("2024-04-01").Person(f.fre)
	assert.False(t, ok)
	o, ok := f.m.Latest().Object(f.fre)
	require.True(t, ok, "a terminated object is still in the model")
	assert.Equal(t, "[2024-01-01, 2024-04-01)", o.Validity().Span(0).Interval.String())
}

func TestAccountsAndAddresses(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	all := timeline.Since(jan2024)
	cs.Add("", all, om.AccountAttrs{System: "Active Directory", Username: "emoe", ExternalID: "guid-1", Person: f.emma, Engagement: f.engE})
	robot := cs.Add("", all, om.AccountAttrs{System: "Active Directory", Username: "svc-a1", Unit: f.a1})
	cs.Add("", all, om.AddressAttrs{Type: "EMAIL", Value: "emoe@kommune.dk", Person: f.emma})
	cs.Add("", all, om.AddressAttrs{Type: "PHONE", Value: "+45 1234 5678", Unit: f.a1})
	link := cs.Add("", all, om.RelatedUnitsAttrs{Units: [2]uuid.UUID{f.b, f.a1}})
	cs.Add("", all, om.AssociationAttrs{Person: f.emma, Unit: f.b, Type: "SD-medarbejder"})
	f.apply(t, &cs)
	g := f.at("2024-02-01")
	acc := g.Accounts(f.emma)
	require.Len(t, acc, 1)
	assert.Equal(t, "emoe", acc[0].Username)
	svc := g.Accounts(f.a1)
	require.Len(t, svc, 1)
	assert.Equal(t, robot, svc[0].ID)
	assert.Equal(t, uuid.Nil, svc[0].Person, "a service account has no person")
	assert.Equal(t, "emoe@kommune.dk", g.Addresses(f.emma)[0].Value)
	assert.Equal(t, "PHONE", g.Addresses(f.a1)[0].Type)
	assert.Equal(t, []string{"Forvaltning B"}, names(g.RelatedUnits(f.a1)))
	assert.Equal(t, []string{"Afdeling A1"}, names(g.RelatedUnits(f.b)), "related units are symmetric")
	o, _ := f.m.Latest().Object(link)
	a, _ := o.At(d("2024-02-01"))
	pair := a.(om.RelatedUnitsAttrs).Units
	assert.True(t, pair[0] == f.a1 || pair[0] == f.b)
	assert.Len(t, g.Associations(f.b), 1)
	assert.Len(t, g.Associations(f.emma), 1)
}

func TestAllScansOneKind(t *testing.T) {
	f := newFixture(t)
	n := 0
	for o := range f.m.Latest().All(om.KindUnit) {
		assert.Equal(t, om.KindUnit, o.Kind)
		n++
	}
	assert.Equal(t, 5, n)
	n = 0
	for range f.m.AsOf(0).All(om.KindUnit) {
		n++
	}
	assert.Zero(t, n, "nothing was known before the first registration")
}

func TestPointingAtSeesTheWholeHistory(t *testing.T) {
	f := newFixture(t)
	// Emma moves from A1 to A2 in the autumn; A1 keeps her in its history.
	var cs om.ChangeSet
	cs.Update(f.engE, timeline.Since(d("2024-09-01")), om.EngagementPatch{Unit: &f.a2})
	f.apply(t, &cs)
	v := f.m.Latest()
	ids := func(objs []om.Object) []uuid.UUID {
		var out []uuid.UUID
		for _, o := range objs {
			out = append(out, o.ID)
		}
		return out
	}
	assert.Equal(t, []uuid.UUID{f.engE}, ids(v.PointingAt(f.a1, om.KindEngagement)), "pointed at A1 until September")
	assert.ElementsMatch(t, []uuid.UUID{f.engE, f.engF}, ids(v.PointingAt(f.a2, om.KindEngagement)))
	assert.Len(t, v.PointingAt(f.a, om.KindUnit), 2, "children")
	assert.Empty(t, v.PointingAt(f.a, om.KindPerson))
	assert.Empty(t, v.PointingAt(uuid.New(), om.KindEngagement), "an unknown id")
	got := v.PointingAt(f.a2, om.KindEngagement)
	assert.Negative(t, bytes.Compare(got[0].ID[:], got[1].ID[:]), "by id")
}

// An object created with several spans that point at the same object is
// one referrer, not one per span.
func TestAReferrerWithSeveralSpansIsListedOnce(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	id := uuid.New()
	cs.Create(om.Object{ID: id, Kind: om.KindEngagement, UserKey: "9", Timeline: timeline.MustNew(
		timeline.Span[om.Attrs]{Interval: timeline.Between(d("2024-01-01"), d("2024-06-01")), Value: om.EngagementAttrs{Person: f.emma, Unit: f.b, JobFunction: "Elev", Fraction: 1}},
		timeline.Span[om.Attrs]{Interval: timeline.Since(d("2024-06-01")), Value: om.EngagementAttrs{Person: f.emma, Unit: f.b, JobFunction: "Assistent", Fraction: 1}},
	)})
	f.apply(t, &cs)
	n := 0
	for _, o := range f.m.Latest().PointingAt(f.b, om.KindEngagement) {
		if o.ID == id {
			n++
		}
	}
	assert.Equal(t, 1, n)
	n = 0
	for _, r := range f.at("2024-07-01").Referrers(f.b) {
		if r.ID == id {
			n++
		}
	}
	assert.Equal(t, 1, n)
}
