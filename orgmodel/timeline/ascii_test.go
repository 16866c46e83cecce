package timeline

import (
	"fmt"
	"strings"
	"testing"
)

// The golden tests draw timelines as ASCII, a character per day from day0:
// a letter is that day's value, '.' is a gap, and a trailing '>' means the
// last span never ends. "AA..BBB>" is A on days 0–1, nothing on days 2–3,
// and B from day 4 on.

var day0 = MustDate(2024, 1, 1)

func day(n int) Date { return day0 + Date(n) }

// ascii parses a drawing into a timeline.
func ascii(t testing.TB, s string) Timeline[byte] {
	t.Helper()
	open := strings.HasSuffix(s, ">")
	s = strings.TrimSuffix(s, ">")
	var spans []Span[byte]
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			continue
		}
		spans = append(spans, Span[byte]{Interval: Between(day(i), day(i+1)), Value: s[i]})
	}
	if open {
		if len(spans) == 0 || spans[len(spans)-1].To != day(len(s)) {
			t.Fatalf("ascii %q: '>' must follow a value", s)
		}
		spans[len(spans)-1].To = Open
	}
	tl, err := New(spans...)
	if err != nil {
		t.Fatalf("ascii %q: %v", s, err)
	}
	return tl
}

// draw renders a timeline over width days, the inverse of ascii; it fails
// the test if a finite span reaches past width.
func draw(t testing.TB, tl Timeline[byte], width int) string {
	t.Helper()
	b := []byte(strings.Repeat(".", width))
	open := false
	for sp := range tl.All() {
		end := sp.To
		if end == Open {
			open, end = true, day(width)
		}
		if end > day(width) || sp.From < day0 {
			t.Fatalf("draw: %s is outside the %d-day drawing", sp.Interval, width)
		}
		for d := sp.From; d < end; d++ {
			b[d-day0] = sp.Value
		}
	}
	s := string(b)
	if open {
		return s + ">"
	}
	return strings.TrimRight(s, ".")
}

// span formats an interval relative to day0: "2-5" or "2-∞".
func span(iv Interval) string {
	if iv.To == Open {
		return fmt.Sprintf("%d-∞", iv.From-day0)
	}
	return fmt.Sprintf("%d-%d", iv.From-day0, iv.To-day0)
}

func val(v byte, ok bool) string {
	if !ok {
		return "."
	}
	return string(v)
}

// same asserts that got is the timeline drawn as want.
func same(t *testing.T, want string, got Timeline[byte], msgs ...any) {
	t.Helper()
	if w := ascii(t, want); !w.Equal(got) {
		t.Errorf("%v\nwant %s\n got %s  (%s)", fmt.Sprint(msgs...), want, draw(t, got, width), got)
	}
}
