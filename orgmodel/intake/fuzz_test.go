package intake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// fuzzReader turns fuzz bytes into choices; it yields zeros when the
// bytes run out, so every input is a snapshot.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) next() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// pick returns usual, half the time; else one of the others, or now and
// then a few raw bytes of the input (any bytes: invalid UTF-8, control
// characters, white space).
func (r *fuzzReader) pick(usual string, others ...string) string {
	c := r.next()
	switch {
	case c < 128 || len(others) == 0 && c < 230:
		return usual
	case c < 230:
		return others[int(c)%len(others)]
	}
	n := min(int(c-230)%6, len(r.b))
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

var fuzzDay0 = timeline.MustDate(2024, 1, 1)

// interval is mostly every day from fuzzDay0, so that references hold;
// otherwise a few days somewhere in the first months, or none.
func (r *fuzzReader) interval() timeline.Interval {
	c := r.next()
	if c < 128 {
		return timeline.Since(fuzzDay0)
	}
	from := fuzzDay0 + timeline.Date(c%8)*10
	switch n := r.next() % 8; n {
	case 0, 1:
		return timeline.Since(from)
	case 7:
		return timeline.Between(from, from) // holds no day
	default:
		return timeline.Between(from, from+timeline.Date(n)*10)
	}
}

// The fuzzer's national ids: one good one per person, and bad ones (an
// invalid date, a fictive one, none, another's). No error text may hold
// their serials.
var (
	fuzzCPRs    = []string{"0101904711", "020290-4722", " 0303904755 "}
	fuzzBadCPRs = []string{"3201904744", "6101904733", "", "0101904711"}
)

func (r *fuzzReader) cpr(i int) connectors.NationalID {
	if c := r.next(); c >= 200 {
		return connectors.NationalID(fuzzBadCPRs[int(c)%len(fuzzBadCPRs)])
	}
	return connectors.NationalID(fuzzCPRs[i%len(fuzzCPRs)])
}

// fuzzSnapshot builds a small payroll snapshot: a few rows of each kind,
// each with a key and references of its own most of the time, and
// otherwise keys and references from a small set, so that repeated keys,
// dangling references and overlaps are common too.
func fuzzSnapshot(r *fuzzReader) *connectors.PayrollSnapshot {
	s := &connectors.PayrollSnapshot{}
	n := func(max byte) int { return int(r.next() % max) }
	for i := range n(4) {
		parent := ""
		if i > 0 {
			parent = "U1"
		}
		s.Units = append(s.Units, connectors.PayrollUnit{
			Key: r.pick(fmt.Sprintf("U%d", i+1), "U1", "U2", ""), Parent: r.pick(parent, "", "U2", "U3"),
			Name: r.pick("Sjølund", ldapName, "  ", hangul), Level: r.pick("NY3-niveau", ""), Type: r.pick("", "Afdeling"),
			Valid: r.interval(),
		})
	}
	for i := range n(byte(len(fuzzCPRs) + 1)) {
		s.Persons = append(s.Persons, connectors.PayrollPerson{
			Key: r.pick(fmt.Sprintf("P%d", i+1), "P1", "0101904711"), NationalID: r.cpr(i),
			GivenNames: r.pick("Åse", greekName, "", " "), Surname: r.pick("Kjær", arabic, ""), Valid: r.interval(),
		})
	}
	fractions := []float64{0.5, 0, 1, 1.5, math.NaN()}
	for i := range n(4) {
		s.Engagements = append(s.Engagements, connectors.PayrollEngagement{
			Key: r.pick(fmt.Sprintf("E%d", i+1), "E1"), Person: r.pick("P1", "P2", "P3"), Unit: r.pick("U1", "U2", "U3"),
			JobFunction: r.pick("Sygeplejerske", ""), Type: r.pick("Månedsløn"), Fraction: fractions[n(16)/3%len(fractions)],
			Valid: r.interval(),
		})
	}
	for i := range n(3) {
		s.Leaves = append(s.Leaves, connectors.PayrollLeave{
			Key: r.pick(fmt.Sprintf("O%d", i+1), "O1"), Engagement: r.pick("E1", "E2", "E3"), Type: r.pick("Barsel", ""),
			Valid: r.interval(),
		})
	}
	for i := range n(3) {
		s.Managers = append(s.Managers, connectors.PayrollManager{
			Key: r.pick(fmt.Sprintf("M%d", i+1), "M1", "E1"), Unit: r.pick("U1", "U2", "U3"), Person: r.pick("P1", "P2", "P3"),
			Engagement: r.pick("E1", "", "E2", "E3"), Type: r.pick("Leder", ""), Level: r.pick("1.02", ""), Valid: r.interval(),
		})
	}
	return s
}

// FuzzPayroll builds payroll snapshots from the fuzz bytes. Payroll must
// never panic, and must either refuse the snapshot with typed errors that
// hold no national id, or give a snapshot the org model takes as it is
// (Import and Apply succeed) and that a second import leaves alone.
func FuzzPayroll(f *testing.F) {
	f.Add([]byte{})
	// One record of each kind, all as usual: a good snapshot.
	f.Add(bytes.Repeat([]byte{1}, 40))
	// Three units, persons and engagements.
	f.Add(bytes.Repeat([]byte{3}, 60))
	// Other keys and references, other days.
	f.Add(bytes.Repeat([]byte{3, 130, 200}, 40))
	f.Add(bytes.Repeat([]byte{2, 250, 0, 9, 140}, 30))
	// Enough bytes for manager roles, which the model takes; the fuzzer
	// goes on from them to roles of a person alone, through another's
	// engagement, past their engagement.
	f.Add(bytes.Repeat([]byte{1}, 80))
	f.Add(bytes.Repeat([]byte{2}, 120))
	f.Add(append(bytes.Repeat([]byte{1}, 40), 2, 129, 2, 0, 131, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := fuzzSnapshot(&fuzzReader{b: data})
		snap, err := intake.Payroll(src, s, intake.PayrollOptions{})
		if err != nil {
			msg := err.Error()
			for _, serial := range []string{"4711", "4722", "4733", "4744", "4755"} {
				if strings.Contains(msg, serial) {
					t.Fatalf("the error holds a national id: %s", msg)
				}
			}
			for _, p := range problems(err) {
				var re *connectors.RecordError
				if !errors.As(p, &re) {
					t.Fatalf("an untyped problem: %v", p)
				}
			}
			if len(snap.Objects) != 0 {
				t.Fatalf("an error and a snapshot")
			}
			return
		}
		m := om.New(om.Options{})
		at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		cs, _, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: fuzzDay0})
		if err != nil {
			t.Fatalf("Import refuses what Payroll made: %v", err)
		}
		if _, err := m.Apply(context.Background(), cs, om.Registration{Time: at, Actor: "fuzz"}); err != nil {
			t.Fatalf("Apply refuses what Payroll made: %v\n%+v", err, s)
		}
		cs, _, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: fuzzDay0})
		if err != nil || !cs.IsEmpty() {
			t.Fatalf("a second import: %v %s", err, cs)
		}
	})
}
