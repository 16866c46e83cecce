package connectors

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Bounds on the fields of a record, so that a broken export cannot make
// the host hold or print megabytes per field.
const (
	// MaxKeyBytes bounds a record's key and its references to others.
	MaxKeyBytes = 256
	// MaxFieldBytes bounds every other text field.
	MaxFieldBytes = 1024
)

// RecordError is a problem with one row of a source's data. It says which
// record (by kind, index in its list and key) and which field, so that a
// connector can point at the line of the file it read the row from.
type RecordError struct {
	// Kind is the kind of record.
	Kind PayrollKind
	// Index is the row's index in its list in the snapshot or page.
	Index int
	// Key is the record's key (masked when printed).
	Key string
	// Field names the field at fault, as the contract's Go type names it
	// ("Parent", "Valid"); empty for the row as a whole.
	Field string
	// Err says what is wrong.
	Err error
}

// Error describes the problem. National ids in it are masked.
func (e *RecordError) Error() string {
	s := e.Kind.String() + " " + strconv.Quote(e.Key) + " (row " + strconv.Itoa(e.Index+1) + ")"
	if e.Field != "" {
		s += " " + e.Field
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return redact.NationalIDs(s)
}

// Unwrap returns the underlying error.
func (e *RecordError) Unwrap() error { return e.Err }

// CheckPayroll checks a full snapshot: every field (keys present and
// bounded, text that is UTF-8 without control characters, intervals that
// hold a day, fractions from 0 to 1), rows of one key that never overlap,
// references to records that exist and are valid on every day of the
// referring row (a manager's engagement only if it names one), and a
// unit tree without cycles on any day. It returns every problem found,
// joined, each a *[RecordError]; nil if there are none.
func CheckPayroll(s *PayrollSnapshot) error {
	c := checker{}
	c.rows(s.Units, s.Persons, s.Engagements, s.Leaves, s.Managers)
	units := index(s.Units, func(u PayrollUnit) (string, timeline.Interval) { return u.Key, u.Valid })
	persons := index(s.Persons, func(p PayrollPerson) (string, timeline.Interval) { return p.Key, p.Valid })
	engs := index(s.Engagements, func(e PayrollEngagement) (string, timeline.Interval) { return e.Key, e.Valid })
	for i, u := range s.Units {
		if u.Parent != "" {
			c.ref(PayrollUnitKind, i, u.Key, "Parent", u.Parent, u.Valid, units)
		}
	}
	for i, e := range s.Engagements {
		c.ref(PayrollEngagementKind, i, e.Key, "Person", e.Person, e.Valid, persons)
		c.ref(PayrollEngagementKind, i, e.Key, "Unit", e.Unit, e.Valid, units)
	}
	for i, l := range s.Leaves {
		c.ref(PayrollLeaveKind, i, l.Key, "Engagement", l.Engagement, l.Valid, engs)
	}
	for i, m := range s.Managers {
		c.ref(PayrollManagerKind, i, m.Key, "Unit", m.Unit, m.Valid, units)
		c.ref(PayrollManagerKind, i, m.Key, "Person", m.Person, m.Valid, persons)
		if m.Engagement != "" {
			c.ref(PayrollManagerKind, i, m.Key, "Engagement", m.Engagement, m.Valid, engs)
		}
	}
	if len(c.errs) == 0 {
		c.cycles(s.Units)
	}
	return errors.Join(c.errs...)
}

// CheckPayrollChanges checks a page of changes as CheckPayroll checks a
// snapshot, except references, which may point at records outside the
// page.
func CheckPayrollChanges(p *PayrollChanges) error {
	c := checker{}
	c.rows(p.Units, p.Persons, p.Engagements, p.Leaves, p.Managers)
	for i, d := range p.Deleted {
		if !d.Kind.Valid() {
			c.add(d.Kind, i, d.Key, "Kind", fmt.Errorf("unknown kind of record (%d)", d.Kind))
		}
		if d.Key == "" {
			c.add(d.Kind, i, d.Key, "Key", errors.New("empty"))
		}
		c.key(d.Kind, i, d.Key, "Key", d.Key)
	}
	return errors.Join(c.errs...)
}

type checker struct{ errs []error }

func (c *checker) add(k PayrollKind, i int, key, field string, err error) {
	c.errs = append(c.errs, &RecordError{Kind: k, Index: i, Key: clipKey(key), Field: field, Err: err})
}

// rows checks every row's fields, and that rows of one key do not overlap.
func (c *checker) rows(units []PayrollUnit, persons []PayrollPerson, engs []PayrollEngagement, leaves []PayrollLeave, managers []PayrollManager) {
	for i, u := range units {
		k := PayrollUnitKind
		c.row(k, i, u.Key, u.Valid)
		c.key(k, i, u.Key, "Parent", u.Parent)
		if u.Parent != "" && u.Parent == u.Key {
			c.add(k, i, u.Key, "Parent", errors.New("the unit is its own parent"))
		}
		c.text(k, i, u.Key, "Name", u.Name, true)
		c.text(k, i, u.Key, "Level", u.Level, false)
		c.text(k, i, u.Key, "Type", u.Type, false)
	}
	for i, p := range persons {
		k := PayrollPersonKind
		c.row(k, i, p.Key, p.Valid)
		c.text(k, i, p.Key, "NationalID", string(p.NationalID), true)
		c.text(k, i, p.Key, "GivenNames", p.GivenNames, false)
		c.text(k, i, p.Key, "Surname", p.Surname, false)
		if blank(p.GivenNames) && blank(p.Surname) {
			c.add(k, i, p.Key, "Surname", errors.New("the person has no name"))
		}
	}
	for i, e := range engs {
		k := PayrollEngagementKind
		c.row(k, i, e.Key, e.Valid)
		c.key(k, i, e.Key, "Person", e.Person)
		c.key(k, i, e.Key, "Unit", e.Unit)
		if e.Person == "" {
			c.add(k, i, e.Key, "Person", errors.New("empty"))
		}
		if e.Unit == "" {
			c.add(k, i, e.Key, "Unit", errors.New("empty"))
		}
		c.text(k, i, e.Key, "JobFunction", e.JobFunction, false)
		c.text(k, i, e.Key, "Type", e.Type, false)
		if math.IsNaN(e.Fraction) || e.Fraction < 0 || e.Fraction > 1 {
			c.add(k, i, e.Key, "Fraction", fmt.Errorf("%v is not a share from 0 to 1", e.Fraction))
		}
	}
	for i, l := range leaves {
		k := PayrollLeaveKind
		c.row(k, i, l.Key, l.Valid)
		c.key(k, i, l.Key, "Engagement", l.Engagement)
		if l.Engagement == "" {
			c.add(k, i, l.Key, "Engagement", errors.New("empty"))
		}
		c.text(k, i, l.Key, "Type", l.Type, false)
	}
	for i, m := range managers {
		k := PayrollManagerKind
		c.row(k, i, m.Key, m.Valid)
		c.key(k, i, m.Key, "Unit", m.Unit)
		c.key(k, i, m.Key, "Person", m.Person)
		c.key(k, i, m.Key, "Engagement", m.Engagement)
		if m.Unit == "" {
			c.add(k, i, m.Key, "Unit", errors.New("empty"))
		}
		if m.Person == "" {
			c.add(k, i, m.Key, "Person", errors.New("empty"))
		}
		c.text(k, i, m.Key, "Type", m.Type, false)
		c.text(k, i, m.Key, "Level", m.Level, false)
	}
	overlaps(c, PayrollUnitKind, units, func(u PayrollUnit) (string, timeline.Interval) { return u.Key, u.Valid })
	overlaps(c, PayrollPersonKind, persons, func(p PayrollPerson) (string, timeline.Interval) { return p.Key, p.Valid })
	overlaps(c, PayrollEngagementKind, engs, func(e PayrollEngagement) (string, timeline.Interval) { return e.Key, e.Valid })
	overlaps(c, PayrollLeaveKind, leaves, func(l PayrollLeave) (string, timeline.Interval) { return l.Key, l.Valid })
	overlaps(c, PayrollManagerKind, managers, func(m PayrollManager) (string, timeline.Interval) { return m.Key, m.Valid })
}

// row checks what every row has: a key and an interval.
func (c *checker) row(k PayrollKind, i int, key string, valid timeline.Interval) {
	if key == "" {
		c.add(k, i, key, "Key", errors.New("empty"))
	}
	c.key(k, i, key, "Key", key)
	if err := valid.Validate(); err != nil {
		c.add(k, i, key, "Valid", err)
	}
}

func (c *checker) key(k PayrollKind, i int, key, field, v string) {
	if err := CheckText(v, MaxKeyBytes); err != nil {
		c.add(k, i, key, field, err)
	}
}

func (c *checker) text(k PayrollKind, i int, key, field, v string, required bool) {
	switch {
	case required && v == "":
		c.add(k, i, key, field, errors.New("empty"))
	case required && blank(v):
		c.add(k, i, key, field, errors.New("blank: only white space"))
	default:
		if err := CheckText(v, MaxFieldBytes); err != nil {
			c.add(k, i, key, field, err)
		}
	}
}

// blank reports whether s holds nothing but white space: a name of spaces
// is no name.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// CheckText checks a key or a name a source delivers, as CheckPayroll
// checks every field: at most max bytes (MaxKeyBytes or MaxFieldBytes),
// UTF-8 (else ErrNotUTF8), and without control characters (NUL, a
// newline, C1 controls), which no key or name holds. Its errors say which,
// for a message that names the field. It is one pass over s, ASCII at a
// byte a step: a file connector checks every value of a large delivery.
func CheckText(s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("%d bytes; the most is %d", len(s), max)
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return fmt.Errorf("holds the control character %U", rune(c))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return ErrNotUTF8
		}
		if unicode.IsControl(r) {
			return fmt.Errorf("holds the control character %U", r)
		}
		i += n
	}
	return nil
}

