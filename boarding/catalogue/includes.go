package catalogue

import (
	"fmt"
	"strings"
)

// checkIncludes checks the include graph that checkRoles built: no
// cycles, and every role grants something, itself or through its
// includes.
func (c *Catalogue) checkIncludes(p *problems, ix *index) {
	c.checkCycles(p, ix)

	// A role grants something if it has items or includes a role that
	// does: walk the edges backwards from the roles with items.
	n := len(c.JobRoles)
	by := make([][]int, n)
	for i, incs := range ix.includes {
		for _, e := range incs {
			by[e.to] = append(by[e.to], i)
		}
	}
	grants := make([]bool, n)
	var queue []int
	for i, r := range c.JobRoles {
		if len(r.Items) > 0 {
			grants[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, j := range by[i] {
			if !grants[j] {
				grants[j] = true
				queue = append(queue, j)
			}
		}
	}
	for i, r := range c.JobRoles {
		if !grants[i] && ix.roles[r.ID] == i {
			p.add(fmt.Sprintf("job_roles[%d].items", i), "the job role grants nothing: it has no items, and neither have the roles it includes")
		}
	}
}

// checkCycles reports each cycle of includes once, at the include that
// closes it, as the path round it ("a → b → a"). It is a depth-first
// walk in the file's order: a cycle is an include of a role still on the
// walk's path. Each such include closes a different cycle; where cycles
// share roles, the first found is reported and fixing it shows the next.
func (c *Catalogue) checkCycles(p *problems, ix *index) {
	const (
		unseen = iota
		onPath
		done
	)
	n := len(c.JobRoles)
	state := make([]uint8, n)
	pos := make([]int, n) // a role's place on the path, while on it
	var path []int
	var walk func(i int)
	walk = func(i int) {
		state[i], pos[i] = onPath, len(path)
		path = append(path, i)
		for _, e := range ix.includes[i] {
			switch state[e.to] {
			case unseen:
				walk(e.to)
			case onPath:
				ids := make([]string, 0, len(path)-pos[e.to]+1)
				for _, k := range path[pos[e.to]:] {
					ids = append(ids, c.JobRoles[k].ID)
				}
				ids = append(ids, c.JobRoles[e.to].ID)
				p.add(fmt.Sprintf("job_roles[%d].includes[%d]", i, e.at), "a cycle of includes: %s", strings.Join(ids, " → "))
			}
		}
		path = path[:len(path)-1]
		state[i] = done
	}
	for i := range c.JobRoles {
		if state[i] == unseen && len(ix.includes[i]) > 0 {
			walk(i)
		}
	}
}
