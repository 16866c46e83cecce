package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Churn makes a municipality's daily payroll change sets, as a payroll
// import would register them: moves, terminations, job-function and
// fraction changes, surname changes and hires (a new person and
// engagement), 50–200 changed objects a day. It is for benchmarks and
// demos that need a history: a year of days registered one after another
// gives the registration-time axis that reports read. The same
// municipality, start and seed give the same days.
type Churn struct {
	// Lead, if set, registers hires and terminations ahead of their day:
	// each starts or ends up to Lead days after the import's day, as
	// payroll registers most of them (0: on the day).
	Lead int

	r        *rand.Rand
	persons  []uuid.UUID
	engs     []uuid.UUID
	units    []uuid.UUID
	managed  map[uuid.UUID]bool // engagements a manager role links to
	surnames []string
	given    []string
	jobs     []string
	types    []string
	hired    int
	cprs     map[om.CPR]bool
}

// NewChurn returns the churn of the municipality's payroll from day
// start, seeded by seed.
func NewChurn(mu *Municipality, start timeline.Date, seed uint64) *Churn {
	g := &Churn{
		r:       rand.New(rand.NewPCG(2, seed)),
		persons: slices.Clone(mu.Persons),
		managed: map[uuid.UUID]bool{},
		cprs:    map[om.CPR]bool{},
	}
	units := map[uuid.UUID]bool{}
	seen := map[string]bool{}
	add := func(list *[]string, s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	unitOK := map[uuid.UUID]bool{}
	for _, o := range mu.Payroll.Objects {
		switch a := o.Timeline.Span(0).Value.(type) {
		case om.UnitAttrs:
			unitOK[o.ID] = o.Timeline.Covers(timeline.Since(start))
		case om.EngagementAttrs:
			g.engs = append(g.engs, o.ID)
			units[a.Unit] = true
			add(&g.jobs, a.JobFunction)
			add(&g.types, a.Type)
		case om.ManagerAttrs:
			for sp := range o.Timeline.All() {
				if e := sp.Value.(om.ManagerAttrs).Engagement; e != uuid.Nil {
					g.managed[e] = true
				}
			}
		case om.PersonAttrs:
			add(&g.surnames, a.Surname)
			add(&g.given, a.GivenNames)
		}
	}
	for _, o := range mu.Payroll.Objects {
		if units[o.ID] && unitOK[o.ID] {
			g.units = append(g.units, o.ID)
		}
	}
	return g
}

func (g *Churn) pick(list []uuid.UUID) uuid.UUID { return list[g.r.IntN(len(list))] }

func (g *Churn) pickString(list []string) string { return list[g.r.IntN(len(list))] }

// validOn returns the object's attributes on day d, if it exists and is
// valid then.
func validOn(v om.View, id uuid.UUID, d timeline.Date) (om.Object, om.Attrs, bool) {
	o, ok := v.Object(id)
	if !ok {
		return om.Object{}, nil, false
	}
	a, ok := o.Timeline.At(d)
	return o, a, ok
}

// engagement returns an untouched engagement valid on d (and, for one to
// terminate, not a manager's and started before d).
func (g *Churn) engagement(v om.View, d timeline.Date, touched map[uuid.UUID]bool, terminable bool) (uuid.UUID, om.EngagementAttrs, bool) {
	for range 100 {
		id := g.pick(g.engs)
		if touched[id] || (terminable && g.managed[id]) {
			continue
		}
		o, a, ok := validOn(v, id, d)
		if !ok || (terminable && o.Timeline.Span(0).From >= d) {
			continue
		}
		touched[id] = true
		return id, a.(om.EngagementAttrs), true
	}
	return uuid.Nil, om.EngagementAttrs{}, false
}

// cpr returns a national id no person has had.
func (g *Churn) cpr(v om.View) om.CPR {
	for {
		s := fmt.Sprintf("%02d%02d%02d-%04d", 1+g.r.IntN(28), 1+g.r.IntN(12), 60+g.r.IntN(40), g.r.IntN(4000))
		c := om.MustParseCPR(s, om.CPROptions{})
		if _, taken := v.PersonByNationalID(c); !taken && !g.cprs[c] {
			g.cprs[c] = true
			return c
		}
	}
}

// ahead returns the day a hire or termination registered on d takes
// effect.
func (g *Churn) ahead(d timeline.Date) timeline.Date {
	if g.Lead <= 0 {
		return d
	}
	return d.AddDays(g.r.IntN(g.Lead + 1))
}

// Day returns day d's change set against v, the model as the days before
// left it.
func (g *Churn) Day(v om.View, d timeline.Date) *om.ChangeSet {
	cs := &om.ChangeSet{}
	touched := map[uuid.UUID]bool{}
	from := timeline.Since(d)
	for range 10 + g.r.IntN(31) { // moves
		if id, a, ok := g.engagement(v, d, touched, false); ok {
			if u := g.pick(g.units); u != a.Unit {
				cs.Update(id, from, om.EngagementPatch{Unit: &u})
			}
		}
	}
	for range 5 + g.r.IntN(26) { // terminations
		if id, _, ok := g.engagement(v, d, touched, true); ok {
			end := g.ahead(d)
			if o, _ := v.Object(id); !o.Timeline.Covers(timeline.Interval{From: d, To: end + 1}) {
				end = d // it ends before the lead: end it on the day
			}
			cs.Terminate(id, end)
		}
	}
	for range 10 + g.r.IntN(31) { // job function or fraction changes
		if id, a, ok := g.engagement(v, d, touched, false); ok {
			if g.r.IntN(2) == 0 {
				if j := g.pickString(g.jobs); j != a.JobFunction {
					cs.Update(id, from, om.EngagementPatch{JobFunction: &j})
				}
			} else if f := []float64{1, 0.8, 0.5, 0.37}[g.r.IntN(4)]; f != a.Fraction {
				cs.Update(id, from, om.EngagementPatch{Fraction: &f})
			}
		}
	}
	for range 5 + g.r.IntN(21) { // surname changes
		id := g.pick(g.persons)
		if touched[id] {
			continue
		}
		if _, a, ok := validOn(v, id, d); ok {
			if s := g.pickString(g.surnames); s != a.(om.PersonAttrs).Surname {
				touched[id] = true
				cs.Update(id, from, om.PersonPatch{Surname: &s})
			}
		}
	}
	for range 5 + g.r.IntN(26) { // hires: a new person and engagement
		g.hired++
		key := fmt.Sprintf("H%06d", g.hired)
		number := strconv.Itoa(9_000_000 + g.hired)
		person := om.Object{
			ID: om.SourceID(PayrollSource, om.KindPerson, key), Kind: om.KindPerson, UserKey: key, Source: PayrollSource,
			Timeline: timeline.Of[om.Attrs](from, om.PersonAttrs{GivenNames: g.pickString(g.given), Surname: g.pickString(g.surnames), NationalID: g.cpr(v)}),
		}
		eng := om.Object{
			ID: om.SourceID(PayrollSource, om.KindEngagement, number), Kind: om.KindEngagement, UserKey: number, Source: PayrollSource,
			Timeline: timeline.Of[om.Attrs](timeline.Since(g.ahead(d)), om.EngagementAttrs{
				Person: person.ID, Unit: g.pick(g.units), EmploymentNumber: number,
				JobFunction: g.pickString(g.jobs), Type: g.pickString(g.types), Fraction: 1,
			}),
		}
		cs.Create(person)
		cs.Create(eng)
		g.persons = append(g.persons, person.ID)
		g.engs = append(g.engs, eng.ID)
		touched[person.ID], touched[eng.ID] = true, true
	}
	return cs
}
