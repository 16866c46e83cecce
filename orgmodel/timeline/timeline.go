package timeline

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
)

// Span is one value over one interval.
type Span[V comparable] struct {
	Interval
	// Value is the value on every day of the interval.
	Value V
}

// Timeline is a value over time: spans sorted by start, never overlapping,
// with no two adjacent spans holding equal values. Days outside every span
// have no value (a gap). The zero Timeline is empty.
//
// A Timeline is immutable; share it freely.
type Timeline[V comparable] struct {
	spans []Span[V]
}

// New returns the timeline of the spans, which may come in any order.
// Adjacent spans with equal values are merged. It fails if a span's
// interval is invalid or two spans overlap.
func New[V comparable](spans ...Span[V]) (Timeline[V], error) {
	s := slices.Clone(spans)
	for _, sp := range s {
		if err := sp.Validate(); err != nil {
			return Timeline[V]{}, err
		}
	}
	sort.SliceStable(s, func(i, j int) bool { return s[i].From < s[j].From })
	for i := 1; i < len(s); i++ {
		if s[i].From < s[i-1].To {
			return Timeline[V]{}, fmt.Errorf("%w: %s overlaps %s", ErrInterval, s[i-1].Interval, s[i].Interval)
		}
	}
	return Timeline[V]{spans: merge(s)}, nil
}

// MustNew is New for constants in tests and examples; it panics on error.
func MustNew[V comparable](spans ...Span[V]) Timeline[V] {
	t, err := New(spans...)
	if err != nil {
		panic(err)
	}
	return t
}

// Of returns the timeline that is v over iv. It panics if iv is invalid;
// validate intervals from outside first.
func Of[V comparable](iv Interval, v V) Timeline[V] {
	if err := iv.Validate(); err != nil {
		panic(err)
	}
	return Timeline[V]{spans: []Span[V]{{Interval: iv, Value: v}}}
}

// merge joins adjacent equal spans of a sorted, non-overlapping slice in
// place.
func merge[V comparable](s []Span[V]) []Span[V] {
	if len(s) == 0 {
		return nil
	}
	out := s[:1]
	for _, sp := range s[1:] {
		last := &out[len(out)-1]
		if last.To == sp.From && last.Value == sp.Value {
			last.To = sp.To
			continue
		}
		out = append(out, sp)
	}
	return out
}

// Len returns the number of spans.
func (t Timeline[V]) Len() int { return len(t.spans) }

// IsEmpty reports whether t has no value on any day.
func (t Timeline[V]) IsEmpty() bool { return len(t.spans) == 0 }

// Span returns the i'th span, 0 ≤ i < Len.
func (t Timeline[V]) Span(i int) Span[V] { return t.spans[i] }

// All yields the spans in order.
func (t Timeline[V]) All() iter.Seq[Span[V]] {
	return func(yield func(Span[V]) bool) {
		for _, sp := range t.spans {
			if !yield(sp) {
				return
			}
		}
	}
}

// Spans returns a copy of the spans.
func (t Timeline[V]) Spans() []Span[V] { return slices.Clone(t.spans) }

// index returns the index of the span holding d, or -1.
func (t Timeline[V]) index(d Date) int {
	i := sort.Search(len(t.spans), func(i int) bool { return t.spans[i].To > d })
	if i < len(t.spans) && t.spans[i].From <= d {
		return i
	}
	return -1
}

// At returns the value on day d, and false if d is in a gap.
func (t Timeline[V]) At(d Date) (V, bool) {
	if i := t.index(d); i >= 0 {
		return t.spans[i].Value, true
	}
	var zero V
	return zero, false
}

// SpanAt returns the span holding day d, and false if d is in a gap.
func (t Timeline[V]) SpanAt(d Date) (Span[V], bool) {
	if i := t.index(d); i >= 0 {
		return t.spans[i], true
	}
	return Span[V]{}, false
}

// Bounds returns the interval from the first day with a value to the end
// of the last span, gaps included, and false for an empty timeline.
func (t Timeline[V]) Bounds() (Interval, bool) {
	if len(t.spans) == 0 {
		return Interval{}, false
	}
	return Interval{From: t.spans[0].From, To: t.spans[len(t.spans)-1].To}, true
}