// ErrNotUTF8 is CheckText's error for bytes that are not UTF-8, so that a
// caller can add a hint of its own (a file connector asks whether the file
// is Latin-1).
var ErrNotUTF8 = errors.New("not valid UTF-8")

// clipKey shortens a key for an error message.
func clipKey(k string) string {
	if len(k) <= 64 {
		return k
	}
	i := 64
	for i > 0 && !utf8.RuneStart(k[i]) {
		i--
	}
	return k[:i] + "…"
}

// span is one row of a record: where it is, and its days.
type span struct {
	index int
	valid timeline.Interval
}

// index returns each key's rows, sorted by start (rows with the same
// start in the order they came).
func index[T any](rows []T, kv func(T) (string, timeline.Interval)) map[string][]span {
	m := make(map[string][]span, len(rows))
	for i, r := range rows {
		k, iv := kv(r)
		m[k] = append(m[k], span{i, iv})
	}
	for _, s := range m {
		slices.SortStableFunc(s, func(a, b span) int { return cmp.Compare(a.valid.From, b.valid.From) })
	}
	return m
}

// overlaps reports each row that shares a day with an earlier-starting row
// of its key, keys in the order they first come.
func overlaps[T any](c *checker, k PayrollKind, rows []T, kv func(T) (string, timeline.Interval)) {
	byKey := index(rows, kv)
	for _, r := range rows {
		key, _ := kv(r)
		spans, ok := byKey[key]
		if !ok {
			continue // done
		}
		delete(byKey, key)
		var reach span // of the rows so far, the one that ends last
		for j, s := range spans {
			if s.valid.Validate() != nil {
				continue // reported as such
			}
			if j > 0 && reach.valid.To > s.valid.From {
				c.add(k, s.index, key, "Valid", fmt.Errorf("%s overlaps %s of row %d with the same key", s.valid, reach.valid, reach.index+1))
			}
			if j == 0 || s.valid.To > reach.valid.To {
				reach = s
			}
		}
	}
}

