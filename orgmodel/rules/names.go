package rules

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxName bounds a configured name part, so a broken configuration file
// cannot make every unit name comparison slow.
const maxName = 256

// checkName validates a configured name part (a suffix, prefix or marker).
func checkName(s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case len(s) > maxName:
		return errors.New("is longer than 256 bytes")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return errors.New("contains a control character")
	}
	return nil
}

// folder compares unit names as people read them: Unicode case folding
// ("Ø_" and "ø_", "LEDER" and "leder"), composed and decomposed letters
// alike, surrounding spaces ignored.
type folder struct{ c cases.Caser }

func newFolder() *folder { return &folder{c: cases.Fold()} }

func (f *folder) fold(s string) string {
	return f.c.String(norm.NFC.String(strings.TrimSpace(s)))
}

// nameRule decides from a unit's name whether it is a `_leder` unit and
// whether a parent is a `led-adm` unit. Parts set to "-" match nothing.
type nameRule struct {
	f                      *folder
	suffix, ignore, marker string // folded; "" matches nothing
}

func newNameRule(suffix, ignore, marker string) *nameRule {
	f := newFolder()
	part := func(s string) string {
		if s == "-" {
			return ""
		}
		return f.fold(s)
	}
	return &nameRule{f: f, suffix: part(suffix), ignore: part(ignore), marker: part(marker)}
}

// isLeder reports whether a unit with the name marks its members as
// managers of its parent.
func (n *nameRule) isLeder(name string) bool {
	if n.suffix == "" {
		return false
	}
	s := n.f.fold(name)
	return len(s) > len(n.suffix) && strings.HasSuffix(s, n.suffix) && (n.ignore == "" || !strings.HasPrefix(s, n.ignore))
}

// isAdmin reports whether a parent with the name gives its manager the
// grandparent too.
func (n *nameRule) isAdmin(name string) bool {
	return n.marker != "" && strings.HasSuffix(n.f.fold(name), n.marker)
}
