package rules_test

// The golden scenarios are written in a small language meant to be read
// by a municipality's administrator: an org's history drawn as ASCII
// timelines, one column per day from day 0 (2026-01-01). This file reads
// it and builds the model a scenario describes; golden_test.go runs the
// rules and compares. A file holds one or more scenarios:
//
//	scenario: the latest start in the parent wins   # starts a scenario
//	config: leder.choose=latest-start leder.vacant=end   # rules.Config by YAML key
//	from: 3                          # the rules decide from day 3 on (default 0)
//	unit K Kommune                   |##########>
//	unit S Skole level=NY1 parent=K  |##########>
//	unit L Skole_leder parent=S      |##########>
//	person a Anna
//	eng 1 a S no=00001 fraction=0.5  |..########>
//	assoc a L                        |..########>
//	role r1 S eng=1                  |aaaa------>
//	rel S A                          |######>
//	want role S                      |bbaaaaaaaa>
//	want conflict tie L 3-5 objects=1,2
//
// A drawing follows a '|': a character per day, '.' for a day without a
// value, and a trailing '>' for a last value that never ends. What a
// character means depends on the line:
//
//   - unit: '#' is the unit with its parent= (or as a root), a unit's
//     alias is the unit under that parent on that day.
//   - eng: '#' is the engagement in its unit, a unit's alias the
//     engagement in that unit on that day.
//   - role: a person's alias is the holder, '-' a vacant role. eng=N links
//     engagement N on the days its person holds the role.
//   - person, assoc, rel: '#' is valid. A line without a drawing is valid
//     from day 0 on.
//
// Units, persons and engagements have one-character aliases (they are
// drawn); roles may have longer ones. Aliases are unique in a scenario
// and become the objects' user keys, so configuration such as
// coupling.payroll_root=P names a unit by its alias. A line repeating an
// alias adds days to the same object (a unit renamed, a role whose level
// changes). Objects get ids in the order declared, so "the lowest id"
// (the rules' last tie-break) is the one declared first. Objects have no
// source (made by hand) unless the line says source=sd.
//
// Options by line: unit [parent= level= type= source=] and a name of
// one or more words; person with a name [source=]; eng PERSON UNIT [no=
// fraction= (default 1) type= job= primary primaryby= sourceunit=
// placedby= source=]; assoc PERSON UNIT [type= source=]; role UNIT [eng=
// level= type= resp=a,b source= leder=]; rel UNIT UNIT [source=]. A role
// with leder=L is one an earlier run of Leder wrote for the _leder unit L
// (leder=L/grandparent: its led-adm role), with the rule's id and source,
// so a scenario can start from what the rules decided before. Config values
// are written without spaces: lists comma-separated, "" for the empty
// string (validity.adopt="" adopts roles made by hand), maps as
// k:v,k:v (leder.levels=NY1:Niveau1). Any coupling key switches coupling on.
//
// The want lines say what the model holds after the rules ran:
//
//   - want role S |...   every role over S, a line each, matched as a set
//     (drawn like a role line); "want role S none" says there is none.
//   - want level S A=Niveau1 B=Niveau2 |...   the roles over S drawn by
//     their manager level through the legend ('-' no level), as a set.
//   - want eng 1 |...   the engagement's unit per day.
//   - want placed 1 |...   who placed it per day: s the source (payroll),
//     h by hand, e Elevation, c Coupling.
//   - want primary a |...   which engagement of a is primary per day: '-'
//     none, '*' several, '.' no engagement.
//   - want conflict KIND SUBJECT DAYS [objects=1,2]   KIND as
//     rules.ConflictKind names it, SUBJECT the unit (or, for conflicts
//     about a person, the person), DAYS "3-5" (5 exclusive) or "3-∞".
//   - want unrelated UNIT DAYS...   a payroll unit Coupling found no
//     relation for.
//
// Conflicts and unrelated units are compared exactly: a scenario lists
// all of them. Every role the rules wrote must be checked by a want role
// line for its unit.

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// scnDay0 is the day drawn in the first column.
var scnDay0 = timeline.MustDate(2026, time.January, 1)

// scnDay turns a column into a date.
func scnDay(n int) timeline.Date { return scnDay0 + timeline.Date(n) }

