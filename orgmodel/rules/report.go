package rules

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// WriteText writes the result for a person to read: the counts, then each
// changed object with what it holds from when on, then the conflicts and
// the payroll units with no relation. Objects are named by kind, user key
// and name (units, persons), never by national id; at most limit objects
// are listed (0: all). v must be the view the result was planned on.
func (res *Result) WriteText(w io.Writer, v orgmodel.View, limit int) error {
	p := &printer{w: w, v: v}
	p.f("org rules from %s: %d operation(s) on %d object(s)", res.Range.From, res.Changes.Len(), len(res.By))
	for _, rule := range Order {
		if n := res.Changed[rule]; n > 0 {
			p.f(", %s %d", rule, n)
		}
	}
	p.f("; %d conflict(s)\n", len(res.Conflicts))
	ids := res.changedIDs()
	for i, id := range ids {
		if limit > 0 && i == limit {
			p.f("  … and %d more object(s)\n", len(ids)-limit)
			break
		}
		p.object(res, id)
	}
	if len(res.Conflicts) > 0 {
		p.f("conflicts:\n")
		for _, c := range res.sortedConflicts() {
			p.f("  %s\n", c)
		}
	}
	if len(res.Unrelated) > 0 {
		p.f("payroll units with engagements and no relation to an administrative unit:\n")
		for _, u := range res.Unrelated {
			var days []string
			for _, iv := range u.When {
				days = append(days, iv.String())
			}
			p.f("  %q (%s): %s\n", u.Name, u.Unit, strings.Join(days, ", "))
		}
	}
	return p.err
}

// changedIDs returns the changed objects in the order the change set
// names them.
func (res *Result) changedIDs() []uuid.UUID {
	var ids []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, op := range res.Changes.Ops() {
		if !seen[op.ID] {
			seen[op.ID] = true
			ids = append(ids, op.ID)
		}
	}
	return ids
}

type printer struct {
	w   io.Writer
	v   orgmodel.View
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// object prints one changed object: its new history on the days that
// changed.
func (p *printer) object(res *Result, id uuid.UUID) {
	have, _ := p.v.Object(id)
	want := have.Timeline
	var kind orgmodel.Kind
	key := have.UserKey
	for _, op := range res.Changes.Ops() {
		if op.ID != id {
			continue
		}
		switch op.Type {
		case orgmodel.OpCreate:
			want, kind, key = op.Object.Timeline, op.Object.Kind, op.Object.UserKey
		case orgmodel.OpSet:
			want = want.Set(op.Interval, op.Attrs)
		case orgmodel.OpClear:
			want = want.Clear(op.Interval)
		}
	}
	if kind == 0 {
		kind = have.Kind
	}
	p.f("  %s: %s %s\n", res.By[id], kind, key)
	for _, c := range timeline.Diff(have.Timeline, want) {
		if c.HasNew {
			p.f("    %s: %s\n", c.Interval, p.describe(c.New, c.From))
		} else {
			p.f("    %s: no longer valid\n", c.Interval)
		}
	}
}

// describe says what attributes mean for the rules, in words.
func (p *printer) describe(a orgmodel.Attrs, d timeline.Date) string {
	g := p.v.At(d)
	unit := func(id uuid.UUID) string {
		if u, ok := g.Unit(id); ok {
			return fmt.Sprintf("%q", u.Name)
		}
		return id.String()
	}
	person := func(id uuid.UUID) string {
		if q, ok := g.Person(id); ok {
			return strings.TrimSpace(q.GivenNames + " " + q.Surname)
		}
		return id.String()
	}
	switch x := a.(type) {
	case orgmodel.EngagementAttrs:
		var parts []string
		if x.Placed() {
			by := x.PlacedBy
			if by == "" {
				by = "hand"
			}
			parts = append(parts, fmt.Sprintf("%s in %s (payroll: %s, placed by %s)", person(x.Person), unit(x.Unit), unit(x.SourceUnit), by))
		} else {
			parts = append(parts, fmt.Sprintf("%s in %s", person(x.Person), unit(x.Unit)))
		}
		if x.Primary {
			parts = append(parts, "primary")
		} else {
			parts = append(parts, "not primary")
		}
		return strings.Join(parts, ", ")
	case orgmodel.ManagerAttrs:
		holder := "vacant"
		if !x.Vacant() {
			holder = person(x.Person)
		}
		s := fmt.Sprintf("manager of %s: %s", unit(x.Unit), holder)
		if x.Level != "" {
			s += ", " + x.Level
		}
		return s
	}
	return fmt.Sprintf("%v", a)
}

// sortedConflicts returns the conflicts by rule order, then as found.
func (res *Result) sortedConflicts() []Conflict {
	out := slices.Clone(res.Conflicts)
	slices.SortStableFunc(out, func(a, b Conflict) int { return slices.Index(Order, a.Rule) - slices.Index(Order, b.Rule) })
	return out
}
