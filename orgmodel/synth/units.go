package synth

import (
	"fmt"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// unit is a unit being generated, in the payroll or the administrative tree.
type unit struct {
	key    string
	name   string
	parent int // index in the same tree, -1 for the root
	level  int // 0 for the root
	theme  int // index in themes, -1 for the root
	start  timeline.Date
	leaf   bool // no children other than a `_leder` unit
	spine  bool // first on its level: the spine reaches the full depth
	leder  bool // a `_leder` unit
	// managed is set for a unit with a manager role.
	managed bool
}

// levelName returns the SD level key of tree level i (0 is the root) in a
// payroll tree of the given depth: NY<n>-niveau down to Afdelings-niveau.
func levelName(i, depth int) string {
	if i >= depth-1 {
		return "Afdelings-niveau"
	}
	return fmt.Sprintf("NY%d-niveau", depth-1-i)
}

// levelCounts splits n units over depth levels: one root and then levels
// growing by a constant ratio, chosen so that level 1 has about six units
// and kept from 1.2 to 8, with every level holding at least one unit. It
// uses integers only, so the shape is the same on every platform.
func levelCounts(n, depth int) []int {
	counts := make([]int, depth)
	counts[0] = 1
	if depth == 1 {
		return counts
	}
	ratio := 12 // in tenths
	for ratio < 80 && !grows(ratio, n, depth) {
		ratio++
	}
	weights := make([]int, depth)
	total := 0
	for i, w := 1, 1000; i < depth; i, w = i+1, w*ratio/10 {
		weights[i] = w
		total += w
	}
	rest := n - depth // beyond one unit per level
	rems := make([]int, depth)
	given := 0
	for i := 1; i < depth; i++ {
		share := rest * weights[i] // at most 10^6 · 1000 · 8^10 < 2^63
		counts[i] = 1 + share/total
		given += share / total
		rems[i] = share % total
	}
	// The largest remainders take what rounding down left over; ties go
	// to the deeper level.
	for ; given < rest; given++ {
		best := 1
		for i := 2; i < depth; i++ {
			if rems[i] >= rems[best] {
				best = i
			}
		}
		counts[best]++
		rems[best] = -1
	}
	return counts
}

// grows reports whether levels growing by ratio tenths reach n/6 units
// by the deepest level: n·10^(depth-2) ≤ 6·ratio^(depth-2). Once the
// right side leads it stays ahead, so the loop stops before it overflows.
func grows(ratio, n, depth int) bool {
	lhs, rhs := n, 6
	for range depth - 2 {
		if rhs >= lhs {
			return true
		}
		lhs, rhs = lhs*10, rhs*ratio
	}
	return rhs >= lhs
}

// tree generates a tree of n units in depth levels, all valid from epoch.
// Each unit of a level gets a parent on the level above: the first ones
// take one parent each in order, so that every parent has a child where
// there are enough, and the rest pick at random. Level-1 units get a theme
// each, in turn; deeper units inherit it.
func (g *gen) tree(n, depth int, keyFormat string, name func(u unit, depth int) string) []unit {
	units := make([]unit, 0, n)
	var above []int
	for level, count := range levelCounts(n, depth) {
		here := make([]int, 0, count)
		for j := range count {
			u := unit{parent: -1, level: level, theme: -1, start: epoch, leaf: true, spine: j == 0}
			if level > 0 {
				p := above[min(j, len(above)-1)]
				if j >= len(above) {
					p = above[g.r.IntN(len(above))]
				}
				u.parent = p
				units[p].leaf = false
				u.theme = units[p].theme
				if level == 1 {
					u.theme = j % len(themes)
				}
			}
			u.key = fmt.Sprintf(keyFormat, len(units)+1)
			u.name = g.unique(name(u, depth))
			here = append(here, len(units))
			units = append(units, u)
		}
		above = here
	}
	return units
}

// payrollName names a payroll unit by its level and theme.
func (g *gen) payrollName(u unit, depth int) string {
	switch {
	case u.level == 0:
		return pick(g, towns) + " Kommune"
	case u.level == depth-1:
		return pick(g, themes[u.theme].kinds) + " " + pick(g, placeNames)
	case u.level == 1:
		return themes[u.theme].forvaltning
	default:
		return pick(g, themes[u.theme].areas) + " " + pick(g, districts)
	}
}

// adminName names an administrative unit by its level and theme.
func (g *gen) adminName(u unit, depth int) string {
	switch {
	case u.level == 0:
		return "Direktionen"
	case u.level == depth-1:
		return pick(g, adminTeams) + " " + pick(g, placeNames)
	case u.level == 1:
		return themes[u.theme].center
	default:
		return "Afdeling for " + pick(g, themes[u.theme].areas)
	}
}

// unique returns name, or name with a number if it was taken.
func (g *gen) unique(name string) string {
	n := g.names[name] + 1
	g.names[name] = n
	if n == 1 {
		return name
	}
	return fmt.Sprintf("%s %d", name, n)
}

// payrollAttrs returns a payroll unit's attributes.
func (g *gen) payrollAttrs(u unit) orgmodel.UnitAttrs {
	a := orgmodel.UnitAttrs{Name: u.name, Level: levelName(u.level, g.c.Depth), Type: "Enhed"}
	switch {
	case u.leder:
		a.Type = "Lederenhed"
	case u.level == g.c.Depth-1:
		a.Type = "Afdeling"
	}
	if u.parent >= 0 {
		a.Parent = orgmodel.SourceID(PayrollSource, orgmodel.KindUnit, g.units[u.parent].key)
	}
	return a
}

// adminAttrs returns an administrative unit's attributes.
func (g *gen) adminAttrs(u unit) orgmodel.UnitAttrs {
	a := orgmodel.UnitAttrs{Name: u.name, Type: "Administrativ enhed"}
	if u.parent >= 0 {
		a.Parent = orgmodel.SourceID(AdminSource, orgmodel.KindUnit, g.admin[u.parent].key)
	}
	return a
}

// pick returns a random element of list.
func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }
