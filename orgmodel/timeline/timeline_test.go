package timeline

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const width = 12

func TestASCIIRoundTrip(t *testing.T) {
	for _, s := range []string{"", "A", "AB", "A.B", "AAB>", "..AA..BB", "ABABAB>"} {
		same(t, s, ascii(t, draw(t, ascii(t, s), width)))
	}
}

func TestNewMergesAdjacentEqualValues(t *testing.T) {
	tl := MustNew(
		Span[byte]{Interval: Between(day(2), day(4)), Value: 'A'},
		Span[byte]{Interval: Between(day(0), day(2)), Value: 'A'},
		Span[byte]{Interval: Since(day(4)), Value: 'B'},
	)
	assert.Equal(t, 2, tl.Len())
	same(t, "AAAAB>", tl)
	assert.True(t, tl.Equal(ascii(t, "AAAAB>")))
}

func TestNewRejectsOverlapsAndEmptyIntervals(t *testing.T) {
	_, err := New(
		Span[byte]{Interval: Between(day(0), day(3)), Value: 'A'},
		Span[byte]{Interval: Between(day(2), day(4)), Value: 'B'},
	)
	require.ErrorIs(t, err, ErrInterval)
	_, err = New(Span[byte]{Interval: Between(day(3), day(3)), Value: 'A'})
	require.ErrorIs(t, err, ErrInterval)
	_, err = New(Span[byte]{Interval: Between(day(3), day(1)), Value: 'A'})
	require.ErrorIs(t, err, ErrInterval)
	_, err = New(Span[byte]{Interval: Between(Open, Open), Value: 'A'})
	require.ErrorIs(t, err, ErrInterval)
}

func TestAt(t *testing.T) {
	tl := ascii(t, "AA..B>")
	for d, want := range []string{"A", "A", ".", ".", "B", "B", "B"} {
		v, ok := tl.At(day(d))
		assert.Equal(t, want, val(v, ok), "day %d", d)
	}
	v, ok := tl.At(day(1000000))
	assert.Equal(t, "B", val(v, ok))
	_, ok = tl.At(day(-1))
	assert.False(t, ok)
	sp, ok := tl.SpanAt(day(5))
	require.True(t, ok)
	assert.Equal(t, "4-∞", span(sp.Interval))
}

func TestSetClearMap(t *testing.T) {
	tests := []struct {
		name, t, op, u, want string
	}{
		{"set inside a span splits it", "AAAAAA>", "set", "..BB", "AABBAA>"},
		{"set equal value is a no-op", "AAAAAA>", "set", "..AA", "AAAAAA>"},
		{"set over a gap fills it", "AA..AA", "set", "..AA", "AAAAAA"},
		{"set across spans", "AABBCC", "set", ".DDDD", "ADDDDC"},
		{"set open over everything after", "AABBCC", "set", "...D>", "AABD>"},
		{"set before everything", "...AA>", "set", "B", "B..AA>"},
		{"set after an open end", "AA>", "set", "....B", "AAAABA>"},
		{"clear terminates", "AAAAAA>", "clear", "...x>", "AAA"},
		{"clear a hole", "AAAAAA>", "clear", "..xx", "AA..AA>"},
		{"clear all", "AABB", "clear", "xxxx>", ""},
		{"clear nothing there", "AA", "clear", "....xx", "AA"},
		{"map changes only the days inside", "AABB..CC>", "map", ".xxxxxx", "Aabb..cC>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := ascii(t, tc.t)
			for sp := range ascii(t, tc.u).All() {
				switch tc.op {
				case "set":
					tl = tl.Set(sp.Interval, sp.Value)
				case "clear":
					tl = tl.Clear(sp.Interval)
				case "map":
					tl = tl.Map(sp.Interval, func(v byte) byte { return v + 'a' - 'A' })
				}
			}
			same(t, tc.want, tl)
		})
	}
}

func TestClip(t *testing.T) {
	tl := ascii(t, "AABBCC>")
	same(t, "..BBC", tl.Clip(Between(day(2), day(5))))
	same(t, "....CC>", tl.Clip(Since(day(4))))
	assert.True(t, tl.Clip(Between(day(-5), day(0))).IsEmpty())
}

