package report

import (
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// describer fills rows' Described from the model as the window's end
// knows it, a graph per day kept for the run.
type describer struct {
	m      *orgmodel.Model
	v      orgmodel.View
	system string
	graphs map[timeline.Date]orgmodel.Graph
}

func newDescriber(m *orgmodel.Model, v orgmodel.View, system string) *describer {
	return &describer{m: m, v: v, system: system, graphs: map[timeline.Date]orgmodel.Graph{}}
}

func (d *describer) graph(day timeline.Date) orgmodel.Graph {
	g, ok := d.graphs[day]
	if !ok {
		g = d.v.At(day)
		d.graphs[day] = g
	}
	return g
}

// describe fills r.Described on r's day; tree picks the unit.
func (d *describer) describe(r *Row, tree string) {
	day := r.day()
	g := d.graph(day)
	a := r.attrs
	r.JobFunction, r.EngagementType = a.JobFunction, a.Type
	unit := a.Unit
	if tree == "payroll" {
		unit = a.SourcePlacement()
	}
	r.UnitID = unit
	if p, ok := orgread.Latest[orgmodel.PersonAttrs](d.v, r.Person, day); ok {
		r.Name, r.GivenNames, r.Surname, r.CPR = orgread.Name(p), p.GivenNames, p.Surname, p.NationalID.String()
	}
	if es := orgread.Emails(g, r.Person); len(es) > 0 {
		r.Email = es[0]
	}
	r.Username = d.username(g, r.Person)
	if u, ok := orgread.Latest[orgmodel.UnitAttrs](d.v, unit, day); ok {
		r.Unit = u.Name
		r.UnitPath = orgread.Path(g, unit, u.Name)
		r.Organisation = u.Name
		if anc := g.Ancestors(unit); len(anc) > 0 {
			r.Organisation = anc[len(anc)-1].Name
		}
		if o, ok := d.v.Object(unit); ok {
			r.UnitKey = o.UserKey
		}
	}
	for _, mg := range g.Managers(unit, orgmodel.ManagerQuery{Inherit: true, Exclude: r.Person, SkipVacant: true}) {
		if p, ok := orgread.Latest[orgmodel.PersonAttrs](d.v, mg.Person, day); ok {
			r.Manager = orgread.Name(p)
			if es := orgread.Emails(g, mg.Person); len(es) > 0 {
				r.ManagerEmail = es[0]
			}
			break
		}
	}
}

// username returns the person's account in the system on the day, or
// the latest one the model holds (an account made after the first day
// the report is about still answers "does this person have one").
func (d *describer) username(g orgmodel.Graph, person uuid.UUID) string {
	var names []string
	for _, acc := range g.Accounts(person) {
		if acc.System == d.system && acc.Username != "" {
			names = append(names, acc.Username)
		}
	}
	if len(names) == 0 {
		for _, o := range d.v.PointingAt(person, orgmodel.KindAccount) {
			if b, ok := o.Timeline.Bounds(); ok {
				if a, ok := orgread.At[orgmodel.AccountAttrs](o, b.To-1); ok && a.System == d.system && a.Person == person && a.Username != "" {
					names = append(names, a.Username)
				}
			}
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// below reports whether unit, or a unit above it on the day, is in set.
func (d *describer) below(unit uuid.UUID, day timeline.Date, set map[uuid.UUID]bool) bool {
	if set[unit] {
		return true
	}
	for _, a := range d.graph(day).Ancestors(unit) {
		if set[a.ID] {
			return true
		}
	}
	return false
}