// scenario is one parsed scenario: the model it describes, the
// configuration and the wants.
type scenario struct {
	name, pos string
	lines     []scnLine
	settings  []scnSetting
	from      int
	objects   []*scnObject
	byAlias   map[string]*scnObject
	wants     []scnWant
}

// scnSetting is one key=value of a config: line, kept with its position
// so a bad setting is reported where it is written.
type scnSetting struct{ pos, key, val string }

// scnObject is one object of the model being built, with the alias the
// scenario knows it by.
type scnObject struct {
	alias, pos, source string
	kind               orgmodel.Kind
	id                 uuid.UUID
	spans              []timeline.Span[orgmodel.Attrs]
	tl                 timeline.Timeline[orgmodel.Attrs]
}

// scnWant is one want line, resolved against the scenario's aliases so
// that a typo fails at parsing rather than as a puzzling mismatch.
type scnWant struct {
	pos, text string
	what      string // role, level, eng, placed, primary, conflict, unrelated
	subject   *scnObject
	drawing   string
	none      bool            // want role S none
	legend    map[string]byte // level → character, for want level
	kind      string          // the conflict kind's name
	days      []timeline.Interval
	objects   []*scnObject // for want conflict; nil: not compared
}

// scnLine is one line split into words and its drawing, so every kind of
// line shares the tokenising and reports errors at its position.
type scnLine struct {
	pos     string
	words   []string
	drawing string
	drawn   bool
}

// errorf makes an error that points at the line.
func (l scnLine) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", l.pos, fmt.Sprintf(format, args...))
}

// scnTokenise splits a line into words, the drawing after '|' and a
// trailing '#' comment (a '#' starting a word), which is dropped. A drawing
// is one word, so only a comment may follow it.
func scnTokenise(pos, s string) (scnLine, error) {
	l := scnLine{pos: pos}
	for {
		s = strings.TrimLeft(s, " \t\r")
		switch {
		case s == "" || s[0] == '#':
			return l, nil
		case s[0] == '|':
			end := strings.IndexAny(s, " \t\r")
			if end < 0 {
				end = len(s)
			}
			l.drawing, l.drawn = s[1:end], true
			if rest := strings.TrimSpace(s[end:]); rest != "" && rest[0] != '#' {
				return l, l.errorf("only a # comment may follow the drawing, not %q", rest)
			}
			return l, nil
		}
		end := strings.IndexAny(s, " \t\r|")
		if end < 0 {
			end = len(s)
		}
		l.words = append(l.words, s[:end])
		s = s[end:]
	}
}

// parseScenarioFile reads every scenario in a file.
func parseScenarioFile(path string) ([]*scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseScenarios(filepath.Base(path), string(data))
}

