package synth

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// engagement is an engagement being generated.
type engagement struct {
	person   int
	unit     int // index in g.units
	iv       timeline.Interval
	job, typ string
	fraction float64
	number   string // the employment number, also the user key
}

// label is what an engagement's validity looks like around Today. The
// order is the order of a person's engagements, so that an ended one can
// be followed by the next.
type label int

const (
	ended       label = iota // ends on or before Today
	current                  // started by Today, open-ended
	futureEnd                // started by Today, ends within a year after
	futureStart              // starts within 60 days after Today
)

// makeEngagements generates every engagement. managerOf[p] is the unit
// that person p manages, or -1: the person's last engagement is placed
// there and recorded in g.managerEng. The others go to leaf and near-leaf
// units that exist when they start.
func (g *gen) makeEngagements(managerOf []int) {
	n, total := len(g.persons), g.c.Engagements
	counts := make([]int, n)
	for i := range counts {
		counts[i] = 1
	}
	perm := g.r.Perm(n)
	for k, extra := 0, total-n; extra > 0; k++ {
		add := min(1+g.r.IntN(4)/3, extra) // a quarter get two more at a time
		counts[perm[k%n]] += add
		extra -= add
	}
	labels := make([]label, total)
	k := 0
	for _, l := range []struct {
		label
		percent int
	}{{futureStart, 3}, {ended, 5}, {futureEnd, 3}} {
		for c := total * l.percent / 100; c > 0; c-- {
			labels[k] = l.label
			k++
		}
	}
	for ; k < total; k++ {
		labels[k] = current
	}
	g.r.Shuffle(total, func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })

	pool := g.pool()
	g.engs = make([]engagement, 0, total)
	g.managerEng = make([]int, n)
	for i := range g.managerEng {
		g.managerEng[i] = -1
	}
	at := 0
	for p := range g.persons {
		mine := labels[at : at+counts[p]]
		at += counts[p]
		slices.Sort(mine)
		var prev timeline.Interval
		for j, l := range mine {
			from := g.start(l, max(epoch, g.persons[p].adult))
			if j > 0 && prev.To < g.c.Today && l != futureStart && g.r.IntN(2) == 0 {
				from = prev.To // moves on from the job that just ended
			}
			iv := g.validity(l, from)
			e := engagement{person: p, iv: iv}
			manager := managerOf[p] >= 0 && j == len(mine)-1
			if manager {
				e.unit = managerOf[p]
				g.managerEng[p] = len(g.engs)
			} else {
				e.unit = pool[g.r.IntN(sort.Search(len(pool), func(i int) bool { return g.units[pool[i]].start > iv.From }))]
			}
			g.work(&e, manager)
			if j == 0 || iv.From < g.persons[p].start {
				g.persons[p].start = iv.From
			}
			g.engs = append(g.engs, e)
			prev = iv
		}
	}
	g.number()
}

// start returns a random first day for an engagement of the kind l that
// starts no earlier than lo (which is before Today).
func (g *gen) start(l label, lo timeline.Date) timeline.Date {
	t := g.c.Today
	switch l {
	case futureStart:
		return g.date(t+1, t+60)
	case ended:
		return g.date(lo, t-1)
	}
	return g.date(lo, t)
}

// validity returns a random validity of the kind l from day from, which
// is before Today unless l is futureStart.
func (g *gen) validity(l label, from timeline.Date) timeline.Interval {
	t := g.c.Today
	switch l {
	case ended:
		return timeline.Between(from, g.date(from+1, t))
	case futureEnd:
		return timeline.Between(from, g.date(t+1, t+365))
	}
	return timeline.Since(from)
}

// pool returns the units engagements are placed in, leaves and the level
// above them, ordered by the day they start.
func (g *gen) pool() []int {
	var pool []int
	for i, u := range g.units {
		if !u.leder && (u.leaf || u.level >= g.c.Depth-2) {
			pool = append(pool, i)
		}
	}
	slices.SortStableFunc(pool, func(a, b int) int { return cmp.Compare(g.units[a].start, g.units[b].start) })
	return pool
}

// work sets the job function, type and fraction of e, a manager's own if
// manager is set.
func (g *gen) work(e *engagement, manager bool) {
	u := g.units[e.unit]
	switch {
	case manager && u.level == 0:
		e.job, e.typ, e.fraction = "Kommunaldirektør", "Månedsløn", 1
		return
	case manager && u.level == 1:
		e.job, e.typ, e.fraction = "Forvaltningschef", "Månedsløn", 1
		return
	case manager:
		e.job, e.typ, e.fraction = themes[u.theme].leader, "Månedsløn", 1
		return
	case u.theme < 0:
		e.job = pick(g, []string{"Direktionssekretær", "Administrativ medarbejder"})
	default:
		e.job = pick(g, themes[u.theme].jobs)
	}
	if g.r.IntN(7) == 0 {
		e.typ, e.fraction = "Timeløn", pick(g, []float64{0.25, 0.3, 0.4, 0.5})
		return
	}
	e.typ, e.fraction = "Månedsløn", pick(g, []float64{1, 1, 1, 1, 0.9, 0.8, 0.75, 0.6, 0.5})
}

// number gives the engagements unique employment numbers of at least five
// digits, rising with the start date as a payroll hands them out, with
// random gaps where the width leaves room.
func (g *gen) number() {
	total := len(g.engs)
	if total == 0 {
		return
	}
	order := make([]int, total)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(g.engs[a].iv.From, g.engs[b].iv.From) })
	width := max(5, len(strconv.Itoa(total)))
	space := 1
	for range width {
		space *= 10
	}
	gap := (space - 1 - total) / total // numbers stay below space
	num := 0
	for _, i := range order {
		num += 1 + g.r.IntN(gap+1)
		g.engs[i].number = fmt.Sprintf("%0*d", width, num)
	}
}
