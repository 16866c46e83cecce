package username

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name is a person's name as the org model holds it.
type Name struct {
	// GivenNames are the first name and middle names, space-separated
	// ("Anne Sofie Marie").
	GivenNames string
	// Surname is the family name as written ("Møller-Hansen",
	// "van der Berg").
	Surname string
}

// SurnameRule says which part of a surname with several words (or
// hyphenated parts) usernames are made from.
type SurnameRule uint8

const (
	// SurnameWhole uses the whole surname, particles included, with the
	// spaces and hyphens dropped: "van der Berg" → "vanderberg",
	// "Møller-Hansen" → "moellerhansen". This is what OS2mo does.
	SurnameWhole SurnameRule = iota
	// SurnameFirst uses the first word that is not a particle:
	// "van der Berg" → "berg", "Møller-Hansen" → "moeller".
	SurnameFirst
	// SurnameLast uses the last word: "van der Berg" → "berg",
	// "Møller-Hansen" → "hansen".
	SurnameLast
)

// Particles are the lower-case words SurnameFirst skips: name particles
// of the languages Danish municipalities meet most.
var Particles = []string{"af", "al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du", "el", "ibn", "la", "le", "ten", "ter", "van", "von", "zu"}

// Parts are a name cut and normalised the way patterns read it: the first
// name, up to three middle names, and the surname, each a string of a-z.
type Parts struct {
	// First is the first given name ("F" in a pattern).
	First string
	// Middle are the middle names ("1", "2", "3"); OS2mo reads at most
	// three, and so does this.
	Middle []string
	// Last is the surname ("L"), by the surname rule.
	Last string
}

// MaxMiddleNames is the number of middle names patterns can name.
const MaxMiddleNames = 3

// parts cuts and normalises a name. Given names are split at white space
// (a hyphenated given name such as "Anne-Marie" is one name). A part with
// letters but none Latin becomes empty, so patterns that need it are
// skipped; if neither the first name nor the surname gives a letter, the
// name fails with ErrNoLatinLetters (or ErrEmptyName if it had no letters).
func (n *Normalizer) parts(name Name, rule SurnameRule) (Parts, error) {
	if len(name.GivenNames)+len(name.Surname) > MaxNameBytes {
		return Parts{}, &NameError{Part: "name", Err: ErrNameTooLong}
	}
	for _, part := range []struct{ name, text string }{{"given names", name.GivenNames}, {"surname", name.Surname}} {
		if !cleanText(part.text) {
			return Parts{}, &NameError{Part: part.name, Err: ErrBadText}
		}
	}
	var p Parts
	nonLatin := false
	given := strings.Fields(name.GivenNames)
	for i, g := range given {
		if i > MaxMiddleNames {
			break
		}
		s, letters := n.Part(g)
		nonLatin = nonLatin || (letters && s == "")
		if i == 0 {
			p.First = s
		} else {
			// An empty middle name keeps its place, as in OS2mo: "2"
			// still means the second middle name.
			p.Middle = append(p.Middle, s)
		}
	}
	last, letters := n.Part(surnameWords(name.Surname, rule))
	nonLatin = nonLatin || (letters && last == "")
	p.Last = last
	if p.First == "" && p.Last == "" {
		if nonLatin {
			return Parts{}, &NameError{Part: "name", Err: ErrNoLatinLetters}
		}
		return Parts{}, &NameError{Part: "name", Err: ErrEmptyName}
	}
	return p, nil
}

// surnameWords returns the words of the surname the rule picks, before
// normalisation.
func surnameWords(s string, rule SurnameRule) string {
	if rule == SurnameWhole {
		return s
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '‐' })
	if len(words) == 0 {
		return ""
	}
	if rule == SurnameLast {
		return words[len(words)-1]
	}
	for _, w := range words {
		if !isParticle(w) {
			return w
		}
	}
	return words[len(words)-1]
}

func isParticle(w string) bool {
	lw := strings.ToLower(strings.TrimRight(w, "'’"))
	for _, p := range Particles {
		if lw == p {
			return true
		}
	}
	return false
}

// CheckText returns a *NameError wrapping ErrBadText if s, a name or a
// part of one, is not UTF-8 or holds a control or invisible format
// character (see ErrBadText); nil otherwise.
func CheckText(s string) error {
	if !cleanText(s) {
		return &NameError{Part: "name", Err: ErrBadText}
	}
	return nil
}

// cleanText reports whether s is UTF-8 without control characters and
// without format characters other than the zero-width (non-)joiner.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d' {
			return false
		}
	}
	return true
}
