package rules

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The rules' names; "rules/" and the name is a rule's provenance marker.
const (
	Leder     = "leder"
	Validity  = "validity"
	Elevation = "elevation"
	Coupling  = "coupling"
	Primary   = "primary"
)

// Order is the order a Set runs the rules in (see the package doc).
var Order = []string{Leder, Validity, Elevation, Coupling, Primary}

// Provenance returns the marker a rule writes on what it owns: the Source
// of the objects it creates, the PlacedBy or PrimaryBy of its decisions.
func Provenance(rule string) string { return "rules/" + rule }

// IsRuled reports whether a source or marker is one of the rules'.
func IsRuled(marker string) bool { return strings.HasPrefix(marker, "rules/") }

// Set is the configured rule set. It is safe for concurrent use: every
// Plan works on its own scratch state.
type Set struct {
	cfg Config
}

// New returns the rule set for the configuration, which it validates.
func New(cfg Config) (*Set, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Set{cfg: cfg.withDefaults()}, nil
}

// Result is what a run of the rules would change, and what they could not
// decide.
type Result struct {
	// Range are the days the rules decided; the history outside it is
	// left as it is.
	Range timeline.Interval `json:"range"`
	// Seq is the registration of the view the rules read; Apply refuses
	// the result once the model has moved past it.
	Seq uint64 `json:"seq"`
	// Changes take the model from the view the rules read to what they
	// want. Empty when the model already agrees.
	Changes *orgmodel.ChangeSet `json:"-"`
	// Changed counts the objects each rule wrote, by rule name.
	Changed map[string]int `json:"changed"`
	// By names the rule that wrote each changed object.
	By map[uuid.UUID]string `json:"-"`
	// Conflicts are what the rules could not decide, in the order found.
	Conflicts []Conflict `json:"conflicts"`
	// Unrelated are the payroll units with engagements and no relation to
	// an administrative unit, for the administrators' alert.
	Unrelated []Unrelated `json:"unrelated,omitempty"`
}

// Unrelated is a payroll unit Coupling found no administrative unit for.
type Unrelated struct {
	// Unit is the payroll unit.
	Unit uuid.UUID `json:"unit"`
	// Name is its name on the first day.
	Name string `json:"name"`
	// When are the days it has engagements and no relation.
	When []timeline.Interval `json:"when"`
}

// Plan runs every enabled rule over the whole model, deciding the days of
// r, and returns what would change. It fails only when the configuration
// names a unit the view does not have.
func (s *Set) Plan(v orgmodel.View, r timeline.Interval) (*Result, error) {
	return s.plan(v, r, nil)
}

// PlanPersons runs the rules a change to the persons can affect: their
// engagements' placements and primaries, their manager roles, the
// `_leder` units they are members of or whose parents they work in, and
// everything the rules change on the way (a new manager's engagement is
// placed in the same run). It is what an event handler calls.
func (s *Set) PlanPersons(v orgmodel.View, r timeline.Interval, persons []uuid.UUID) (*Result, error) {
	sc := make(map[uuid.UUID]bool, len(persons))
	for _, p := range persons {
		sc[p] = true
	}
	return s.plan(v, r, sc)
}

// run is the state of one Plan.
type run struct {
	cfg      Config
	w        *world
	names    *nameRule
	persons  map[uuid.UUID]bool // nil: everyone
	everyone []uuid.UUID        // a full run's persons, by id, once listed
	res      *Result
	payroll  uuid.UUID      // coupling's payroll root
	unknown  uuid.UUID      // coupling's unknown unit, or uuid.Nil
	last     map[string]int // conflict key → index, for merging
}

func (s *Set) plan(v orgmodel.View, r timeline.Interval, persons map[uuid.UUID]bool) (*Result, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("rules: range: %w", err)
	}
	ru := &run{
		cfg: s.cfg, w: newWorld(v, r), persons: persons,
		names: newNameRule(s.cfg.Leder.Suffix, s.cfg.Leder.IgnorePrefix, s.cfg.Leder.AdminMarker),
		res:   &Result{Range: r, Seq: v.Registration().Seq, Changed: make(map[string]int)},
		last:  make(map[string]int),
	}
	if c := s.cfg.Coupling; c.Enabled {
		var err error
		if ru.payroll, err = resolveUnit(v, "coupling.payroll_root", c.PayrollRoot); err != nil {
			return nil, err
		}
		if c.UnknownUnit != "" {
			if ru.unknown, err = resolveUnit(v, "coupling.unknown_unit", c.UnknownUnit); err != nil {
				return nil, err
			}
		}
	}
	if s.cfg.Leder.Enabled {
		ru.leder()
	}
	if s.cfg.Validity.Enabled {
		ru.validity()
	}
	if s.cfg.Elevation.Enabled {
		ru.elevation()
	}
	if s.cfg.Coupling.Enabled {
		ru.coupling()
	}
	if s.cfg.Primary.Enabled {
		ru.primary()
	}
	ru.res.Changes, ru.res.By = ru.w.changes()
	for _, rule := range ru.res.By {
		ru.res.Changed[rule]++
	}
	return ru.res, nil
}

