package inventory_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/inventory"
)

// FuzzSerial checks that a serial is stored only if it is clean text
// that fits, and that a stored one comes back as it went in.
func FuzzSerial(f *testing.F) {
	for _, s := range []string{"SN-1", "", " ", "PF3K9Z", "Æ-42 ü 漢字", "SN\x00", "a\nb", "\x7f", "\u0085", "\xff\xfe",
		"\xc3\x28", "=cmd|' /C calc'!A0", " x", "x ", strings.Repeat("9", 128), strings.Repeat("9", 129), "\u200b", "\U0001F4BB"} {
		f.Add(s, "bemærkning")
	}
	f.Fuzz(func(t *testing.T, serial, note string) {
		s := inventory.NewMemStore()
		a := &inventory.Asset{ID: uuid.New(), Kind: "pc", Serial: serial, Status: inventory.Ready, Note: note, Version: 1}
		err := s.Add(bg, a, nil)
		clean := func(s string, max int) bool {
			return len(s) <= max && utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
		}
		want := clean(serial, inventory.MaxSerialBytes) && strings.TrimSpace(serial) == serial && serial != "" &&
			clean(note, inventory.MaxNoteBytes)
		all, lerr := s.List(bg, inventory.Query{})
		if lerr != nil {
			t.Fatal(lerr)
		}
		if !want {
			var ie *inventory.InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("Add(%q, %q) = %v, want an *InvalidError", serial, note, err)
			}
			if len(all) != 0 {
				t.Fatalf("Add(%q) refused, yet stored", serial)
			}
			return
		}
		if err != nil {
			t.Fatalf("Add(%q, %q) = %v, want it stored", serial, note, err)
		}
		if len(all) != 1 || all[0].Serial != serial || all[0].Note != note {
			t.Fatalf("Add(%q, %q) stored %+v", serial, note, all)
		}
	})
}
