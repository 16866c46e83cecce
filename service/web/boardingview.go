package web

import (
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// orderRow is an order as a list shows it: names instead of ids.
type orderRow struct {
	ID                    uuid.UUID
	Short                 string
	Stored                bool // it is in the store (a what-if's orders are not)
	Kind                  boarding.OrderKind
	Person, Unit          string
	Roles                 []string
	Start                 timeline.Date
	State                 boarding.OrderState
	OrderedBy, OnBehalfOf string
}

// orderRow names an order's person, unit and roles.
func (p *Pages) orderRow(o *boarding.Order) orderRow {
	row := orderRow{ID: o.ID, Short: o.ID.String()[:8], Kind: o.Kind, Start: o.Start, State: o.State,
		OrderedBy: o.OrderedBy, OnBehalfOf: o.OnBehalfOf, Person: p.personName(o), Unit: p.unitName(o.Unit, o.Start)}
	for _, id := range o.Roles {
		row.Roles = append(row.Roles, p.roleName(id))
	}
	return row
}

// personName is the order's person as the model has them on the order's
// day, or the pending hire's name.
func (p *Pages) personName(o *boarding.Order) string {
	if o.Person != uuid.Nil {
		g := p.svc.Model().Latest().At(o.Start)
		if ps, ok := g.Person(o.Person); ok {
			return strings.TrimSpace(ps.GivenNames + " " + ps.Surname)
		}
		if ps, ok := p.svc.Model().Latest().At(p.today()).Person(o.Person); ok {
			return strings.TrimSpace(ps.GivenNames + " " + ps.Surname)
		}
	}
	if o.Pending != nil {
		return strings.TrimSpace(o.Pending.GivenNames+" "+o.Pending.Surname) + " (ny)"
	}
	return o.Person.String()
}

// unitName is a unit's name on the day, or its id.
func (p *Pages) unitName(id uuid.UUID, day timeline.Date) string {
	if u, ok := p.svc.Model().Latest().At(day).Unit(id); ok {
		return u.Name
	}
	if u, ok := p.svc.Model().Latest().At(p.today()).Unit(id); ok {
		return u.Name
	}
	return id.String()
}

// roleName is a job role's name in the catalogue, or its id.
func (p *Pages) roleName(id string) string {
	if b := p.svc.Boarding(); b != nil {
		if r, ok := b.Catalogue.JobRole(id); ok {
			return r.Name
		}
	}
	return id
}

// itemName says what a task is about, by the catalogue's names.
func (p *Pages) itemName(it boarding.Item) (system, what string) {
	cat := p.svc.Boarding().Catalogue
	if it.IsEquipment() {
		what = it.Equipment
		if k, ok := cat.EquipmentKind(it.Equipment); ok {
			what = k.Name
		}
		if it.Quantity > 1 {
			what += " ×" + strconv.Itoa(it.Quantity)
		}
		return "Udstyr", what
	}
	system, what = it.System, it.Resource
	if s, ok := cat.System(it.System); ok {
		system = s.Name
	}
	if r, ok := cat.Resource(it.System, it.Resource); ok {
		what = r.Name
	}
	return system, what
}

func (p *Pages) today() timeline.Date { return p.svc.Zone().Date(p.svc.Now()) }
