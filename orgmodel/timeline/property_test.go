package timeline

import (
	"math/rand/v2"
	"testing"
)

// The property tests check every operation against the simplest possible
// model: an array with a value (or none) per day, and a value for every day
// after the array ("the tail", for open ends).

const modelDays = 16

type model struct {
	day  [modelDays]byte // 0 = no value
	tail byte
}

func (m model) timeline() Timeline[byte] {
	var spans []Span[byte]
	for i, v := range m.day {
		if v != 0 {
			spans = append(spans, Span[byte]{Interval: Between(day(i), day(i+1)), Value: v})
		}
	}
	if m.tail != 0 {
		spans = append(spans, Span[byte]{Interval: Since(day(modelDays)), Value: m.tail})
	}
	return MustNew(spans...)
}

func (m model) at(d int) byte {
	if d >= modelDays {
		return m.tail
	}
	if d < 0 {
		return 0
	}
	return m.day[d]
}

// opInterval makes an interval from two bytes: a start day, and a length
// where 0 means open-ended. A finite interval ends within the model's days.
func opInterval(a, b byte) Interval {
	from := int(a) % modelDays
	if n := int(b) % (modelDays - from + 1); n != 0 {
		return Between(day(from), day(from+n))
	}
	return Since(day(from))
}

// apply runs one operation (op, interval, value) on both the timeline and
// the model and returns them.
func apply(tl Timeline[byte], m model, op, a, b, v byte) (Timeline[byte], model) {
	iv := opInterval(a, b)
	val := 'A' + v%3
	in := func(d int) bool { return iv.Contains(day(d)) }
	tailIn := iv.To == Open
	switch op % 3 {
	case 0:
		tl = tl.Set(iv, val)
		for d := range m.day {
			if in(d) {
				m.day[d] = val
			}
		}
		if tailIn {
			m.tail = val
		}
	case 1:
		tl = tl.Clear(iv)
		for d := range m.day {
			if in(d) {
				m.day[d] = 0
			}
		}
		if tailIn {
			m.tail = 0
		}
	case 2:
		next := func(x byte) byte { return 'A' + (x-'A'+1)%3 }
		tl = tl.Map(iv, next)
		for d := range m.day {
			if in(d) && m.day[d] != 0 {
				m.day[d] = next(m.day[d])
			}
		}
		if tailIn && m.tail != 0 {
			m.tail = next(m.tail)
		}
	}
	return tl, m
}

// check compares tl with m day by day and checks the timeline's own
// invariants: sorted, non-overlapping, valid, merged.
func check(t testing.TB, tl Timeline[byte], m model) {
	t.Helper()
	for i, sp := range tl.spans {
		if sp.Validate() != nil {
			t.Fatalf("span %d invalid: %s", i, tl)
		}
		if i > 0 {
			p := tl.spans[i-1]
			if p.To > sp.From {
				t.Fatalf("spans %d and %d overlap: %s", i-1, i, tl)
			}
			if p.To == sp.From && p.Value == sp.Value {
				t.Fatalf("spans %d and %d not merged: %s", i-1, i, tl)
			}
		}
	}
	for d := -1; d <= modelDays+3; d++ {
		v, ok := tl.At(day(d))
		want := m.at(d)
		if (want != 0) != ok || (ok && v != want) {
			t.Fatalf("day %d: got %q (%v), want %q in %s", d, v, ok, want, tl)
		}
	}
	if !tl.Equal(m.timeline()) {
		t.Fatalf("timeline %s is not the canonical %s", tl, m.timeline())
	}
}

// checkPair checks Split, Diff, Subtract and Intersect of two timelines
// against their models.
func checkPair(t testing.TB, a, b Timeline[byte], ma, mb model) {
	t.Helper()
	segs := Split(a, b)
	for i, s := range segs {
		if i > 0 && segs[i-1].To > s.From {
			t.Fatalf("split segments overlap")
		}
		for _, d := range []Date{s.From, s.To - 1} {
			if s.To == Open {
				d = s.From
			}
			av, bv := ma.at(int(d-day0)), mb.at(int(d-day0))
			if (av != 0) != s.HasA || (s.HasA && av != s.A) || (bv != 0) != s.HasB || (s.HasB && bv != s.B) {
				t.Fatalf("split segment %s: got %c/%v %c/%v", s.Interval, s.A, s.HasA, s.B, s.HasB)
			}
		}
	}
	var diffDays, sub, and model
	for d := range ma.day {
		av, bv := ma.day[d], mb.day[d]
		if av != bv {
			diffDays.day[d] = 1
		}
		if bv == 0 {
			sub.day[d] = av
		} else {
			and.day[d] = av
		}
	}
	if ma.tail != mb.tail {
		diffDays.tail = 1
	}
	if mb.tail == 0 {
		sub.tail = ma.tail
	} else {
		and.tail = ma.tail
	}
	var got model
	for _, c := range Diff(a, b) {
		for d := range got.day {
			if c.Contains(day(d)) {
				got.day[d] = 1
			}
		}
		if c.To == Open {
			got.tail = 1
		}
	}
	if got != diffDays {
		t.Fatalf("diff of %s and %s: got days %v, want %v", a, b, got, diffDays)
	}
	check(t, Subtract(a, b), sub)
	check(t, Intersect(a, b), and)
}

func TestOperationsAgreeWithModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var a, b Timeline[byte]
		var ma, mb model
		for range r.IntN(6) {
			a, ma = apply(a, ma, byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()))
			check(t, a, ma)
		}
		for range r.IntN(6) {
			b, mb = apply(b, mb, byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()))
		}
		checkPair(t, a, b, ma, mb)
	}
}

// FuzzOperations runs a byte string as a sequence of operations on two
// timelines and compares every result with the day-array model.
func FuzzOperations(f *testing.F) {
	f.Add([]byte{0, 2, 3, 0, 1, 3, 0, 1})
	f.Add([]byte{0, 0, 0, 1, 0, 5, 0, 2, 2, 1, 1, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var tl [2]Timeline[byte]
		var m [2]model
		for i := 0; i+4 < len(ops) && i < 400; i += 5 {
			k := ops[i] % 2
			tl[k], m[k] = apply(tl[k], m[k], ops[i+1], ops[i+2], ops[i+3], ops[i+4])
			check(t, tl[k], m[k])
		}
		checkPair(t, tl[0], tl[1], m[0], m[1])
	})
}

// FuzzParseDate checks that ParseDate never panics, accepts only what it
// prints back unchanged, and agrees with package time.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-01-01", "2024-02-29", "1900-02-29", "9999-12-31", "0000-00-00", "", "2024-1-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) prints as %q", s, d)
		}
		if back, err := ParseDate(d.String()); err != nil || back != d {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}
