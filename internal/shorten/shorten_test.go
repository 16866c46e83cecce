package shorten

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTo(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"kort", 10, "kort"},
		{"abcdef", 3, "abc…"},
		{"æøå", 3, "æ…"}, // æ is two bytes; the cut does not split ø
		{"", 0, ""},
	} {
		if got := To(tc.in, tc.n); got != tc.want {
			t.Errorf("To(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// FuzzString checks that the result is valid UTF-8 whenever the input is,
// and never longer than the bound plus the ellipsis.
func FuzzTo(f *testing.F) {
	f.Add("Søren Ærø Østergård", 5)
	f.Add(strings.Repeat("ø", 100), 41)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1<<20 {
			return
		}
		got := To(s, n)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("To(%q, %d) = %q is not UTF-8", s, n, got)
		}
		if len(got) > n+len("…") && got != s {
			t.Fatalf("To(%q, %d) = %q is too long", s, n, got)
		}
	})
}
