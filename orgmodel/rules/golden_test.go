package rules_test

// The golden tests run the scenarios of testdata/scenarios (the language
// is described in scenario_test.go) and compare the model the rules leave
// with what each scenario wants, drawing both so a reader sees the
// difference. Every scenario also asserts the rules' contract: the days
// before the range are untouched, a second run changes nothing and finds
// the same conflicts, and the conflicts found are exactly those listed.

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestGoldenScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in testdata/scenarios (%v)", err)
	}
	for _, f := range files {
		scs, err := parseScenarioFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range scs {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".txt")+"/"+sc.name, func(t *testing.T) {
				r, err := sc.run()
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range r.problems() {
					t.Error(p)
				}
			})
		}
	}
}

// A mismatch names the want line and draws what it wanted next to what
// the rules left, and an unlisted conflict is reported.
func TestGoldenMismatchIsDrawnSideBySide(t *testing.T) {
	scs, err := parseScenarios("x", `scenario: wrong on purpose
unit S Skole
unit L Skole_leder parent=S
person a Anna
eng 1 a S |..###>
assoc a L
want role S |aaaaa>`)
	if err != nil {
		t.Fatal(err)
	}
	r, err := scs[0].run()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(r.problems(), "\n")
	for _, want := range []string{"x:7: want role S", "want |aaaaa>", "got  |--aaa>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}

// The contract checks catch what they exist for: a change before the
// range, a run that does not settle, a wanted conflict that is not found.
func TestGoldenContractChecksCatchViolations(t *testing.T) {
	scs, err := parseScenarios("x", `scenario: broken on purpose
from: 3
unit S Skole
unit L Skole_leder parent=S
person a Anna
eng 1 a S |######>
assoc a L
want role S |...aaa>
want conflict tie L 0-∞`)
	if err != nil {
		t.Fatal(err)
	}
	r, err := scs[0].run()
	if err != nil {
		t.Fatal(err)
	}
	eng := scs[0].byAlias["1"]
	x, _ := eng.tl.At(scnDay(0))
	e := x.(orgmodel.EngagementAttrs)
	e.Fraction = 0.5
	cs := &orgmodel.ChangeSet{}
	cs.Set(eng.id, timeline.Between(scnDay(0), scnDay(1)), e)
	if _, err := r.m.Apply(ctx, cs, orgmodel.Registration{Time: scnRegTime.Add(2 * time.Hour), Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	r.again = r.res // a plan with changes stands for a run that does not settle
	got := strings.Join(r.problems(), "\n")
	for _, want := range []string{"the rules changed 1 before day 3", "a second run still changes", "- want conflict tie L 0-∞"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}

// scnRun is a scenario after the rules ran once and were applied, with a
// second plan, which the checks compare against the wants.
type scnRun struct {
	sc         *scenario
	m          *orgmodel.Model
	before     map[uuid.UUID]orgmodel.Object
	res, again *rules.Result
	names      map[uuid.UUID]string
	ids        *strings.Replacer
}

// run builds the model, plans from the scenario's first day, applies the
// plan and plans again. An error is a scenario the model refuses, or a
// plan it refuses, which is the rules' fault.
func (sc *scenario) run() (*scnRun, error) {
	m, err := sc.build()
	if err != nil {
		return nil, err
	}
	cfg, err := sc.config()
	if err != nil {
		return nil, err
	}
	set, err := rules.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", sc.pos, err)
	}
	r := &scnRun{sc: sc, m: m, before: scnSnapshot(m.Latest())}
	r.names, r.ids = r.naming(m.Latest())
	rng := timeline.Since(scnDay(sc.from))
	if r.res, err = set.Plan(m.Latest(), rng); err != nil {
		return nil, fmt.Errorf("%s: plan: %v", sc.pos, err)
	}
	if _, err := m.Apply(ctx, r.res.Changes, orgmodel.Registration{Time: scnRegTime.Add(time.Hour), Actor: "rules"}); err != nil {
		return nil, fmt.Errorf("%s: the model refuses the rules' changes: %v\n%s", sc.pos, r.ids.Replace(err.Error()), r.ids.Replace(r.res.Changes.String()))
	}
	r.names, r.ids = r.naming(m.Latest())
	if r.again, err = set.Plan(m.Latest(), rng); err != nil {
		return nil, fmt.Errorf("%s: second plan: %v", sc.pos, err)
	}
	return r, nil
}

// naming names every object for messages: the scenario's alias, else the
// user key the rules gave it, and a replacer that puts the names in place
// of ids in the rules' own texts.
func (r *scnRun) naming(v orgmodel.View) (map[uuid.UUID]string, *strings.Replacer) {
	names := map[uuid.UUID]string{}
	for _, k := range orgmodel.Kinds() {
		for o := range v.All(k) {
			names[o.ID] = cmp.Or(o.UserKey, o.ID.String())
		}
	}
	for _, o := range r.sc.objects {
		names[o.id] = o.alias
	}
	var pairs []string
	for id, n := range names {
		pairs = append(pairs, id.String(), n)
	}
	return names, strings.NewReplacer(pairs...)
}

// name returns an object's name for messages.
func (r *scnRun) name(id uuid.UUID) string {
	if n, ok := r.names[id]; ok {
		return n
	}
	return id.String()
}

// scnSnapshot copies every object of a view, to compare the days before
// the range after the run.
func scnSnapshot(v orgmodel.View) map[uuid.UUID]orgmodel.Object {
	out := map[uuid.UUID]orgmodel.Object{}
	for _, k := range orgmodel.Kinds() {
		for o := range v.All(k) {
			out[o.ID] = o
		}
	}
	return out
}

// problems lists every way the run differs from the scenario and from the
// rules' contract, each as a block a reader can act on.
func (r *scnRun) problems() []string {
	var out []string
	out = append(out, r.untouchedBeforeRange()...)
	out = append(out, r.settled()...)
	out = append(out, r.conflicts()...)
	out = append(out, r.unrelated()...)
	out = append(out, r.rolesChecked()...)
	for _, w := range r.sc.wants {
		var p string
		switch w.what {
		case "role", "level":
			p = r.checkRoles(w)
		case "eng", "placed", "primary":
			p = r.checkOne(w)
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// untouchedBeforeRange checks that no object changed before the range.
func (r *scnRun) untouchedBeforeRange() []string {
	early := timeline.Interval{From: timeline.Always.From, To: scnDay(r.sc.from)}
	after := scnSnapshot(r.m.Latest())
	ids := map[uuid.UUID]bool{}
	for id := range r.before {
		ids[id] = true
	}
	for id := range after {
		ids[id] = true
	}
	var out []string
	for id := range ids {
		b, a := r.before[id].Timeline.Clip(early), after[id].Timeline.Clip(early)
		if !b.Equal(a) {
			out = append(out, fmt.Sprintf("%s: the rules changed %s before day %d (from: %d):\n  before %s\n  after  %s",
				r.sc.pos, r.name(id), r.sc.from, r.sc.from, r.ids.Replace(b.String()), r.ids.Replace(a.String())))
		}
	}
	slices.Sort(out)
	return out
}

// settled checks that a second run changes nothing and finds the same
// conflicts: a settled model reports the same problems every run.
func (r *scnRun) settled() []string {
	var out []string
	if !r.again.Changes.IsEmpty() {
		out = append(out, fmt.Sprintf("%s: a second run still changes:\n%s", r.sc.pos, r.ops(r.again.Changes)))
	}
	first, second := r.conflictList(r.res), r.conflictList(r.again)
	if !slices.Equal(scnLongs(first), scnLongs(second)) {
		out = append(out, fmt.Sprintf("%s: a second run finds other conflicts:\n  first  %v\n  second %v", r.sc.pos, scnLongs(first), scnLongs(second)))
	}
	return out
}

// ops lists a change set's operations with the attributes they write and
// the objects as they are, by name, since ChangeSet.String leaves the
// attributes out.
func (r *scnRun) ops(cs *orgmodel.ChangeSet) string {
	var b strings.Builder
	seen := map[uuid.UUID]bool{}
	for _, op := range cs.Ops() {
		if o, ok := r.m.Latest().Object(op.ID); ok && !seen[op.ID] {
			seen[op.ID] = true
			fmt.Fprintf(&b, "  %s %s is now:\n", o.Kind, op.ID)
			for sp := range o.Timeline.All() {
				fmt.Fprintf(&b, "    %s %+v\n", sp.Interval, sp.Value)
			}
		}
		fmt.Fprintf(&b, "  %s", op)
		if op.Attrs != nil {
			fmt.Fprintf(&b, ": %+v", op.Attrs)
		}
		b.WriteByte('\n')
	}
	return r.ids.Replace(b.String())
}

// scnConflict is a conflict as a scenario writes it.
type scnConflict struct {
	short, long, detail string
}

// conflictList turns a result's conflicts into the scenario's words.
func (r *scnRun) conflictList(res *rules.Result) []scnConflict {
	var out []scnConflict
	for _, c := range res.Conflicts {
		subject := c.Unit
		if subject == uuid.Nil {
			subject = c.Person
		}
		short := fmt.Sprintf("%s %s %s", c.Kind, r.name(subject), scnSpan(c.When))
		var objs []string
		for _, o := range c.Objects {
			objs = append(objs, r.name(o))
		}
		slices.Sort(objs)
		out = append(out, scnConflict{short: short, long: short + " objects=" + strings.Join(objs, ","), detail: r.ids.Replace(c.String())})
	}
	slices.SortFunc(out, func(a, b scnConflict) int { return strings.Compare(a.long, b.long) })
	return out
}

// scnLongs lists conflicts with their objects, for comparing two runs.
func scnLongs(cs []scnConflict) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.long
	}
	return out
}

// conflicts checks that the conflicts found are exactly those wanted,
// compared by kind, subject and days (and objects, where a want lists
// them), and lists the missing and the unexpected ones.
func (r *scnRun) conflicts() []string {
	got := r.conflictList(r.res)
	used := make([]bool, len(got))
	var missing []string
	for _, w := range r.sc.wants {
		if w.what != "conflict" {
			continue
		}
		short := fmt.Sprintf("%s %s %s", w.kind, w.subject.alias, scnSpan(w.days[0]))
		long := ""
		if w.objects != nil {
			var objs []string
			for _, o := range w.objects {
				objs = append(objs, o.alias)
			}
			slices.Sort(objs)
			long = short + " objects=" + strings.Join(objs, ",")
		}
		i := slices.IndexFunc(got, func(c scnConflict) bool { return c.short == short && (long == "" || c.long == long) })
		for i >= 0 && used[i] {
			j := slices.IndexFunc(got[i+1:], func(c scnConflict) bool { return c.short == short && (long == "" || c.long == long) })
			if j < 0 {
				i = -1
				break
			}
			i += 1 + j
		}
		if i < 0 {
			missing = append(missing, fmt.Sprintf("  - %s   (%s)", w.text, w.pos))
			continue
		}
		used[i] = true
	}
	var unexpected []string
	for i, c := range got {
		if !used[i] {
			unexpected = append(unexpected, fmt.Sprintf("  + want conflict %s\n        %s", c.long, c.detail))
		}
	}
	if len(missing)+len(unexpected) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%s: conflicts differ (- wanted, not found; + found, not wanted):\n%s", r.sc.pos, strings.Join(append(missing, unexpected...), "\n"))}
}

// unrelated checks Coupling's unrelated payroll units against the wants.
func (r *scnRun) unrelated() []string {
	var want, got []string
	for _, w := range r.sc.wants {
		if w.what == "unrelated" {
			want = append(want, scnUnrelated(w.subject.alias, w.days))
		}
	}
	for _, u := range r.res.Unrelated {
		got = append(got, scnUnrelated(r.name(u.Unit), u.When))
	}
	slices.Sort(want)
	slices.Sort(got)
	if slices.Equal(want, got) {
		return nil
	}
	return []string{fmt.Sprintf("%s: unrelated payroll units differ:\n  want %q\n  got  %q", r.sc.pos, want, got)}
}

// scnUnrelated writes an unrelated unit as a want line does.
func scnUnrelated(unit string, days []timeline.Interval) string {
	s := unit
	for _, iv := range days {
		s += " " + scnSpan(iv)
	}
	return s
}

// rolesChecked checks that every role the rules wrote is over units the
// scenario states all roles of, so no rule can write a role unnoticed.
func (r *scnRun) rolesChecked() []string {
	checked := map[uuid.UUID]bool{}
	for _, w := range r.sc.wants {
		if w.what == "role" {
			checked[w.subject.id] = true
		}
	}
	var out []string
	for id := range r.res.By {
		o, _ := r.m.Latest().Object(id)
		if o.Kind != orgmodel.KindManager {
			continue
		}
		for _, tl := range []timeline.Timeline[orgmodel.Attrs]{r.before[id].Timeline, o.Timeline} {
			for sp := range tl.All() {
				if u := sp.Value.(orgmodel.ManagerAttrs).Unit; !checked[u] {
					checked[u] = true
					out = append(out, fmt.Sprintf("%s: the rules wrote role %s over %s; add want role %s lines", r.sc.pos, r.name(id), r.name(u), r.name(u)))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// scnDrawn is a value per day that can be drawn: at gives a day's
// character, ends the days after the last of which it stays the same, and
// width the columns a want line wrote (drawn at least that wide).
type scnDrawn struct {
	at    func(d int) byte
	ends  []int
	width int
	label string
}

// scnWanted is the drawing of a want line as a scnDrawn, so that wants and
// results are drawn alike.
func scnWanted(drawing string) scnDrawn {
	cells, open, _ := scnCells(drawing) // checked when parsed
	return scnDrawn{ends: []int{len(cells)}, width: len(cells), at: func(d int) byte {
		switch {
		case d < len(cells):
			return cells[d]
		case open:
			return cells[len(cells)-1]
		}
		return '.'
	}}
}

// scnEnds returns the days an object's values change on, as columns.
func scnEnds(o orgmodel.Object) []int {
	var out []int
	for _, e := range o.Timeline.Endpoints() {
		out = append(out, max(0, int(e-scnDay0)))
	}
	return out
}

// render draws the days before horizon and, if the value goes on, a '>'.
// The horizon must lie past every end, so the last day drawn stands for
// all later ones.
func (s scnDrawn) render(horizon int) string {
	b := make([]byte, horizon)
	for d := range b {
		b[d] = s.at(d)
	}
	if s.at(horizon) != '.' {
		return string(b) + ">"
	}
	return strings.TrimRight(string(b), ".")
}

// scnHorizon is the width to draw drawings that are compared with: past
// every change, so the last column stands for all later days, then as
// narrow as that allows but no narrower than a want line wrote.
func scnHorizon(ds ...scnDrawn) int {
	h, width := 0, 0
	for _, d := range ds {
		width = max(width, d.width)
		for _, e := range d.ends {
			h = max(h, e)
		}
	}
	h++ // now every drawing has the same value on days h-1 and after
	for h > max(width, 1) && !slices.ContainsFunc(ds, func(d scnDrawn) bool { return d.at(h-2) != d.at(h-1) }) {
		h--
	}
	return max(h, width)
}

// scnRuler numbers every fifth column above the drawings.
func scnRuler(width int) string {
	b := []byte(strings.Repeat(" ", width+1))
	for d := 0; d < width; d += 5 {
		copy(b[d:], fmt.Sprint(d))
	}
	return "|" + strings.TrimRight(string(b), " ")
}

// checkOne compares a drawn want about one engagement or person.
func (r *scnRun) checkOne(w scnWant) string {
	var got scnDrawn
	switch w.what {
	case "eng":
		got = r.engagement(w.subject.id, func(x orgmodel.EngagementAttrs) byte { return r.char(x.Unit) })
	case "placed":
		got = r.engagement(w.subject.id, scnPlacedBy)
	case "primary":
		got = r.primary(w.subject.id)
	}
	want := scnWanted(w.drawing)
	h := scnHorizon(want, got)
	if want.render(h) == got.render(h) {
		return ""
	}
	return fmt.Sprintf("%s: %s\n       %s\n  want %s\n  got  %s", w.pos, w.text, scnRuler(h), "|"+want.render(h), "|"+got.render(h))
}

// char is the one-character alias of a unit, person or engagement, for
// drawings of results.
func (r *scnRun) char(id uuid.UUID) byte {
	if n := r.name(id); len(n) == 1 {
		return n[0]
	}
	return '?'
}

// scnPlacedBy draws who placed an engagement.
func scnPlacedBy(x orgmodel.EngagementAttrs) byte {
	switch {
	case !x.Placed():
		return 's'
	case x.PlacedBy == "":
		return 'h'
	case x.PlacedBy == rules.Provenance(rules.Elevation):
		return 'e'
	case x.PlacedBy == rules.Provenance(rules.Coupling):
		return 'c'
	}
	return '?'
}

// engagement draws an engagement's attributes per day.
func (r *scnRun) engagement(id uuid.UUID, cell func(orgmodel.EngagementAttrs) byte) scnDrawn {
	o, _ := r.m.Latest().Object(id)
	return scnDrawn{ends: scnEnds(o), at: func(d int) byte {
		if a, ok := o.Timeline.At(scnDay(d)); ok {
			return cell(a.(orgmodel.EngagementAttrs))
		}
		return '.'
	}}
}

// primary draws which of a person's engagements is primary per day.
func (r *scnRun) primary(person uuid.UUID) scnDrawn {
	engs := r.m.Latest().PointingAt(person, orgmodel.KindEngagement)
	var ends []int
	for _, e := range engs {
		ends = append(ends, scnEnds(e)...)
	}
	return scnDrawn{ends: ends, at: func(d int) byte {
		c, on := byte('.'), 0
		for _, e := range engs {
			a, ok := e.Timeline.At(scnDay(d))
			if x, _ := a.(orgmodel.EngagementAttrs); !ok || x.Person != person {
				continue
			}
			on++
			switch x := a.(orgmodel.EngagementAttrs); {
			case !x.Primary && c == '.':
				c = '-'
			case x.Primary && (c == '.' || c == '-'):
				c = r.char(e.ID)
			case x.Primary:
				c = '*'
			}
		}
		if on == 0 {
			return '.'
		}
		return c
	}}
}

// checkRoles compares the roles over a unit with the want role (or want
// level) lines for it, as sets: each role is drawn over the days it is
// over the unit. All lines for the unit are checked by its first one.
func (r *scnRun) checkRoles(w scnWant) string {
	var wants []scnWant
	for _, o := range r.sc.wants {
		if o.what == w.what && o.subject == w.subject {
			wants = append(wants, o)
		}
	}
	if wants[0].pos != w.pos {
		return ""
	}
	var all []scnDrawn
	var want []scnDrawn
	for _, o := range wants {
		if !o.none {
			d := scnWanted(o.drawing)
			d.label = o.pos
			want = append(want, d)
			all = append(all, d)
		}
	}
	var got []scnDrawn
	for _, o := range r.m.Latest().PointingAt(w.subject.id, orgmodel.KindManager) {
		d := r.role(o, w.subject.id, w.legend)
		d.label = r.name(o.ID)
		if o.Source != "" {
			d.label += ", source " + o.Source
		}
		got = append(got, d)
		all = append(all, d)
	}
	h := scnHorizon(all...)
	ws, gs := scnRenders(want, h), scnRenders(got, h)
	if slices.Equal(scnSorted(ws), scnSorted(gs)) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: want %s %s (%d line(s)) differs from the %d role(s) over it:\n       %s", w.pos, w.what, w.subject.alias, len(want), len(got), scnRuler(h))
	for _, s := range ws {
		fmt.Fprintf(&b, "\n  want %s", s)
	}
	for _, s := range gs {
		fmt.Fprintf(&b, "\n  got  %s", s)
	}
	return b.String()
}

// scnRenders draws each with its label, for the side-by-side report.
func scnRenders(ds []scnDrawn, h int) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = "|" + d.render(h) + "   " + d.label
	}
	return out
}

// scnSorted returns the drawings without their labels, sorted, to compare
// as sets.
func scnSorted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i], _, _ = strings.Cut(s, "   ")
	}
	slices.Sort(out)
	return slices.DeleteFunc(out, func(s string) bool { return s == "|" })
}

// role draws a role on the days it is over the unit: by holder, or by
// level through a legend.
func (r *scnRun) role(o orgmodel.Object, unit uuid.UUID, legend map[string]byte) scnDrawn {
	return scnDrawn{ends: scnEnds(o), at: func(d int) byte {
		a, ok := o.Timeline.At(scnDay(d))
		if !ok || a.(orgmodel.ManagerAttrs).Unit != unit {
			return '.'
		}
		m := a.(orgmodel.ManagerAttrs)
		switch {
		case legend != nil:
			if c, ok := legend[m.Level]; ok {
				return c
			}
			return '?'
		case m.Vacant():
			return '-'
		}
		return r.char(m.Person)
	}}
}