// ref checks that the record named by ref exists on every day of iv.
func (c *checker) ref(k PayrollKind, i int, key, field, ref string, iv timeline.Interval, target map[string][]span) {
	spans, ok := target[ref]
	if !ok {
		c.add(k, i, key, field, fmt.Errorf("no such record %q", clipKey(ref)))
		return
	}
	if iv.Validate() != nil {
		return
	}
	day := iv.From
	for _, s := range spans {
		if s.valid.To <= day {
			continue
		}
		if s.valid.From > day {
			break
		}
		day = s.valid.To
		if day >= iv.To {
			return
		}
	}
	c.add(k, i, key, field, fmt.Errorf("%q is not valid on %s, a day of %s", clipKey(ref), day, iv))
}

// cycles reports the units that are their own ancestors on some day. A
// cycle on a day is a cycle among the parent links of all days together,
// so the common case, a tree that has none, costs one walk. Otherwise the
// tree can change only on days a row starts, so it is checked on each, in
// order. Each cycle (set of units) is reported once, on the first day it
// holds, against the row of its unit that comes first in the snapshot; so
// the same snapshot always gives the same errors.
func (c *checker) cycles(units []PayrollUnit) {
	if !anyCycle(units) {
		return
	}
	days := make([]timeline.Date, 0, len(units))
	for _, u := range units {
		days = append(days, u.Valid.From)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	reported := map[string]bool{} // the cycles reported, by their sorted members
	parent := make(map[string]string, len(units))
	row := make(map[string]int, len(units)) // each unit's row on the day
	for _, day := range days {
		clear(parent)
		clear(row)
		var order []int // the rows valid on the day
		for i, u := range units {
			if u.Valid.Contains(day) {
				parent[u.Key] = u.Parent
				row[u.Key] = i
				order = append(order, i)
			}
		}
		state := make(map[string]uint8, len(parent)) // 1 on the path, 2 done
		for _, i := range order {
			var path []string
			u := units[i].Key
			for u != "" && state[u] == 0 {
				state[u] = 1
				path = append(path, u)
				u = parent[u]
			}
			if u != "" && state[u] == 1 {
				c.cycle(path[slices.Index(path, u):], day, row, reported)
			}
			for _, p := range path {
				state[p] = 2
			}
		}
	}
}

// cycle reports a cycle of units found on day, unless it has been: each
// member's parent is the next, and the last's is the first.
func (c *checker) cycle(members []string, day timeline.Date, row map[string]int, reported map[string]bool) {
	id := slices.Clone(members)
	slices.Sort(id)
	k := strings.Join(id, "\x00")
	if reported[k] {
		return
	}
	reported[k] = true
	// Start the cycle at the unit whose row comes first.
	first := 0
	for j, m := range members {
		if row[m] < row[members[first]] {
			first = j
		}
	}
	var b strings.Builder
	for j := range len(members) + 1 {
		if j == 8 && len(members) > 8 {
			b.WriteString(" under …")
			break
		}
		if j > 0 {
			b.WriteString(" under ")
		}
		b.WriteString(strconv.Quote(clipKey(members[(first+j)%len(members)])))
	}
	u := members[first]
	c.add(PayrollUnitKind, row[u], u, "Parent", fmt.Errorf("the unit is its own ancestor on %s: %s", day, b.String()))
}

// anyCycle reports whether the parent links of every day, taken together,
// hold a cycle.
func anyCycle(units []PayrollUnit) bool {
	parents := make(map[string][]string, len(units))
	for _, u := range units {
		if u.Parent != "" {
			parents[u.Key] = append(parents[u.Key], u.Parent)
		}
	}
	state := make(map[string]uint8, len(parents)) // 1 on the stack, 2 done
	var visit func(string) bool
	visit = func(u string) bool {
		switch state[u] {
		case 1:
			return true
		case 2:
			return false
		}
		state[u] = 1
		for _, p := range parents[u] {
			if visit(p) {
				return true
			}
		}
		state[u] = 2
		return false
	}
	for u := range parents {
		if visit(u) {
			return true
		}
	}
	return false
}
