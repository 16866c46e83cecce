package username

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// DefaultReplacements are the letters that do not become what people expect
// by stripping accents: the Nordic and German letters, and the Latin
// letters with strokes and ligatures that Unicode does not decompose. Keys
// are lower-case; matching is case-insensitive.
var DefaultReplacements = map[string]string{
	"æ": "ae", "ø": "oe", "å": "aa",
	"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
	"ł": "l", "đ": "d", "ð": "d", "þ": "th", "œ": "oe", "ı": "i",
	"ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "q", "ŋ": "n", "ſ": "s",
}

// ErrNoLatinLetters is returned (wrapped in a *NameError) for a name with
// no letter that becomes a Latin letter, such as one written only in Greek,
// Cyrillic, Arabic or Han script, when no fallback is configured.
var ErrNoLatinLetters = errors.New("username: the name has no Latin letters")

// ErrEmptyName is returned (wrapped in a *NameError) for a name without
// letters at all.
var ErrEmptyName = errors.New("username: the name is empty")

// ErrNameTooLong is returned (wrapped in a *NameError) for a name longer
// than MaxNameBytes.
var ErrNameTooLong = errors.New("username: the name is too long")

// ErrBadText is returned (wrapped in a *NameError) for a name that is
// not valid UTF-8 or holds characters no name has: control characters
// (a line break, an escape, NUL) and invisible format characters (bidi
// overrides, zero-width spaces, byte-order marks). The zero-width joiner
// and non-joiner, which Persian and Indic names need, are let through.
var ErrBadText = errors.New("username: the name holds control or invisible format characters, or is not UTF-8")

// MaxNameBytes bounds the names the generator accepts. No person's name is
// this long; a longer one is a broken source, refused before any work.
const MaxNameBytes = 1024

// NameError says why a name cannot give a username. It never holds the
// name itself, which is personal data.
type NameError struct {
	// Part is the name part at fault: "given names", "surname" or "name".
	Part string
	// Err is ErrNoLatinLetters, ErrEmptyName, ErrNameTooLong or
	// ErrBadText.
	Err error
}

// Error describes the problem.
func (e *NameError) Error() string { return fmt.Sprintf("%v (%s)", e.Err, e.Part) }

// Unwrap returns the reason, for errors.Is.
func (e *NameError) Unwrap() error { return e.Err }

// Normalizer turns a name part into the lower-case letters a-z that
// usernames are made of: it folds case, applies the replacements, strips
// accents from what is left (é→e, ç→c) and drops everything that is not a
// Latin letter (digits, punctuation, spaces, hyphens, other scripts).
// A Normalizer is immutable and safe for concurrent use.
type Normalizer struct {
	repl *strings.Replacer
	// asciiKeys reports whether a replacement key is plain ASCII; if none
	// is, an ASCII name needs no replacing at all.
	asciiKeys bool
}

// NewNormalizer returns a Normalizer with the replacements: nil means
// DefaultReplacements; to extend them, copy DefaultReplacements and add.
// Keys are matched case-insensitively (they are case-folded here);
// replacement values are normalised like names, so "Å" and "aa" both work.
// A key that folds to nothing is an error.
func NewNormalizer(replacements map[string]string) (*Normalizer, error) {
	if replacements == nil {
		replacements = DefaultReplacements
	}
	keys := make([]string, 0, len(replacements))
	folded := make(map[string]string, len(replacements))
	for k, v := range replacements {
		fk := fold(k)
		if fk == "" {
			return nil, fmt.Errorf("username: replacement key %q is empty after case folding", k)
		}
		folded[fk] = v
		keys = append(keys, fk)
	}
	// Longer keys first, so "aa" wins over "a" where both match.
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, fold(folded[k]))
	}
	n := &Normalizer{repl: strings.NewReplacer(pairs...)}
	for _, k := range keys {
		n.asciiKeys = n.asciiKeys || isASCII(k)
	}
	return n, nil
}

// fold returns s in NFC, case-folded. ASCII needs neither step but
// lower-casing, which is most names' fast path.
func fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	return cases.Fold().String(norm.NFC.String(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Part normalises one name part. It reports whether the part had letters
// at all (so a caller can tell "no Latin letters" from "empty").
func (n *Normalizer) Part(s string) (out string, hadLetters bool) {
	if s = fold(s); n.asciiKeys || !isASCII(s) {
		s = n.repl.Replace(s)
	}
	// Decompose, so accents become marks of their own that the loop
	// below drops with everything else that is not a-z.
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
			hadLetters = true
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			hadLetters = true
		case unicode.IsLetter(r):
			hadLetters = true
		}
	}
	return b.String(), hadLetters
}
