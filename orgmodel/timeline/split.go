package timeline

// Segment is one piece of two timelines split at the union of their
// endpoints: within it, neither timeline changes.
type Segment[A, B comparable] struct {
	Interval
	// A is the first timeline's value, if HasA.
	A A
	// HasA reports whether the first timeline has a value here.
	HasA bool
	// B is the second timeline's value, if HasB.
	B B
	// HasB reports whether the second timeline has a value here.
	HasB bool
}

// Split cuts the days on which a or b has a value at the union of their
// endpoints and returns the pieces in order, each with both values. Days on
// which neither has a value are left out.
func Split[A, B comparable](a Timeline[A], b Timeline[B]) []Segment[A, B] {
	var out []Segment[A, B]
	i, j := 0, 0
	// cur is the first day not yet emitted.
	var cur Date
	if len(a.spans) > 0 {
		cur = a.spans[0].From
	}
	if len(b.spans) > 0 && (len(a.spans) == 0 || b.spans[0].From < cur) {
		cur = b.spans[0].From
	}
	for i < len(a.spans) || j < len(b.spans) {
		// Skip spans that end at or before cur.
		for i < len(a.spans) && a.spans[i].To <= cur {
			i++
		}
		for j < len(b.spans) && b.spans[j].To <= cur {
			j++
		}
		if i == len(a.spans) && j == len(b.spans) {
			break
		}
		var seg Segment[A, B]
		next := Open
		inA := i < len(a.spans) && a.spans[i].From <= cur
		inB := j < len(b.spans) && b.spans[j].From <= cur
		if !inA && !inB {
			// A gap in both: jump to the next start.
			cur = Open
			if i < len(a.spans) {
				cur = a.spans[i].From
			}
			if j < len(b.spans) && b.spans[j].From < cur {
				cur = b.spans[j].From
			}
			continue
		}
		if inA {
			seg.A, seg.HasA = a.spans[i].Value, true
			next = min(next, a.spans[i].To)
		} else if i < len(a.spans) {
			next = min(next, a.spans[i].From)
		}
		if inB {
			seg.B, seg.HasB = b.spans[j].Value, true
			next = min(next, b.spans[j].To)
		} else if j < len(b.spans) {
			next = min(next, b.spans[j].From)
		}
		seg.Interval = Interval{From: cur, To: next}
		out = append(out, seg)
		if next == Open {
			break
		}
		cur = next
	}
	return out
}

// Change is a stretch of days on which two timelines differ.
type Change[V comparable] struct {
	Interval
	// Old is the first timeline's value, if HasOld.
	Old V
	// HasOld reports whether the first timeline has a value here.
	HasOld bool
	// New is the second timeline's value, if HasNew.
	New V
	// HasNew reports whether the second timeline has a value here.
	HasNew bool
}

// Diff returns the stretches of days on which old and new differ (in value
// or in having one), in order; adjacent stretches with the same pair of
// values are joined. Diff of equal timelines is empty.
func Diff[V comparable](old, new Timeline[V]) []Change[V] {
	var out []Change[V]
	for _, s := range Split(old, new) {
		if s.HasA == s.HasB && (!s.HasA || s.A == s.B) {
			continue
		}
		c := Change[V]{Interval: s.Interval, Old: s.A, HasOld: s.HasA, New: s.B, HasNew: s.HasB}
		if n := len(out); n > 0 {
			p := &out[n-1]
			if p.To == c.From && p.HasOld == c.HasOld && p.Old == c.Old && p.HasNew == c.HasNew && p.New == c.New {
				p.To = c.To
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// Subtract returns a without the days on which b has a value: the
// manager-role-without-engagement question, "where is a, and b is not".
func Subtract[A, B comparable](a Timeline[A], b Timeline[B]) Timeline[A] {
	var out []Span[A]
	for _, s := range Split(a, b) {
		if s.HasA && !s.HasB {
			out = append(out, Span[A]{Interval: s.Interval, Value: s.A})
		}
	}
	return Timeline[A]{spans: merge(out)}
}

// Intersect returns a restricted to the days on which b has a value.
func Intersect[A, B comparable](a Timeline[A], b Timeline[B]) Timeline[A] {
	var out []Span[A]
	for _, s := range Split(a, b) {
		if s.HasA && s.HasB {
			out = append(out, Span[A]{Interval: s.Interval, Value: s.A})
		}
	}
	return Timeline[A]{spans: merge(out)}
}
