package notify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// Notice is one rule's notice about one thing, with its recipients
// resolved; Message writes it.
type Notice struct {
	// Rule is the rule's name.
	Rule string
	// Trigger is what it fired on.
	Trigger Trigger
	// Key is the dedup key: rule, trigger, object and registration (and
	// the day, for a validity's end), so that a notice is queued once
	// however often its event is handled.
	Key string
	// Data is what the templates see.
	Data Data
	// To and Cc are the recipients, each address once.
	To []connectors.Address
	// Cc are the copied recipients.
	Cc []connectors.Address
	// Skipped are recipients left out, and why: a malformed address in
	// the org model, a manager without an e-mail address, a vacant unit.
	Skipped []Skip
}

// Skip is a recipient left out of a notice.
type Skip struct {
	// Who is the recipient as far as known: an address, "manager of
	// <unit>", a person's name.
	Who string
	// Reason says why.
	Reason string
}

// String says who and why.
func (s Skip) String() string { return s.Who + ": " + s.Reason }

// Deliverable reports whether the notice has someone to go to.
func (n *Notice) Deliverable() bool { return len(n.To) > 0 }

// notices applies the rules of a finding's trigger.
func (rs *Rules) notices(f finding) []Notice {
	var out []Notice
	for _, r := range rs.byTrigger[f.trigger] {
		if !r.inScope(f) {
			continue
		}
		n := Notice{Rule: r.Name, Trigger: f.trigger, Data: f.data}
		n.Data.Rule, n.Data.Trigger = r.Name, f.trigger
		n.Key = fmt.Sprintf("notify/%s/%s/%s", r.Name, f.trigger, f.object)
		if f.suffix != "" {
			n.Key += "/" + f.suffix
		} else {
			n.Key += fmt.Sprintf("/r%d", f.view.Registration().Seq)
		}
		res := resolver{f: f, g: f.view.At(f.day)}
		n.To = res.resolve(r.To, r.subtrees[0])
		n.Cc = res.resolve(r.Cc, r.subtrees[1])
		n.Cc = slices.DeleteFunc(n.Cc, func(a connectors.Address) bool { return containsAddr(n.To, a.Addr) })
		n.Skipped = res.skipped
		out = append(out, n)
	}
	return out
}

// inScope reports whether the finding's unit lies in the rule's subtrees
// (and in none excluded) on its day, and one of its engagement types is
// the rule's.
func (r *rule) inScope(f finding) bool {
	if r.types != nil && !slices.ContainsFunc(f.types, func(t string) bool { return r.types[t] }) {
		return false
	}
	if len(r.Scope.Units) == 0 && len(r.Scope.Exclude) == 0 {
		return true
	}
	g := f.view.At(f.day)
	chain := []uuid.UUID{f.unit}
	for _, u := range g.Ancestors(f.unit) {
		chain = append(chain, u.ID)
	}
	for _, id := range chain {
		if slices.Contains(r.Scope.Exclude, id) {
			return false
		}
	}
	if len(r.Scope.Units) == 0 {
		return true
	}
	return slices.ContainsFunc(chain, func(id uuid.UUID) bool { return slices.Contains(r.Scope.Units, id) })
}

// resolver turns Recipients into addresses for one finding.
type resolver struct {
	f       finding
	g       orgmodel.Graph
	skipped []Skip
}

func (res *resolver) skip(who, format string, a ...any) {
	res.skipped = append(res.skipped, Skip{Who: who, Reason: fmt.Sprintf(format, a...)})
}

// chain returns the finding's unit and its ancestors, nearest first.
func (res *resolver) chain() []uuid.UUID {
	out := []uuid.UUID{res.f.unit}
	for _, u := range res.g.Ancestors(res.f.unit) {
		out = append(out, u.ID)
	}
	return out
}

func (res *resolver) resolve(r Recipients, subtrees map[uuid.UUID][]string) []connectors.Address {
	var out []connectors.Address
	add := func(name, addr, who string) {
		if err := checkAddr(addr); err != nil {
			res.skip(or(who, clip(addr)), "%v", err)
			return
		}
		if !containsAddr(out, addr) {
			out = append(out, connectors.Address{Name: oneLine(name, 256), Addr: addr})
		}
	}
	for _, a := range r.Addresses {
		add("", a, "")
	}
	if len(subtrees) > 0 {
		for _, id := range res.chain() {
			if as, ok := subtrees[id]; ok {
				for _, a := range as {
					add("", a, "")
				}
				break
			}
		}
	}
	if r.Manager {
		res.managers(add)
	}
	if r.UnitEmail {
		found := false
		for _, id := range res.chain() {
			var as []string
			for _, a := range res.g.Addresses(id) {
				if a.Type == emailType {
					as = append(as, a.Value)
				}
			}
			if len(as) > 0 {
				name := ""
				if u, ok := res.g.Unit(id); ok {
					name = u.Name
				}
				for _, a := range as {
					add(name, a, "the e-mail address of unit "+name)
				}
				found = true
				break
			}
		}
		if !found {
			res.skip("unit e-mail", "no unit at or above %s has an EMAIL address", res.f.unit)
		}
	}
	if r.Person && res.f.person != uuid.Nil {
		name := res.f.data.Person.Name
		emails := describe{g: res.g, v: res.f.view}.emails(res.f.person)
		if len(emails) == 0 {
			res.skip(name, "the person has no EMAIL address on %s", res.f.day)
		}
		for _, a := range emails {
			add(name, a, name)
		}
	}
	return out
}

// managers adds the person's managers (or, for a unit notice, those of
// the unit's parent): inherited up the tree, vacant roles and the
// person's own roles skipped.
func (res *resolver) managers(add func(name, addr, who string)) {
	unit := res.f.unit
	if res.f.person == uuid.Nil {
		p, ok := res.g.Parent(unit)
		if !ok {
			res.skip("manager", "the unit %s has no parent unit", unit)
			return
		}
		unit = p.ID
	}
	ms := res.g.Managers(unit, orgmodel.ManagerQuery{Inherit: true, Exclude: res.f.person, SkipVacant: true})
	if len(ms) == 0 {
		res.skip("manager", "no manager at or above unit %s on %s", unit, res.f.day)
		return
	}
	d := describe{g: res.g, v: res.f.view}
	for _, m := range ms {
		p := d.person(m.Person)
		if len(p.Emails) == 0 {
			res.skip("manager "+p.Name, "has no EMAIL address on %s", res.f.day)
		}
		for _, a := range p.Emails {
			add(p.Name, a, "manager "+p.Name)
		}
	}
}

func containsAddr(as []connectors.Address, addr string) bool {
	return slices.ContainsFunc(as, func(a connectors.Address) bool { return strings.EqualFold(a.Addr, addr) })
}
