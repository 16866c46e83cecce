package synth

import (
	"math/rand/v2"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// pcgStream is the second PCG seed word; changing it changes every
// generated municipality.
const pcgStream = 0x6f7267_73796e74

// Municipality is a generated municipality: one snapshot per source, ready
// for orgmodel.Import, and a few ids tests need.
//
// Every object has one span, and its id is orgmodel.SourceID of its source,
// kind and user key. The user keys are: "U00001"… for payroll units (the
// root first, then level by level, then the `_leder` units), "A00001"… for
// administrative units, "P000001"… for persons, the employment number
// (five digits or more, rising with the start date) for engagements,
// "L00001"… for manager roles, "M" and the `_leder` unit's key for its
// marker association, and "R" and the payroll unit's key for its link.
type Municipality struct {
	// Config is the configuration it was generated from.
	Config Config
	// Payroll is the payroll source's snapshot (Source PayrollSource):
	// payroll units, `_leder` units and their associations (type
	// ManagerMarker), persons, engagements and manager roles.
	Payroll orgmodel.Snapshot
	// Admin is the administrative source's snapshot (Source AdminSource):
	// the administrative tree and the related-units links that couple
	// each payroll leaf to an administrative unit. It refers to payroll
	// units, so it is imported after Payroll.
	Admin orgmodel.Snapshot
	// Root is the payroll tree's root unit.
	Root uuid.UUID
	// AdminRoot is the administrative tree's root unit.
	AdminRoot uuid.UUID
	// Persons are the persons' ids in the order of their person numbers
	// (user keys "P000001", …).
	Persons []uuid.UUID
}

// gen is one generation run. Everything random comes from r, in a fixed
// order, so the output depends on the Config alone.
type gen struct {
	c     Config
	r     *rand.Rand
	names map[string]int // unit names given so far, with their counts

	units      []unit // payroll: regular units level by level, then `_leder` units
	admin      []unit
	persons    []person
	engs       []engagement
	managerEng []int // per person: the engagement giving their manager role, or -1
	roles      []role
	assocs     []assoc
	links      []link
}

// Generate returns the municipality c describes, or c's validation error.
// The same c always gives the same municipality.
//
// Units counts every payroll unit, `_leder` units included: about half of
// the held manager roles get one, as far as Units leaves room once every
// role has a unit and every level of Depth has one. The administrative tree
// comes on top. About 10% of the roles are vacant (more if there are fewer
// persons than roles); each held role is backed by an engagement of its
// own in the unit it manages, and no person holds two.
func Generate(c Config) (*Municipality, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	g := &gen{c: c, r: rand.New(rand.NewPCG(c.Seed, pcgStream)), names: make(map[string]int)}
	vacant := max((c.Managers+5)/10, c.Managers-c.Persons)
	leder := min((c.Managers-vacant)/2, c.Units-max(c.Depth, c.Managers))
	regular := c.Units - leder

	g.units = g.tree(regular, c.Depth, "U%05d", g.payrollName)
	g.adminTree(regular)
	managerOf := g.planRoles(vacant)
	g.lateUnits()
	if err := g.makePersons(); err != nil {
		return nil, err
	}
	g.makeEngagements(managerOf)
	g.fillRoles()
	g.lederUnits(leder)
	g.couple()
	return g.municipality(), nil
}

// municipality builds the snapshots.
func (g *gen) municipality() *Municipality {
	mu := &Municipality{
		Config:  g.c,
		Payroll: orgmodel.Snapshot{Source: PayrollSource},
		Admin:   orgmodel.Snapshot{Source: AdminSource},
	}
	pay := make([]orgmodel.Object, 0, len(g.units)+len(g.persons)+len(g.engs)+len(g.roles)+len(g.assocs))
	add := func(key string, iv timeline.Interval, a orgmodel.Attrs) uuid.UUID {
		o := object(PayrollSource, key, iv, a)
		pay = append(pay, o)
		return o.ID
	}
	for _, u := range g.units {
		add(u.key, timeline.Since(u.start), g.payrollAttrs(u))
	}
	mu.Root = pay[0].ID
	mu.Persons = make([]uuid.UUID, len(g.persons))
	for i, p := range g.persons {
		mu.Persons[i] = add(p.key, timeline.Since(p.start), p.attrs)
	}
	for _, e := range g.engs {
		add(e.number, e.iv, orgmodel.EngagementAttrs{
			Person:           mu.Persons[e.person],
			Unit:             pay[e.unit].ID,
			EmploymentNumber: e.number,
			JobFunction:      e.job,
			Type:             e.typ,
			Fraction:         e.fraction,
		})
	}
	for _, r := range g.roles {
		add(r.key, r.iv, g.roleAttrs(r))
	}
	for _, a := range g.assocs {
		add(a.key, a.iv, orgmodel.AssociationAttrs{Person: mu.Persons[a.person], Unit: pay[a.unit].ID, Type: ManagerMarker})
	}
	mu.Payroll.Objects = pay

	adm := make([]orgmodel.Object, 0, len(g.admin)+len(g.links))
	for _, u := range g.admin {
		adm = append(adm, object(AdminSource, u.key, timeline.Since(u.start), g.adminAttrs(u)))
	}
	mu.AdminRoot = adm[0].ID
	for _, l := range g.links {
		units := [2]uuid.UUID{pay[l.payroll].ID, adm[l.admin].ID}
		adm = append(adm, object(AdminSource, "R"+g.units[l.payroll].key, g.linkValidity(l), orgmodel.RelatedUnitsAttrs{Units: units}))
	}
	mu.Admin.Objects = adm
	return mu
}

// object returns the source's object with the key, its id made by
// orgmodel.SourceID, holding a over iv.
func object(source, key string, iv timeline.Interval, a orgmodel.Attrs) orgmodel.Object {
	return orgmodel.Object{
		ID:       orgmodel.SourceID(source, a.Kind(), key),
		Kind:     a.Kind(),
		UserKey:  key,
		Source:   source,
		Timeline: timeline.Of(iv, a),
	}
}