// Coverage returns the days on which t has a value, as a timeline of
// empty values: adjacent spans are joined whatever their values.
func (t Timeline[V]) Coverage() Timeline[struct{}] {
	out := make([]Span[struct{}], 0, 1)
	for _, sp := range t.spans {
		if n := len(out); n > 0 && out[n-1].To == sp.From {
			out[n-1].To = sp.To
			continue
		}
		out = append(out, Span[struct{}]{Interval: sp.Interval})
	}
	return Timeline[struct{}]{spans: out}
}

// Covers reports whether t has a value on every day of iv.
func (t Timeline[V]) Covers(iv Interval) bool {
	i := t.index(iv.From)
	if i < 0 {
		return false
	}
	for end := t.spans[i].To; end < iv.To; end = t.spans[i].To {
		i++
		if i == len(t.spans) || t.spans[i].From != end {
			return false
		}
	}
	return true
}

// Overlaps reports whether t has a value on some day of iv.
func (t Timeline[V]) Overlaps(iv Interval) bool {
	i := sort.Search(len(t.spans), func(i int) bool { return t.spans[i].To > iv.From })
	return i < len(t.spans) && t.spans[i].From < iv.To
}

// Equal reports whether t and u hold the same value on every day.
func (t Timeline[V]) Equal(u Timeline[V]) bool { return slices.Equal(t.spans, u.spans) }

// Set returns t with the value v on every day of iv; the rest is
// unchanged. It panics if iv is invalid.
func (t Timeline[V]) Set(iv Interval, v V) Timeline[V] {
	return t.replace(iv, []Span[V]{{Interval: iv, Value: v}})
}

// Clear returns t with no value on the days of iv. It panics if iv is
// invalid.
func (t Timeline[V]) Clear(iv Interval) Timeline[V] { return t.replace(iv, nil) }

// Clip returns t restricted to the days of iv.
func (t Timeline[V]) Clip(iv Interval) Timeline[V] {
	var out []Span[V]
	for _, sp := range t.spans {
		if r, ok := sp.Intersect(iv); ok {
			out = append(out, Span[V]{Interval: r, Value: sp.Value})
		}
	}
	return Timeline[V]{spans: out}
}

// Map returns t with fn applied to its value on the days of iv where it
// has one; the days outside iv keep their values, gaps stay gaps.
func (t Timeline[V]) Map(iv Interval, fn func(V) V) Timeline[V] {
	if err := iv.Validate(); err != nil {
		panic(err)
	}
	inside := t.Clip(iv)
	for i := range inside.spans {
		inside.spans[i].Value = fn(inside.spans[i].Value)
	}
	return t.replace(iv, inside.spans)
}

// replace returns t with the days of iv given by with, which must lie
// within iv, be sorted and not overlap.
func (t Timeline[V]) replace(iv Interval, with []Span[V]) Timeline[V] {
	if err := iv.Validate(); err != nil {
		panic(err)
	}
	out := make([]Span[V], 0, len(t.spans)+len(with)+1)
	i := 0
	for ; i < len(t.spans) && t.spans[i].To <= iv.From; i++ {
		out = append(out, t.spans[i])
	}
	if i < len(t.spans) && t.spans[i].From < iv.From {
		out = append(out, Span[V]{Interval: Interval{From: t.spans[i].From, To: iv.From}, Value: t.spans[i].Value})
	}
	out = append(out, with...)
	for ; i < len(t.spans) && t.spans[i].To <= iv.To; i++ {
	}
	if i < len(t.spans) && t.spans[i].From < iv.To {
		out = append(out, Span[V]{Interval: Interval{From: max(t.spans[i].From, iv.To), To: t.spans[i].To}, Value: t.spans[i].Value})
		i++
	}
	out = append(out, t.spans[i:]...)
	return Timeline[V]{spans: merge(out)}
}

// Endpoints returns every day on which t's value starts, changes or ends,
// in order, without Open.
func (t Timeline[V]) Endpoints() []Date {
	out := make([]Date, 0, 2*len(t.spans))
	for _, sp := range t.spans {
		if n := len(out); n == 0 || out[n-1] != sp.From {
			out = append(out, sp.From)
		}
		if sp.To != Open {
			out = append(out, sp.To)
		}
	}
	return out
}

// String formats t as "[2024-01-01, 2024-03-01) A; [2024-05-01, ∞) B".
func (t Timeline[V]) String() string {
	if len(t.spans) == 0 {
		return "(empty)"
	}
	var b strings.Builder
	for i, sp := range t.spans {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %v", sp.Interval, sp.Value)
	}
	return b.String()
}
