package boarding

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Rights says who may order for which units. A manager may order for the
// units they manage and every unit below them (as the org model has the
// roles on the day); a delegate may order for a manager's units within
// the delegation's days, and their orders wait for the manager's attest;
// an HR administrator may order for any unit. People are named by login
// (their AD username) or e-mail address, as the org model holds them.
type Rights struct {
	// HR are the HR administrators.
	HR []string `yaml:"hr" json:"hr"`
	// Delegates are the delegations ("personlig godkender",
	// "stedfortræder").
	Delegates []Delegation `yaml:"delegates" json:"delegates"`
	// Equipment are the people who hand out and take back equipment (the
	// service desk); HR may too.
	Equipment []string `yaml:"equipment" json:"equipment,omitempty"`
	// System is the account system whose usernames are logins (default
	// "Active Directory").
	System string `yaml:"system" json:"system,omitempty"`
}

// Delegation lets Delegate order for Manager's units on [From, To).
type Delegation struct {
	// Delegate orders; Manager is whom for.
	Delegate string `yaml:"delegate" json:"delegate"`
	// Manager is the manager, by login or e-mail address.
	Manager string `yaml:"manager" json:"manager"`
	// From and To are the days it holds, To not included (0: open).
	From timeline.Date `yaml:"from" json:"from"`
	// To is the first day it no longer holds (0: open).
	To timeline.Date `yaml:"to" json:"to,omitempty"`
}

// Permit is why an orderer may order for a unit.
type Permit struct {
	// Via is "manager", "delegate" or "hr".
	Via string
	// ActingFor is the manager a delegate orders for.
	ActingFor string
	// NeedsAttest says the order waits for ActingFor's attest.
	NeedsAttest bool
}

// PermissionError is an order, attest or confirmation its actor may not
// make: nothing was stored.
type PermissionError struct {
	// Actor is who tried.
	Actor string
	// What they tried, and why not.
	What, Why string
}

// Error says who may not do what, and why.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("boarding: %s may not %s: %s", clip(e.Actor), e.What, e.Why)
}

// CanOrder returns why actor may order for unit on day, or a
// *PermissionError.
func (r *Rights) CanOrder(v orgmodel.View, day timeline.Date, actor string, unit uuid.UUID) (Permit, error) {
	if r.isHR(actor) {
		return Permit{Via: "hr"}, nil
	}
	g := v.At(day)
	if _, ok := g.Unit(unit); !ok {
		return Permit{}, &PermissionError{Actor: actor, What: "order for unit " + unit.String(), Why: "the unit does not exist on " + day.String()}
	}
	managers := r.managersOf(g, unit)
	if managers[fold(actor)] {
		return Permit{Via: "manager"}, nil
	}
	for _, d := range r.Delegates {
		if fold(d.Delegate) != fold(actor) || !managers[fold(d.Manager)] {
			continue
		}
		if day < d.From || (d.To != 0 && day >= d.To) {
			return Permit{}, &PermissionError{Actor: actor, What: "order for " + unitName(g, unit),
				Why: fmt.Sprintf("the delegation from %s holds %s", d.Manager, span(d.From, d.To))}
		}
		return Permit{Via: "delegate", ActingFor: d.Manager, NeedsAttest: true}, nil
	}
	return Permit{}, &PermissionError{Actor: actor, What: "order for " + unitName(g, unit),
		Why: "they are neither its manager (nor a manager above it), a delegate of one, nor an HR administrator"}
}

// CanAttest reports whether actor may attest an order placed for
// manager: the manager themself, the manager's own manager once the
// attest was escalated to them, or an HR administrator.
func (r *Rights) CanAttest(actor string, o *Order) error {
	switch {
	case o.OnBehalfOf != "" && fold(actor) == fold(o.OnBehalfOf),
		o.EscalatedTo != "" && fold(actor) == fold(o.EscalatedTo),
		r.isHR(actor):
		return nil
	}
	why := "only the manager it was placed for (" + o.OnBehalfOf + ") or HR may"
	if o.EscalatedTo != "" {
		why = "only the manager it was placed for (" + o.OnBehalfOf + "), their manager (" + o.EscalatedTo + ") or HR may"
	}
	return &PermissionError{Actor: actor, What: "attest the order", Why: why}
}

