package report_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/report"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var zone = timeline.DefaultZone()

func day(s string) timeline.Date { return timeline.MustParseDate(s) }

// at reads "2027-01-10 09:00" as Copenhagen time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, zone.Location())
	if err != nil {
		v, err = time.ParseInLocation("2006-01-02", s, zone.Location())
	}
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// world is the scenarios' municipality, with the engagements by key.
type world struct {
	m       *om.Model
	units   map[string]uuid.UUID
	persons map[string]uuid.UUID
	engs    map[string]uuid.UUID
	attrs   map[string]om.EngagementAttrs
	cprs    int
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{m: om.New(om.Options{Zone: zone}), units: map[string]uuid.UUID{}, persons: map[string]uuid.UUID{},
		engs: map[string]uuid.UUID{}, attrs: map[string]om.EngagementAttrs{}}
	var cs om.ChangeSet
	always := timeline.Since(day("2020-01-01"))
	w.units["100"] = cs.Add("100", always, om.UnitAttrs{Name: "Sjølund Kommune"})
	w.units["200"] = cs.Add("200", always, om.UnitAttrs{Name: "Børn og Unge", Parent: w.units["100"]})
	w.units["300"] = cs.Add("300", always, om.UnitAttrs{Name: "Skolen ved Søen", Parent: w.units["200"]})
	w.units["400"] = cs.Add("400", always, om.UnitAttrs{Name: "Ældreplejen", Parent: w.units["100"]})
	dorte := cs.Add("dorte", always, om.PersonAttrs{GivenNames: "Dorte", Surname: "Ærø"})
	de := cs.Add("d1", always, om.EngagementAttrs{Person: dorte, Unit: w.units["100"], JobFunction: "Direktør", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "d1"})
	cs.Add("", always, om.ManagerAttrs{Unit: w.units["100"], Person: dorte, Engagement: de, Type: "Direktør"})
	cs.Add("", always, om.AddressAttrs{Type: "EMAIL", Value: "dorte@sjolund.test", Person: dorte})
	if _, err := w.m.Apply(bg, &cs, om.Registration{Time: at(t, "2020-01-01"), Actor: "setup"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// person registers a person (in the setup registration's wake: persons
// are not what the reports are about).
func (w *world) person(t testing.TB, key, given, sur string, when time.Time) {
	t.Helper()
	var cs om.ChangeSet
	w.cprs++
	w.persons[key] = cs.Add(key, timeline.Since(day("1980-01-01")), om.PersonAttrs{GivenNames: given, Surname: sur,
		NationalID: om.MustParseCPR(fmt.Sprintf("0101805%03d", w.cprs), om.CPROptions{})})
	w.apply(t, &cs, when, "setup")
}

func (w *world) apply(t testing.TB, cs *om.ChangeSet, when time.Time, actor string) {
	t.Helper()
	if _, err := w.m.Apply(bg, cs, om.Registration{Time: when, Actor: actor}); err != nil {
		t.Fatal(err)
	}
}

// op adds one scenario operation to cs.
func (w *world) op(t testing.TB, cs *om.ChangeSet, f []string) {
	t.Helper()
	need := func(n int) {
		if len(f) < n {
			t.Fatalf("operation %q: too few words", strings.Join(f, " "))
		}
	}
	need(2)
	eng := f[1]
	id := w.engs[eng]
	cur := func() timeline.Interval {
		o, ok := w.m.Latest().Object(id)
		if !ok {
			t.Fatalf("no engagement %s", eng)
		}
		b, _ := o.Timeline.Bounds()
		return b
	}
	switch f[0] {
	case "hire":
		need(5)
		a := om.EngagementAttrs{Person: w.persons[f[2]], Unit: w.units[f[3]], JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: eng}
		iv := timeline.Since(day(f[4]))
		rest := f[5:]
		if len(rest) > 0 && rest[0] != "type" {
			iv.To = day(rest[0]) + 1
			rest = rest[1:]
		}
		if len(rest) == 2 && rest[0] == "type" {
			a.Type = rest[1]
		}
		w.engs[eng] = cs.Add(eng, iv, a)
		w.attrs[eng] = a
	case "start":
		need(3)
		b, first := cur(), day(f[2])
		if first > b.From {
			cs.Clear(id, timeline.Interval{From: b.From, To: first})
		} else {
			cs.Set(id, timeline.Interval{From: first, To: b.From}, w.attrs[eng])
		}
	case "end":
		need(3)
		cs.Terminate(id, day(f[2])+1)
	case "withdraw":
		cs.Set(id, timeline.Since(cur().To), w.attrs[eng])
	case "cancel":
		cs.Delete(id)
	case "move":
		need(4)
		u := w.units[f[2]]
		cs.Update(id, timeline.Since(day(f[3])), om.EngagementPatch{Unit: &u})
	case "account":
		need(3)
		cs.Add(f[2], timeline.Since(day("2020-01-01")), om.AccountAttrs{System: "Active Directory", Username: f[2], Person: w.persons[f[1]]})
	default:
		t.Fatalf("unknown operation %q", f[0])
	}
}

// line writes a row as a scenario's window lists it.
func line(r report.Row) string {
	d := func(x timeline.Date) string {
		if x == 0 || x == timeline.Open {
			return "-"
		}
		return x.String()
	}
	last := func(x timeline.Date) string {
		if x == 0 || x == timeline.Open {
			return "-"
		}
		return (x - 1).String()
	}
	return strings.Join([]string{string(r.Kind), string(r.Timing), r.EmploymentNumber, strings.ReplaceAll(r.Name, " ", "_"),
		d(r.Start), last(r.End), d(r.OldStart), last(r.OldEnd), r.Registration.Actor}, " ")
}

// scenario is one "=== name" section.
type scenario struct {
	name    string
	lines   []string
	windows []window
}

type window struct {
	from, to string
	rep      report.Report
	want     []string
}

func readScenarios(t *testing.T) []scenario {
	t.Helper()
	f, err := os.Open("testdata/scenarios.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []scenario
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), " ")
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "=== "):
			out = append(out, scenario{name: l[4:]})
		case strings.HasPrefix(l, "window "):
			f := strings.Fields(l)
			s := &out[len(out)-1]
			s.windows = append(s.windows, window{from: f[1], to: f[2], rep: report.Report(f[3])})
		case strings.HasPrefix(l, "  "):
			s := &out[len(out)-1]
			wd := &s.windows[len(s.windows)-1]
			wd.want = append(wd.want, strings.TrimSpace(l))
		default:
			s := &out[len(out)-1]
			s.lines = append(s.lines, l)
		}
	}
	return out
}

