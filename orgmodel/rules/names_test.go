package rules

import "testing"

func TestLederNames(t *testing.T) {
	n := newNameRule("_leder", "Ø_", "led-adm")
	for name, want := range map[string]bool{
		"Skole_leder":       true,
		"SKOLE_LEDER":       true,
		" Skole_leder ":     true,
		"Ø_Skole_leder":     false,
		"ø_skole_leder":     false,
		"_leder":            false, // nothing to manage by its name
		"Skole_ledere":      false,
		"Skole leder":       false,
		"Øster Skole_leder": true, // Ø, but not the prefix "Ø_"
		"Σχολείο_LEDER":     true,
		"e\u0301cole_leder": true,
		"Skole_leder\u200b": false,
		"Skole_leder\x00":   false,
		"Skole_le\u0301der": false,
	} {
		if got := n.isLeder(name); got != want {
			t.Errorf("isLeder(%q) = %v, want %v", name, got, want)
		}
	}
	if !n.isAdmin("Ældreplejen led-adm") || !n.isAdmin("ÆLDREPLEJEN LED-ADM") || n.isAdmin("led-adm Ældreplejen") {
		t.Error("led-adm is a suffix, compared case-insensitively")
	}
	none := newNameRule("_leder", "-", "-")
	if !none.isLeder("Ø_Skole_leder") || none.isAdmin("x led-adm") {
		t.Error(`"-" turns the ignore prefix and the admin marker off`)
	}
}
