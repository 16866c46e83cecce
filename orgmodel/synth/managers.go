package synth

import (
	"fmt"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// role is a manager role being generated.
type role struct {
	key    string
	unit   int
	person int // -1: vacant
	iv     timeline.Interval
	resp   orgmodel.Keys
}

// assoc is a manager's membership of a `_leder` unit.
type assoc struct {
	key    string
	person int
	unit   int // the `_leder` unit
	iv     timeline.Interval
}

// planRoles places the manager roles in distinct regular units, upper
// levels first and in random order within a level, makes vacant of them
// and gives the others each to a different person. It returns, per person,
// the unit they manage or -1.
func (g *gen) planRoles(vacant int) []int {
	order := make([]int, len(g.units))
	for i := range order {
		order[i] = i
	}
	for lo := 0; lo < len(order); {
		hi := lo
		for hi < len(order) && g.units[hi].level == g.units[lo].level {
			hi++
		}
		g.r.Shuffle(hi-lo, func(i, j int) { order[lo+i], order[lo+j] = order[lo+j], order[lo+i] })
		lo = hi
	}
	managed := order[:g.c.Managers]
	isVacant := make([]bool, len(managed))
	for _, k := range g.r.Perm(len(managed))[:vacant] {
		isVacant[k] = true
	}
	holders := g.r.Perm(g.c.Persons)
	managerOf := make([]int, g.c.Persons)
	for i := range managerOf {
		managerOf[i] = -1
	}
	g.roles = make([]role, len(managed))
	for k, u := range managed {
		g.roles[k] = role{key: fmt.Sprintf("L%05d", k+1), unit: u, person: -1}
		g.units[u].managed = true
		if !isVacant[k] {
			p := holders[0]
			holders = holders[1:]
			g.roles[k].person = p
			managerOf[p] = u
		}
	}
	return managerOf
}

// lateUnits makes a few unmanaged leaves (one in 40 units at most, never
// on the spine) start after the epoch, up to Today.
func (g *gen) lateUnits() {
	var cand []int
	for i, u := range g.units {
		if u.leaf && u.level == g.c.Depth-1 && !u.spine && !u.managed {
			cand = append(cand, i)
		}
	}
	g.r.Shuffle(len(cand), func(i, j int) { cand[i], cand[j] = cand[j], cand[i] })
	for _, i := range cand[:min(len(g.units)/40, len(cand))] {
		g.units[i].start = g.date(epoch+365, g.c.Today)
	}
}

// fillRoles gives every role its responsibilities, always Personale, and
// its validity: a vacant one from a random day, a held one inside the
// engagement that gives it.
func (g *gen) fillRoles() {
	for k := range g.roles {
		r := &g.roles[k]
		resp := []string{"Personale"}
		if g.r.IntN(2) == 0 {
			resp = append(resp, "Budget")
		}
		if g.r.IntN(3) == 0 {
			resp = append(resp, "Arbejdsmiljø")
		}
		r.resp = orgmodel.NewKeys(resp...)
		if r.person < 0 {
			r.iv = timeline.Since(g.date(epoch, g.c.Today))
			continue
		}
		r.iv = g.roleValidity(g.engs[g.managerEng[r.person]].iv)
	}
}

// roleValidity returns a validity inside the engagement's: mostly the
// same, sometimes starting later (a promotion, now or in the future) or
// ending before Today while the engagement goes on.
func (g *gen) roleValidity(e timeline.Interval) timeline.Interval {
	t := g.c.Today
	iv := e
	if hi := min(e.To, t); hi > e.From && g.r.IntN(10) < 3 {
		iv.From = g.date(e.From, hi-1)
	}
	if e.To > t+1 && iv.From <= t && g.r.IntN(30) == 0 {
		iv.From = g.date(t+1, t+timeline.Date(min(60, int(e.To)-int(t)-1)))
	}
	if iv.From < t && g.r.IntN(12) == 0 {
		iv.To = min(e.To, g.date(iv.From+1, t))
	}
	return iv
}

// roleAttrs returns the role's attributes: a Direktør on the top two
// levels, a Leder below, at Niveau 1 to 4 by the unit's level.
func (g *gen) roleAttrs(r role) orgmodel.ManagerAttrs {
	u := g.units[r.unit]
	a := orgmodel.ManagerAttrs{
		Unit:  orgmodel.SourceID(PayrollSource, orgmodel.KindUnit, u.key),
		Type:  "Leder",
		Level: fmt.Sprintf("Niveau %d", min(u.level+1, 4)),

		Responsibilities: r.resp,
	}
	if u.level <= 1 {
		a.Type = "Direktør"
	}
	if r.person >= 0 {
		a.Person = orgmodel.SourceID(PayrollSource, orgmodel.KindPerson, g.persons[r.person].key)
		a.Engagement = orgmodel.SourceID(PayrollSource, orgmodel.KindEngagement, g.engs[g.managerEng[r.person]].number)
	}
	return a
}

// lederUnits gives n of the held roles a `_leder` child unit, with the
// manager associated to it over the role's validity. One in twelve is
// named with the "Ø_" prefix that manager sync ignores.
func (g *gen) lederUnits(n int) {
	var held []int
	for k, r := range g.roles {
		if r.person >= 0 {
			held = append(held, k)
		}
	}
	chosen := make([]bool, len(g.roles))
	for _, i := range g.r.Perm(len(held))[:n] {
		chosen[held[i]] = true
	}
	made := 0
	for k, r := range g.roles {
		if !chosen[k] {
			continue
		}
		parent := g.units[r.unit]
		name := parent.name + "_leder"
		if made%12 == 5 {
			name = "Ø_" + name
		}
		made++
		u := unit{
			key: fmt.Sprintf("U%05d", len(g.units)+1), name: name, parent: r.unit,
			level: parent.level + 1, theme: parent.theme, start: epoch, leaf: true, leder: true,
		}
		g.assocs = append(g.assocs, assoc{key: "M" + u.key, person: r.person, unit: len(g.units), iv: r.iv})
		g.units = append(g.units, u)
	}
}
