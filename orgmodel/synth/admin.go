package synth

import "github.com/orgsync/orgsync/orgmodel/timeline"

// link couples a payroll leaf to an administrative unit.
type link struct {
	payroll, admin int
}

// adminTree generates the administrative tree: a third as many units as
// the regular payroll units, a level shallower than the payroll tree and
// at most five levels deep.
func (g *gen) adminTree(regular int) {
	depth := max(2, min(g.c.Depth-1, 5))
	g.admin = g.tree(max(depth, regular/3), depth, "A%05d", g.adminName)
}

// couple links every regular payroll leaf to a leaf of the administrative
// tree with the same theme (any leaf if that theme has none). Leaves under
// the same payroll parent mostly share their administrative unit.
func (g *gen) couple() {
	byTheme := make([][]int, len(themes))
	var all []int
	for i, u := range g.admin {
		if u.leaf {
			all = append(all, i)
			if u.theme >= 0 {
				byTheme[u.theme] = append(byTheme[u.theme], i)
			}
		}
	}
	shared := make(map[int]int) // payroll parent → administrative unit
	for i, u := range g.units {
		if !u.leaf || u.leder {
			continue
		}
		a, ok := shared[u.parent]
		if !ok || g.r.IntN(5) == 0 {
			list := all
			if u.theme >= 0 && len(byTheme[u.theme]) > 0 {
				list = byTheme[u.theme]
			}
			a = pick(g, list)
			if !ok {
				shared[u.parent] = a
			}
		}
		g.links = append(g.links, link{payroll: i, admin: a})
	}
}

// linkValidity is the payroll unit's validity.
func (g *gen) linkValidity(l link) timeline.Interval {
	return timeline.Since(g.units[l.payroll].start)
}