// above returns, by e-mail address where the org model has one, the
// nearest manager above the one manager is for the unit: the manager of
// the first unit up the tree from the unit manager manages that someone
// else manages; "" if nobody does.
func (r *Rights) above(g orgmodel.Graph, unit uuid.UUID, manager string) string {
	chain := []uuid.UUID{unit}
	for _, a := range g.Ancestors(unit) {
		chain = append(chain, a.ID)
	}
	found := false
	for _, u := range chain {
		for _, m := range g.Managers(u, orgmodel.ManagerQuery{}) {
			ids := r.identities(g, m.Person)
			switch {
			case slices.Contains(ids, fold(manager)):
				found = true
			case found && len(ids) > 0:
				if mails := orgread.Emails(g, m.Person); len(mails) > 0 {
					return mails[0]
				}
				return ids[0]
			}
		}
	}
	return ""
}

func (r *Rights) isHR(actor string) bool { return among(r.HR, actor) }

// among reports whether actor is one of people, folded.
func among(people []string, actor string) bool {
	for _, p := range people {
		if fold(p) == fold(actor) {
			return true
		}
	}
	return false
}

// CanSign reports whether actor may say an order's contract is signed:
// an HR administrator.
func (r *Rights) CanSign(actor string) error {
	if r.isHR(actor) {
		return nil
	}
	return &PermissionError{Actor: actor, What: "say a contract is signed", Why: "only an HR administrator may"}
}

// CanConfirm reports whether actor may confirm or refuse a task of o: a
// system's administrators (admins) for its grants and revocations, the
// equipment desk for equipment, or an HR administrator; never the
// person the order is for, whatever else they are (subject are their
// logins and addresses, folded).
func (r *Rights) CanConfirm(actor string, subject []string, t *Task, admins []string) error {
	what := "confirm the task"
	if slices.Contains(subject, fold(actor)) {
		return &PermissionError{Actor: actor, What: what, Why: "it is their own order"}
	}
	if r.isHR(actor) {
		return nil
	}
	if t.Item.IsEquipment() {
		if among(r.Equipment, actor) {
			return nil
		}
		return &PermissionError{Actor: actor, What: what, Why: "only the equipment desk or HR may hand out or take back equipment"}
	}
	if among(admins, actor) {
		return nil
	}
	return &PermissionError{Actor: actor, What: what, Why: "only the administrators of " + t.Item.System + " or HR may"}
}

// managersOf returns the logins and addresses of the managers of unit and
// of every unit above it, on the graph's day, folded.
func (r *Rights) managersOf(g orgmodel.Graph, unit uuid.UUID) map[string]bool {
	out := map[string]bool{}
	units := []uuid.UUID{unit}
	for _, a := range g.Ancestors(unit) {
		units = append(units, a.ID)
	}
	for _, u := range units {
		for _, m := range g.Managers(u, orgmodel.ManagerQuery{}) {
			for _, id := range r.identities(g, m.Person) {
				out[id] = true
			}
		}
	}
	return out
}

// identities returns the person's logins (usernames in the rights'
// account system) and e-mail addresses on the graph's day, folded.
func (r *Rights) identities(g orgmodel.Graph, person uuid.UUID) []string {
	if person == uuid.Nil {
		return nil
	}
	system := r.System
	if system == "" {
		system = accountSystem
	}
	var out []string
	for _, e := range orgread.Emails(g, person) {
		out = append(out, fold(e))
	}
	for _, acc := range g.Accounts(person) {
		if acc.System == system && acc.Username != "" {
			out = append(out, fold(acc.Username))
		}
	}
	return out
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func unitName(g orgmodel.Graph, unit uuid.UUID) string {
	if u, ok := g.Unit(unit); ok {
		return "unit " + u.Name
	}
	return "unit " + unit.String()
}

func span(from, to timeline.Date) string {
	if to == 0 {
		return "from " + from.String()
	}
	return fmt.Sprintf("from %s until %s", from, to.AddDays(-1))
}