// build registers a scenario's lines.
func build(t *testing.T, s scenario) *world {
	w := newWorld(t)
	for _, l := range s.lines {
		f := strings.Fields(l)
		switch f[0] {
		case "person":
			w.person(t, f[1], f[2], f[3], at(t, "2020-01-02"))
		case "@":
			when := at(t, f[1]+" "+f[2])
			actor := strings.TrimSuffix(f[3], ":")
			var cs om.ChangeSet
			for _, op := range strings.Split(strings.Join(f[4:], " "), ";") {
				w.op(t, &cs, strings.Fields(op))
			}
			w.apply(t, &cs, when, actor)
		default:
			t.Fatalf("%s: cannot read %q", s.name, l)
		}
	}
	return w
}

func TestScenarios(t *testing.T) {
	for _, s := range readScenarios(t) {
		t.Run(s.name, func(t *testing.T) {
			w := build(t, s)
			for _, wd := range s.windows {
				res, err := report.Run(w.m, report.Query{Report: wd.rep, From: at(t, wd.from), To: at(t, wd.to)})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range res.Rows {
					got = append(got, line(r))
				}
				if strings.Join(got, "\n") != strings.Join(wd.want, "\n") {
					t.Errorf("window %s %s %s:\ngot:\n  %s\nwant:\n  %s", wd.from, wd.to, wd.rep,
						strings.Join(got, "\n  "), strings.Join(wd.want, "\n  "))
				}
			}
		})
	}
}