func TestCoverageCoversOverlapsBounds(t *testing.T) {
	tl := ascii(t, "AB..CD>")
	cov := tl.Coverage()
	assert.Equal(t, 2, cov.Len())
	assert.Equal(t, "0-2", span(cov.Span(0).Interval))
	assert.Equal(t, "4-∞", span(cov.Span(1).Interval))
	assert.True(t, tl.Covers(Between(day(0), day(2))), "across a value change")
	assert.False(t, tl.Covers(Between(day(1), day(5))), "across a gap")
	assert.True(t, tl.Covers(Since(day(5))))
	assert.False(t, tl.Covers(Since(day(-1))))
	assert.True(t, tl.Overlaps(Between(day(1), day(5))))
	assert.False(t, tl.Overlaps(Between(day(2), day(4))))
	b, ok := tl.Bounds()
	require.True(t, ok)
	assert.Equal(t, "0-∞", span(b))
	_, ok = Timeline[byte]{}.Bounds()
	assert.False(t, ok)
}

func TestEndpoints(t *testing.T) {
	assert.Equal(t, []Date{day(0), day(1), day(2), day(4)}, ascii(t, "AB..C>").Endpoints())
	assert.Equal(t, []Date{day(1), day(3)}, ascii(t, ".AA").Endpoints())
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"both empty", "", "", ""},
		{"one empty", "AA.B", "", "0-2:A. 3-4:B."},
		{"union of endpoints", "AAAA..", "..BBBB", "0-2:A. 2-4:AB 4-6:.B"},
		{"shared gap left out", "A...A", "A...B", "0-1:AA 4-5:AB"},
		{"open ends", "AAC>", ".B>", "0-1:A. 1-2:AB 2-∞:CB"},
		{"one open one bounded", "A>", "..B", "0-2:A. 2-3:AB 3-∞:A."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range Split(ascii(t, tc.a), ascii(t, tc.b)) {
				got = append(got, span(s.Interval)+":"+val(s.A, s.HasA)+val(s.B, s.HasB))
			}
			assert.Equal(t, tc.want, strings.Join(got, " "))
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "AAB>", "AAB>", ""},
		{"terminated", "AAAA>", "AA", "2-∞:A>."},
		{"created", "", "..B>", "2-∞:.>B"},
		{"changed from a date", "AAAA>", "AABB>", "2-∞:A>B"},
		{"joined across segments", "AB..", "CCCC", "0-1:A>C 1-2:B>C 2-4:.>C"},
		{"same pair joined", "AAAA", "B..B", "0-1:A>B 1-3:A>. 3-4:A>B"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range Diff(ascii(t, tc.old), ascii(t, tc.new)) {
				got = append(got, span(c.Interval)+":"+val(c.Old, c.HasOld)+">"+val(c.New, c.HasNew))
			}
			assert.Equal(t, tc.want, strings.Join(got, " "))
		})
	}
}

func TestSubtractIntersect(t *testing.T) {
	tests := []struct {
		name, a, b, minus, and string
	}{
		// The manager-terminator cases: a role (A), engagements (E).
		{"open role clipped to a bounded engagement", "AAAAAA>", "EEE", "...AAA>", "AAA"},
		{"holes before, between and after", "AAAAAAAAA", ".EE..EE..", "A..AA..AA", ".AA..AA"},
		{"touching engagements count as one", "AAAAAA", "EEFFF.", ".....A", "AAAAA"},
		{"no engagement at all", "AB>", "", "AB>", ""},
		{"engagement everywhere", "AB", "EEEE>", "", "AB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := ascii(t, tc.a), ascii(t, tc.b)
			same(t, tc.minus, Subtract(a, b), "subtract")
			same(t, tc.and, Intersect(a, b), "intersect")
		})
	}
}

func TestString(t *testing.T) {
	tl := MustNew(
		Span[string]{Interval: Between(MustDate(2024, 1, 1), MustDate(2024, 3, 1)), Value: "A"},
		Span[string]{Interval: Since(MustDate(2024, 5, 1)), Value: "B"},
	)
	assert.Equal(t, "[2024-01-01, 2024-03-01) A; [2024-05-01, ∞) B", tl.String())
	assert.Equal(t, "(empty)", Timeline[string]{}.String())
}

func TestImmutable(t *testing.T) {
	tl := ascii(t, "AAAA>")
	_ = tl.Set(Between(day(1), day(2)), 'B')
	_ = tl.Clear(Since(day(2)))
	_ = tl.Map(Always, func(byte) byte { return 'Z' })
	s := tl.Spans()
	s[0].Value = 'Q'
	same(t, "AAAA>", tl)
}
