package rules

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLederNames checks the name rule on names in any script: it never
// panics, a `_leder` name keeps being one however its letters are cased,
// and the ignore prefix always wins.
func FuzzLederNames(f *testing.F) {
	for _, s := range []string{"Skole_leder", "Ø_Skole_leder", "ø_skole_LEDER", "_leder", "Ledelse led-adm", "Σχολείο_leder", "学校_leder", "a\x00_leder", " Skole_leder  ", "Øst_leder", "e\u0301_leder"} {
		f.Add(s, "_leder", "Ø_", "led-adm")
	}
	f.Fuzz(func(t *testing.T, name, suffix, ignore, marker string) {
		n := newNameRule(suffix, ignore, marker)
		got := n.isLeder(name)
		_ = n.isAdmin(name)
		if !utf8.ValidString(name) {
			return
		}
		if upper := strings.ToUpper(name); utf8.ValidString(upper) && len([]rune(upper)) == len([]rune(name)) && n.f.fold(upper) == n.f.fold(name) && n.isLeder(upper) != got {
			t.Fatalf("%q is a _leder unit: %v, upper-cased: %v", name, got, !got)
		}
		if got && n.ignore != "" && strings.HasPrefix(n.f.fold(name), n.ignore) {
			t.Fatalf("%q starts with the ignore prefix %q and still counts", name, ignore)
		}
		if err := checkName(name); err == nil && strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("checkName accepted the control characters in %q", name)
		}
	})
}
