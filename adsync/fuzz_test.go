package adsync

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orgsync/orgsync/connectors"
)

// FuzzMapping feeds the mapping any template: it compiles, or it is
// refused with a *MappingError naming the attribute; what compiles renders
// the sample without a panic.
func FuzzMapping(f *testing.F) {
	for _, s := range []string{
		"{{.Person.GivenNames}} {{.Person.Surname}}", "{{.Unit.Nope}}", "{{cpr .}}", "{{", "{{(level . \"NY1-niveau\").Name}}",
		"{{range .Ancestors}}{{.Name}},{{end}}", "{{initials .Person.GivenNames}}", "{{default \"x\" .Username}}", "\x00", "{{template \"x\"}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m := Mapping{Attributes: map[string]string{"description": src}}
		err := m.Compile()
		if err != nil {
			var me *MappingError
			if !errors.As(err, &me) || me.Attribute != "description" {
				t.Fatalf("error %v is not a *MappingError for description", err)
			}
			return
		}
		if _, err := m.Render(sampleData()); err != nil {
			var me *MappingError
			if !errors.As(err, &me) {
				t.Fatalf("render error %v is not a *MappingError", err)
			}
		}
	})
}

// FuzzAccountNames checks the names the engine builds DNs from: for any
// unit name and any person's name, the mirrored OU is a DN whose first RDN
// is the unit's name, an account created there is in that OU and carries
// that name, so that a second plan neither moves nor renames it.
func FuzzAccountNames(f *testing.F) {
	for _, s := range [][2]string{
		{"Skolen", "Bo Ek"}, {"Løn, Personale", `Ann "Anna" Berg`}, {"#1 + 2", " leading"}, {`a\b`, "trailing "},
		{"=;<>", "Ølse Ærø"}, {"日本語", "Ω"}, {"x\x00y", "NUL\x00"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, unit, name string) {
		if !utf8.ValidString(unit) || !utf8.ValidString(name) || strings.TrimSpace(unit) == "" || strings.TrimSpace(name) == "" {
			return // the org model refuses these before they reach the engine
		}
		r := OURule{Mode: "mirror", Base: "OU=Org,DC=example,DC=org"}
		d := sampleData()
		d.Unit.Name = unit
		d.Ancestors = nil
		ou, err := r.Target(d)
		if err != nil {
			return // refused, not mangled
		}
		rdn, parent, err := connectors.SplitDN(ou)
		if err != nil || rdn.Value != unit || !connectors.EqualDN(parent, r.Base) {
			t.Fatalf("mirror OU %q for unit %q: rdn %q parent %q err %v", ou, unit, rdn.Value, parent, err)
		}
		dn, err := connectors.JoinDN("CN", name, ou)
		if err != nil {
			return
		}
		if !inOU(dn, ou) {
			t.Fatalf("%q is not seen in %q", dn, ou)
		}
		if !named(dn, name) {
			t.Fatalf("%q is not seen as named %q", dn, name)
		}
		if other := name + "x"; named(dn, other) && !strings.HasPrefix(other, name+" ") {
			t.Fatalf("%q is seen as named %q too", dn, other)
		}
	})
}