// parseScenarios reads the scenarios of a text; name is used in positions.
// It is separate from parseScenarioFile so tests of the language itself
// can parse text written inline.
func parseScenarios(name, text string) ([]*scenario, error) {
	var out []*scenario
	var cur *scenario
	for i, raw := range strings.Split(text, "\n") {
		l, err := scnTokenise(fmt.Sprintf("%s:%d", name, i+1), raw)
		switch {
		case err != nil:
			return nil, err
		case len(l.words) == 0 && l.drawn:
			return nil, l.errorf("a drawing needs a line to belong to")
		case len(l.words) == 0:
			continue
		case l.words[0] == "scenario:":
			cur = &scenario{name: strings.Join(l.words[1:], " "), pos: l.pos, byAlias: map[string]*scnObject{}}
			if cur.name == "" {
				return nil, l.errorf("a scenario needs a title")
			}
			out = append(out, cur)
		case cur == nil:
			return nil, l.errorf("%q before the first scenario: line", l.words[0])
		default:
			cur.lines = append(cur.lines, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no scenario", name)
	}
	for _, sc := range out {
		if err := sc.parse(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parse reads a scenario's lines: settings and objects in order (an
// object refers only to those above it), then the wants, which may name
// any object.
func (sc *scenario) parse() error {
	var wants []scnLine
	for _, l := range sc.lines {
		var err error
		switch l.words[0] {
		case "config:":
			for _, w := range l.words[1:] {
				k, v, ok := strings.Cut(w, "=")
				if !ok {
					return l.errorf("%q is not key=value", w)
				}
				sc.settings = append(sc.settings, scnSetting{l.pos, k, v})
			}
		case "from:":
			if len(l.words) != 2 {
				return l.errorf("from: takes one day")
			}
			if sc.from, err = strconv.Atoi(l.words[1]); err != nil || sc.from < 0 {
				return l.errorf("from: %q is not a day", l.words[1])
			}
		case "want":
			wants = append(wants, l)
		case "unit", "person", "eng", "assoc", "role", "rel":
			err = sc.object(l)
		default:
			err = l.errorf("unknown line %q", l.words[0])
		}
		if err != nil {
			return err
		}
	}
	for _, o := range sc.objects {
		tl, err := timeline.New(o.spans...)
		if err != nil {
			return fmt.Errorf("%s: %s's lines overlap: %v", o.pos, o.alias, err)
		}
		o.tl = tl
	}
	for _, l := range wants {
		w, err := sc.want(l)
		if err != nil {
			return err
		}
		sc.wants = append(sc.wants, w)
	}
	return nil
}

// scnArgs splits the words after a line's positional ones into options and
// bare words, refusing options the line does not know, so a misspelt
// option fails instead of being ignored.
func scnArgs(l scnLine, words []string, keys ...string) (map[string]string, []string, error) {
	opts := map[string]string{}
	var bare []string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		switch {
		case !ok:
			bare = append(bare, w)
		case !slices.Contains(keys, k):
			return nil, nil, l.errorf("%s does not take %s= (it takes %v)", l.words[0], k, keys)
		default:
			opts[k] = v
		}
	}
	return opts, bare, nil
}

// ref resolves an alias to an object of the kind, for the lines that
// point at other objects.
func (sc *scenario) ref(l scnLine, alias string, k orgmodel.Kind) (*scnObject, error) {
	o, ok := sc.byAlias[alias]
	switch {
	case !ok:
		return nil, l.errorf("no %s %q above this line", k, alias)
	case o.kind != k:
		return nil, l.errorf("%q is a %s, not a %s", alias, o.kind, k)
	}
	return o, nil
}

// declare returns the object an alias names, making it if this is its
// first line; a repeated alias adds days to the same object.
func (sc *scenario) declare(l scnLine, alias string, k orgmodel.Kind, drawn bool, source string) (*scnObject, error) {
	if o, ok := sc.byAlias[alias]; ok {
		if o.kind != k {
			return nil, l.errorf("%q is already a %s", alias, o.kind)
		}
		return o, nil
	}
	if drawn && (len(alias) != 1 || strings.ContainsAny(alias, ".-#>*?|")) {
		return nil, l.errorf("a %s's alias is drawn, so it must be one character other than . - # > * ? |, not %q", k, alias)
	}
	n := len(sc.objects) + 1
	o := &scnObject{alias: alias, pos: l.pos, kind: k, source: source,
		id: uuid.UUID{0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, byte(n >> 8), byte(n)}}
	sc.objects = append(sc.objects, o)
	sc.byAlias[alias] = o
	return o, nil
}

// scnPositional checks a line's count of positional words, so a missing
// alias is not silently read as a name.
func scnPositional(l scnLine, n int, usage string) error {
	if len(l.words) < n+1 {
		return l.errorf("usage: %s", usage)
	}
	return nil
}

// object reads one object line.
func (sc *scenario) object(l scnLine) error {
	drawing := l.drawing
	if !l.drawn {
		drawing = "#>"
	}
	switch l.words[0] {
	case "unit":
		return sc.unit(l, drawing)
	case "person":
		if err := scnPositional(l, 2, "person ALIAS NAME [source=S]"); err != nil {
			return err
		}
		opts, name, err := scnArgs(l, l.words[2:], "source")
		if err != nil {
			return err
		}
		attrs := orgmodel.PersonAttrs{GivenNames: strings.Join(name, " ")}
		return sc.add(l, l.words[1], orgmodel.KindPerson, true, opts["source"], drawing, func(_ int, c byte) (orgmodel.Attrs, error) {
			return attrs, scnHash(l, c)
		})
	case "eng":
		return sc.engagement(l, drawing)
	case "assoc":
		if err := scnPositional(l, 2, "assoc PERSON UNIT [type=T] [source=S]"); err != nil {
			return err
		}
		return sc.plain(l, drawing, "type", func(a, b *scnObject, opts map[string]string) (orgmodel.Attrs, error) {
			if a.kind != orgmodel.KindPerson || b.kind != orgmodel.KindUnit {
				return nil, l.errorf("assoc takes a person and a unit")
			}
			return orgmodel.AssociationAttrs{Person: a.id, Unit: b.id, Type: opts["type"]}, nil
		})
	case "rel":
		if err := scnPositional(l, 2, "rel UNIT UNIT [source=S]"); err != nil {
			return err
		}
		return sc.plain(l, drawing, "", func(a, b *scnObject, _ map[string]string) (orgmodel.Attrs, error) {
			if a.kind != orgmodel.KindUnit || b.kind != orgmodel.KindUnit {
				return nil, l.errorf("rel takes two units")
			}
			return orgmodel.RelatedUnitsAttrs{Units: [2]uuid.UUID{a.id, b.id}}, nil
		})
	}
	return sc.role(l, drawing)
}

// scnHash accepts only '#' in drawings of objects that are simply valid.
func scnHash(l scnLine, c byte) error {
	if c != '#' {
		return l.errorf("draw this line with # (valid) and . (not), not %q", c)
	}
	return nil
}

// plain reads the lines of objects between two others that are simply
// valid (assoc, rel); they have no alias of their own.
func (sc *scenario) plain(l scnLine, drawing, key string, between func(a, b *scnObject, opts map[string]string) (orgmodel.Attrs, error)) error {
	keys := []string{"source"}
	if key != "" {
		keys = append(keys, key)
	}
	opts, bare, err := scnArgs(l, l.words[3:], keys...)
	if err != nil {
		return err
	}
	if len(bare) > 0 {
		return l.errorf("unexpected %q", bare)
	}
	a, okA := sc.byAlias[l.words[1]]
	b, okB := sc.byAlias[l.words[2]]
	if !okA || !okB {
		return l.errorf("%s names %q and %q; declare them above", l.words[0], l.words[1], l.words[2])
	}
	attrs, err := between(a, b, opts)
	if err != nil {
		return err
	}
	alias := fmt.Sprintf("%s#%d", l.words[0], len(sc.objects)+1)
	return sc.add(l, alias, attrs.Kind(), false, opts["source"], drawing, func(_ int, c byte) (orgmodel.Attrs, error) {
		return attrs, scnHash(l, c)
	})
}

// unit reads a unit line: its name, its default parent and level.
func (sc *scenario) unit(l scnLine, drawing string) error {
	if err := scnPositional(l, 2, "unit ALIAS NAME [parent=P] [level=L] [type=T] [source=S]"); err != nil {
		return err
	}
	opts, name, err := scnArgs(l, l.words[2:], "parent", "level", "type", "source")
	if err != nil {
		return err
	}
	attrs := orgmodel.UnitAttrs{Name: strings.Join(name, " "), Level: opts["level"], Type: opts["type"]}
	if p, ok := opts["parent"]; ok {
		po, err := sc.ref(l, p, orgmodel.KindUnit)
		if err != nil {
			return err
		}
		attrs.Parent = po.id
	}
	return sc.add(l, l.words[1], orgmodel.KindUnit, true, opts["source"], drawing, func(_ int, c byte) (orgmodel.Attrs, error) {
		a := attrs
		if c != '#' {
			p, err := sc.ref(l, string(c), orgmodel.KindUnit)
			if err != nil {
				return nil, err
			}
			a.Parent = p.id
		}
		return a, nil
	})
}

// engagement reads an eng line: its person, default unit and attributes.
func (sc *scenario) engagement(l scnLine, drawing string) error {
	if err := scnPositional(l, 3, "eng ALIAS PERSON UNIT [no=N] [fraction=F] [type=T] [job=J] [primary] [primaryby=R] [sourceunit=U] [placedby=R] [source=S]"); err != nil {
		return err
	}
	opts, flags, err := scnArgs(l, l.words[4:], "no", "fraction", "type", "job", "primaryby", "sourceunit", "placedby", "source")
	if err != nil {
		return err
	}
	if len(flags) > 1 || (len(flags) == 1 && flags[0] != "primary") {
		return l.errorf("eng knows only the flag primary, not %q", flags)
	}
	p, err := sc.ref(l, l.words[2], orgmodel.KindPerson)
	if err != nil {
		return err
	}
	u, err := sc.ref(l, l.words[3], orgmodel.KindUnit)
	if err != nil {
		return err
	}
	attrs := orgmodel.EngagementAttrs{Person: p.id, Unit: u.id, EmploymentNumber: opts["no"], Type: opts["type"], JobFunction: opts["job"],
		Fraction: 1, Primary: len(flags) == 1, PrimaryBy: opts["primaryby"], PlacedBy: opts["placedby"]}
	if f, ok := opts["fraction"]; ok {
		if attrs.Fraction, err = strconv.ParseFloat(f, 64); err != nil {
			return l.errorf("fraction=%q is not a number", f)
		}
	}
	if s, ok := opts["sourceunit"]; ok {
		so, err := sc.ref(l, s, orgmodel.KindUnit)
		if err != nil {
			return err
		}
		attrs.SourceUnit = so.id
	}
	return sc.add(l, l.words[1], orgmodel.KindEngagement, true, opts["source"], drawing, func(_ int, c byte) (orgmodel.Attrs, error) {
		a := attrs
		if c != '#' {
			uo, err := sc.ref(l, string(c), orgmodel.KindUnit)
			if err != nil {
				return nil, err
			}
			a.Unit = uo.id
		}
		return a, nil
	})
}

// role reads a role line: holders per day, and the engagement link on the
// days the linked engagement's person holds the role.
func (sc *scenario) role(l scnLine, drawing string) error {
	if err := scnPositional(l, 2, "role ALIAS UNIT [eng=N] [level=L] [type=T] [resp=a,b] [source=S] [leder=L or L/grandparent]"); err != nil {
		return err
	}
	opts, bare, err := scnArgs(l, l.words[3:], "eng", "level", "type", "resp", "source", "leder")
	if err != nil {
		return err
	}
	if len(bare) > 0 {
		return l.errorf("unexpected %q", bare)
	}
	u, err := sc.ref(l, l.words[2], orgmodel.KindUnit)
	if err != nil {
		return err
	}
	var eng *scnObject
	if e, ok := opts["eng"]; ok {
		if eng, err = sc.ref(l, e, orgmodel.KindEngagement); err != nil {
			return err
		}
	}
	attrs := orgmodel.ManagerAttrs{Unit: u.id, Level: opts["level"], Type: opts["type"], Responsibilities: orgmodel.NewKeys(scnList(opts["resp"])...)}
	if err := sc.lederRole(l, l.words[1], opts); err != nil {
		return err
	}
	return sc.add(l, l.words[1], orgmodel.KindManager, false, opts["source"], drawing, func(d int, c byte) (orgmodel.Attrs, error) {
		a := attrs
		if c == '-' {
			return a, nil
		}
		p, err := sc.ref(l, string(c), orgmodel.KindPerson)
		if err != nil {
			return nil, err
		}
		a.Person = p.id
		if eng != nil {
			for _, sp := range eng.spans {
				if x := sp.Value.(orgmodel.EngagementAttrs); sp.Contains(scnDay(d)) && x.Person == p.id {
					a.Engagement = eng.id
				}
			}
		}
		return a, nil
	})
}

// lederRole declares a role as one an earlier run of Leder wrote for a
// _leder unit (leder=L, or leder=L/grandparent for the led-adm role): its
// id and source are the rule's, so a scenario can start from what the
// rules decided before and show what they do when the org changes.
func (sc *scenario) lederRole(l scnLine, alias string, opts map[string]string) error {
	ref, ok := opts["leder"]
	if !ok {
		return nil
	}
	if _, declared := sc.byAlias[alias]; declared {
		return l.errorf("leder= belongs on a role's first line")
	}
	unit, slot, _ := strings.Cut(ref, "/")
	lo, err := sc.ref(l, unit, orgmodel.KindUnit)
	if err != nil {
		return err
	}
	if slot != "" && slot != "grandparent" {
		return l.errorf("leder=%s: the slot is L or L/grandparent", ref)
	}
	o, err := sc.declare(l, alias, orgmodel.KindManager, false, rules.Provenance(rules.Leder))
	if err != nil {
		return err
	}
	o.id = rules.LederRoleID(lo.id, slot != "")
	return nil
}

// add declares an object (or finds it) and adds the days of a drawing,
// with cell giving a day's attributes from its character.
func (sc *scenario) add(l scnLine, alias string, k orgmodel.Kind, drawn bool, source, drawing string, cell func(d int, c byte) (orgmodel.Attrs, error)) error {
	cells, open, err := scnCells(drawing)
	if err != nil {
		return l.errorf("%v", err)
	}
	o, err := sc.declare(l, alias, k, drawn, source)
	if err != nil {
		return err
	}
	for d, c := range cells {
		if c == '.' {
			continue
		}
		a, err := cell(d, c)
		if err != nil {
			return err
		}
		to := scnDay(d + 1)
		if open && d == len(cells)-1 {
			to = timeline.Open
		}
		o.spans = append(o.spans, timeline.Span[orgmodel.Attrs]{Interval: timeline.Between(scnDay(d), to), Value: a})
	}
	return nil
}

// scnCells reads a drawing into its days and whether the last value goes
// on for ever; it is shared by the object lines and the wants.
func scnCells(drawing string) ([]byte, bool, error) {
	cells, open := []byte(strings.TrimSuffix(drawing, ">")), strings.HasSuffix(drawing, ">")
	for _, c := range cells {
		if c <= ' ' || c > '~' || c == '>' || c == '|' {
			return nil, false, fmt.Errorf("drawing %q: %q is not a drawing character", drawing, c)
		}
	}
	if open && (len(cells) == 0 || cells[len(cells)-1] == '.') {
		return nil, false, fmt.Errorf("drawing %q: '>' must follow a value", drawing)
	}
	return cells, open, nil
}

// scnList splits a comma-separated config or option value; "" is the
// empty string, so a list can name "no source" (made by hand).
func scnList(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.Split(s, ",")
	for i, x := range out {
		if x == `""` {
			out[i] = ""
		}
	}
	return out
}

// want reads a want line.
func (sc *scenario) want(l scnLine) (scnWant, error) {
	w := scnWant{pos: l.pos, text: strings.Join(l.words, " ")}
	if l.drawn {
		w.text += " |" + l.drawing
	}
	if len(l.words) < 3 {
		return w, l.errorf("usage: want WHAT SUBJECT ...")
	}
	w.what = l.words[1]
	kinds := map[string]orgmodel.Kind{"role": orgmodel.KindUnit, "level": orgmodel.KindUnit, "eng": orgmodel.KindEngagement,
		"placed": orgmodel.KindEngagement, "primary": orgmodel.KindPerson, "unrelated": orgmodel.KindUnit}
	if w.what == "conflict" {
		return sc.wantConflict(l, w)
	}
	k, ok := kinds[w.what]
	if !ok {
		return w, l.errorf("want %q: want role, level, eng, placed, primary, conflict or unrelated", w.what)
	}
	var err error
	if w.subject, err = sc.ref(l, l.words[2], k); err != nil {
		return w, err
	}
	rest := l.words[3:]
	switch {
	case w.what == "unrelated":
		if l.drawn || len(rest) == 0 {
			return w, l.errorf("usage: want unrelated UNIT DAYS...")
		}
		for _, s := range rest {
			iv, err := scnDays(s)
			if err != nil {
				return w, l.errorf("%v", err)
			}
			w.days = append(w.days, iv)
		}
		return w, nil
	case w.what == "role" && !l.drawn && len(rest) == 1 && rest[0] == "none":
		w.none = true
		return w, nil
	case w.what == "level":
		w.legend = map[string]byte{"": '-'}
		for _, s := range rest {
			c, level, ok := strings.Cut(s, "=")
			if !ok || len(c) != 1 {
				return w, l.errorf("a level legend is C=LEVEL, not %q", s)
			}
			w.legend[level] = c[0]
		}
	case len(rest) > 0:
		return w, l.errorf("unexpected %q", rest)
	}
	if !l.drawn {
		return w, l.errorf("want %s needs a drawing", w.what)
	}
	w.drawing = l.drawing
	_, _, err = scnCells(w.drawing)
	if err != nil {
		return w, l.errorf("%v", err)
	}
	return w, nil
}

// wantConflict reads "want conflict KIND SUBJECT DAYS [objects=...]".
func (sc *scenario) wantConflict(l scnLine, w scnWant) (scnWant, error) {
	if len(l.words) < 5 || l.drawn {
		return w, l.errorf("usage: want conflict KIND SUBJECT DAYS [objects=A,B]")
	}
	w.kind = l.words[2]
	if !slices.Contains(scnConflictKinds(), w.kind) {
		return w, l.errorf("conflict kind %q is not one of %v", w.kind, scnConflictKinds())
	}
	s, ok := sc.byAlias[l.words[3]]
	if !ok {
		return w, l.errorf("no unit or person %q", l.words[3])
	}
	w.subject = s
	iv, err := scnDays(l.words[4])
	if err != nil {
		return w, l.errorf("%v", err)
	}
	w.days = []timeline.Interval{iv}
	opts, bare, err := scnArgs(l, l.words[5:], "objects")
	if err != nil {
		return w, err
	}
	if len(bare) > 0 {
		return w, l.errorf("unexpected %q", bare)
	}
	if objs, ok := opts["objects"]; ok {
		w.objects = []*scnObject{}
		for _, a := range scnList(objs) {
			o, ok := sc.byAlias[a]
			if !ok {
				return w, l.errorf("no object %q", a)
			}
			w.objects = append(w.objects, o)
		}
	}
	return w, nil
}

// scnConflictKinds lists the conflict kinds' stable names, read from the
// package so the language follows it.
func scnConflictKinds() []string {
	var out []string
	for k := rules.ConflictKind(1); k < 64; k++ {
		if s := k.String(); !strings.HasPrefix(s, "ConflictKind(") {
			out = append(out, s)
		}
	}
	return out
}

// scnDays reads "3-5" (days 3 and 4) or "3-∞".
func scnDays(s string) (timeline.Interval, error) {
	a, b, ok := strings.Cut(s, "-")
	from, err := strconv.Atoi(a)
	if !ok || err != nil || from < 0 {
		return timeline.Interval{}, fmt.Errorf("days %q are not FROM-TO or FROM-∞", s)
	}
	if b == "∞" {
		return timeline.Since(scnDay(from)), nil
	}
	to, err := strconv.Atoi(b)
	if err != nil || to <= from {
		return timeline.Interval{}, fmt.Errorf("days %q are not FROM-TO (TO exclusive, after FROM) or FROM-∞", s)
	}
	return timeline.Between(scnDay(from), scnDay(to)), nil
}

// scnSpan formats days as scnDays reads them.
func scnSpan(iv timeline.Interval) string {
	if iv.To == timeline.Open {
		return fmt.Sprintf("%d-∞", iv.From-scnDay0)
	}
	return fmt.Sprintf("%d-%d", iv.From-scnDay0, iv.To-scnDay0)
}

// config is rules.DefaultConfig with the scenario's settings applied by
// their YAML keys, so a scenario names settings as a configuration file
// does. Any coupling key switches Coupling on: it cannot run without its
// payroll root, so a scenario that sets one means to run it.
func (sc *scenario) config() (rules.Config, error) {
	cfg := rules.DefaultConfig()
	for _, s := range sc.settings {
		if strings.HasPrefix(s.key, "coupling.") {
			cfg.Coupling.Enabled = true
		}
	}
	for _, s := range sc.settings {
		if err := scnSet(reflect.ValueOf(&cfg).Elem(), s.key, s.val); err != nil {
			return cfg, fmt.Errorf("%s: config %s: %w", s.pos, s.key, err)
		}
	}
	return cfg, nil
}

// scnSet sets the field a dotted YAML key names.
func scnSet(v reflect.Value, key, val string) error {
	for _, part := range strings.Split(key, ".") {
		if v.Kind() != reflect.Struct {
			return fmt.Errorf("%q is a setting, not a section", part)
		}
		f, ok := scnField(v, part)
		if !ok {
			return fmt.Errorf("no setting %q", part)
		}
		v = f
	}
	switch {
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case v.Kind() == reflect.String:
		v.SetString(strings.Join(scnList(val), ","))
	case v.Type() == reflect.TypeFor[[]string]():
		v.Set(reflect.ValueOf(scnList(val)))
	case v.Type() == reflect.TypeFor[map[string]string]():
		m := map[string]string{}
		for _, kv := range scnList(val) {
			k, x, ok := strings.Cut(kv, ":")
			if !ok {
				return fmt.Errorf("%q is not key:value", kv)
			}
			m[k] = x
		}
		v.Set(reflect.ValueOf(m))
	default:
		return fmt.Errorf("is a section, not a setting")
	}
	return nil
}

// scnField finds a struct field by its YAML name.
func scnField(v reflect.Value, name string) (reflect.Value, bool) {
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// build makes the model the scenario describes, in one registration.
func (sc *scenario) build() (*orgmodel.Model, error) {
	m := orgmodel.New(orgmodel.Options{})
	cs := &orgmodel.ChangeSet{}
	for _, o := range sc.objects {
		cs.Create(orgmodel.Object{ID: o.id, Kind: o.kind, UserKey: o.alias, Source: o.source, Timeline: o.tl})
	}
	if _, err := m.Apply(ctx, cs, orgmodel.Registration{Time: scnRegTime, Actor: "scenario"}); err != nil {
		return nil, fmt.Errorf("%s: the model refuses the scenario: %v", sc.pos, err)
	}
	return m, nil
}

// scnRegTime is when scenarios are registered; the rules register after it.
var scnRegTime = time.Date(2026, time.January, 1, 8, 0, 0, 0, time.UTC)

// The language refuses what it cannot mean, at the line that says it.
func TestScenarioLanguageRefusesMistakes(t *testing.T) {
	for _, tc := range []struct{ text, err string }{
		{"unit K Kommune |##>", "before the first scenario"},
		{"scenario: x\nunit K Kommune |#.>", "'>' must follow a value"},
		{"scenario: x\nunit S Skole parent=K |##>", `x:2: no unit "K" above this line`},
		{"scenario: x\nunit KK Kommune |##>", "must be one character"},
		{"scenario: x\nunit K Kommune |##> oops", "only a # comment may follow"},
		{"scenario: x\nperson a Anna\neng 1 a K |#>", `x:3: no unit "K"`},
		{"scenario: x\nunit K Kommune\nrole r K |ab>", `no person "a"`},
		{"scenario: x\nunit K Kommune colour=red", "does not take colour="},
		{"scenario: x\nunit K Kommune |##\nunit K Kommune |.#>", "overlap"},
		{"scenario: x\nunit K Kommune\nwant conflict tie K 3-3", "are not FROM-TO"},
		{"scenario: x\nunit K Kommune\nwant conflict draw K 3-4", `conflict kind "draw"`},
		{"scenario: x\nunit K Kommune\nwant role Q |a>", `no unit "Q"`},
	} {
		_, err := parseScenarios("x", tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: got error %v, want one saying %q", tc.text, err, tc.err)
		}
	}
}

// A scenario's drawings become the model's timelines, day by day.
func TestScenarioDrawingsBecomeTimelines(t *testing.T) {
	scs, err := parseScenarios("x", `scenario: drawings
config: coupling.payroll_root=K leder.choose=earliest-start,lowest-employment-number validity.adopt="",sd leder.levels=NY1:N1
unit K Kommune
unit S Skole parent=K |..KK>
person a Anna
eng 1 a S no=7 |..#S.#>
role r S eng=1 |..-a>`)
	if err != nil {
		t.Fatal(err)
	}
	sc := scs[0]
	s, e, r := sc.byAlias["S"], sc.byAlias["1"], sc.byAlias["r"]
	if v, ok := s.tl.At(scnDay(9)); s.tl.Len() != 1 || s.tl.Span(0).Interval != timeline.Since(scnDay(2)) || !ok || v.(orgmodel.UnitAttrs).Parent != sc.byAlias["K"].id {
		t.Errorf("unit S: %s", s.tl)
	}
	if e.tl.Len() != 2 || e.tl.Span(0).Interval != timeline.Between(scnDay(2), scnDay(4)) || e.tl.Span(1).Interval != timeline.Since(scnDay(5)) {
		t.Errorf("eng 1: %s", e.tl)
	}
	if v, _ := r.tl.At(scnDay(2)); v.(orgmodel.ManagerAttrs).Person != uuid.Nil {
		t.Errorf("role r is vacant on day 2: %s", r.tl)
	}
	if v, _ := r.tl.At(scnDay(3)); v.(orgmodel.ManagerAttrs).Engagement != e.id {
		t.Errorf("role r is linked to eng 1 on day 3: %s", r.tl)
	}
	cfg, err := sc.config()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Coupling.Enabled || cfg.Coupling.PayrollRoot != "K" || !slices.Equal(cfg.Leder.Choose, []string{"earliest-start", "lowest-employment-number"}) ||
		!slices.Equal(cfg.Validity.Adopt, []string{"", "sd"}) || cfg.Leder.Levels["NY1"] != "N1" || !cfg.Primary.Enabled {
		t.Errorf("config: %+v", cfg)
	}
}