// conflict records a conflict; one that continues the same conflict's
// days just before it extends that one, so a tie over a year is one
// conflict, not one per piece.
func (ru *run) conflict(c Conflict) {
	key := fmt.Sprint(c.Rule, c.Kind, c.Unit, c.Person, c.Objects, c.Detail)
	if i, ok := ru.last[key]; ok {
		if w := &ru.res.Conflicts[i].When; w.From <= c.When.To && c.When.From <= w.To {
			w.From, w.To = min(w.From, c.When.From), max(w.To, c.When.To)
			return
		}
	}
	ru.last[key] = len(ru.res.Conflicts)
	ru.res.Conflicts = append(ru.res.Conflicts, c)
}

// subjectPersons returns the persons a rule after Leder works on: everyone,
// or the persons in scope and those the rules have touched so far, by id.
func (ru *run) subjectPersons() []uuid.UUID {
	if ru.persons == nil && ru.everyone != nil {
		return ru.everyone // the same for every rule of a full run
	}
	var out []uuid.UUID
	if ru.persons == nil {
		for o := range ru.w.v.All(orgmodel.KindPerson) {
			out = append(out, o.ID)
		}
	} else {
		for p := range ru.persons {
			out = append(out, p)
		}
		for p := range ru.w.touched {
			if !ru.persons[p] {
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	if ru.persons == nil {
		ru.everyone = out
	}
	return out
}

// engagementsOf returns the person's engagements, as the run sees them.
func (ru *run) engagementsOf(person uuid.UUID) []orgmodel.Object {
	all := ru.w.pointing(person, orgmodel.KindEngagement)
	out := all[:0:0]
	for _, o := range all {
		for sp := range o.Timeline.All() {
			if sp.Value.(orgmodel.EngagementAttrs).Person == person {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// unitName returns a unit's name on day d, or its id.
func (ru *run) unitName(id uuid.UUID, d timeline.Date) string {
	if u, ok := ru.w.unitAt(id, d); ok {
		return fmt.Sprintf("%q", u.Name)
	}
	return id.String()
}

// personName names a person in a conflict by name, never by national id.
func (ru *run) personName(id uuid.UUID, d timeline.Date) string {
	o, ok := ru.w.object(id)
	if !ok {
		return id.String()
	}
	a, ok := o.Timeline.At(d)
	if !ok {
		if o.Timeline.IsEmpty() {
			return id.String()
		}
		a = o.Timeline.Span(o.Timeline.Len() - 1).Value
	}
	p := a.(orgmodel.PersonAttrs)
	name := strings.TrimSpace(p.GivenNames + " " + p.Surname)
	if o.UserKey != "" {
		return fmt.Sprintf("%s (%s)", name, o.UserKey)
	}
	return name
}

// maxDepth bounds walks up the unit tree: a deeper tree is a cycle in a
// model that was never validated.
const maxDepth = 1000

// ancestors returns the unit's ancestors on day d, parent first, and false
// if the walk found a cycle.
func (ru *run) ancestors(unit uuid.UUID, d timeline.Date) ([]uuid.UUID, bool) {
	var out []uuid.UUID
	for cur := unit; ; {
		u, ok := ru.w.unitAt(cur, d)
		if !ok || u.Parent == uuid.Nil {
			return out, true
		}
		if len(out) >= maxDepth || u.Parent == unit || slices.Contains(out, u.Parent) {
			return out, false
		}
		out = append(out, u.Parent)
		cur = u.Parent
	}
}

// unitsAbove returns the unit and every unit that is above it on some day
// of the range: the units whose changes (a new parent, a new name) can
// change what the rules decide for it.
func (ru *run) unitsAbove(unit uuid.UUID) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	var out []uuid.UUID
	for queue := []uuid.UUID{unit}; len(queue) > 0 && len(out) < maxDepth; {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
		if uo, ok := ru.w.object(u); ok {
			for sp := range uo.Timeline.Clip(ru.w.r).All() {
				if p := sp.Value.(orgmodel.UnitAttrs).Parent; p != uuid.Nil && !seen[p] {
					queue = append(queue, p)
				}
			}
		}
	}
	return out
}
