package username

import (
	"fmt"
	"github.com/orgsync/orgsync/internal/shorten"
	"strings"
)

// Pattern is one OS2mo username combination, such as "FFLL" or "F1LX".
// Its letters are F (the first name), 1, 2, 3 (the middle names) and L
// (the surname); a run of the same letter takes that many leading letters
// of its part ("FFLL": two of the first name, two of the surname; "FLF":
// the first letter of the first name, of the surname, and of the first
// name again). X is a digit from 2 to 9, and every X of a pattern takes the
// same digit ("FLXX": ab22, ab33, …, ab99). A pattern that needs a part the
// person lacks, or more letters than a part has, gives no candidate.
type Pattern struct {
	src   string
	slots []slot
}

// slot is one character of a pattern: a letter of a part, or the digit.
type slot struct {
	part  int // partFirst, partLast, 1..3 for middle names; partDigit for X
	index int // which letter of the part
}

const (
	partFirst = 0
	partLast  = -1
	partDigit = -2
)

// ParsePattern parses a pattern. It is an error for a pattern to be empty,
// to hold other characters than F, 1, 2, 3, L and X, or to be longer than
// 64 characters.
func ParsePattern(s string) (Pattern, error) {
	if s == "" || len(s) > 64 {
		return Pattern{}, fmt.Errorf("username: pattern %q must have 1 to 64 characters", clip(s))
	}
	p := Pattern{src: s}
	run := 0
	for i := 0; i < len(s); i++ {
		var part int
		switch s[i] {
		case 'F':
			part = partFirst
		case 'L':
			part = partLast
		case '1', '2', '3':
			part = int(s[i] - '0')
		case 'X':
			part = partDigit
		default:
			return Pattern{}, fmt.Errorf("username: pattern %q: %q is not one of F, 1, 2, 3, L, X", clip(s), clip(s[i:i+1]))
		}
		if i > 0 && s[i] == s[i-1] {
			run++
		} else {
			run = 0
		}
		p.slots = append(p.slots, slot{part: part, index: run})
	}
	return p, nil
}

// MustParsePattern is ParsePattern for constants; it panics on error.
func MustParsePattern(s string) Pattern {
	p, err := ParsePattern(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.src }

// HasDigit reports whether the pattern has an X.
func (p Pattern) HasDigit() bool { return strings.IndexByte(p.src, 'X') >= 0 }

// appendCore appends the pattern's letters from the parts to dst, with X
// left as 'X', and reports false if the person lacks a part or a part is
// too short.
func (p Pattern) appendCore(dst []byte, parts Parts) ([]byte, bool) {
	for _, s := range p.slots {
		var src string
		switch {
		case s.part == partDigit:
			dst = append(dst, 'X')
			continue
		case s.part == partFirst:
			src = parts.First
		case s.part == partLast:
			src = parts.Last
		default:
			if s.part > len(parts.Middle) {
				return dst, false
			}
			src = parts.Middle[s.part-1]
		}
		if s.index >= len(src) {
			return dst, false
		}
		dst = append(dst, src[s.index])
	}
	return dst, true
}

// eachCandidate calls yield with the pattern's candidates for the parts,
// in order: the core alone if it has no X, else the core with every X as
// 2, then 3, …, 9. The slice yield gets is reused; it stops early when
// yield returns false, and reports whether it did.
func (p Pattern) eachCandidate(buf []byte, parts Parts, yield func([]byte) bool) bool {
	core, ok := p.appendCore(buf[:0], parts)
	if !ok {
		return true
	}
	if !p.HasDigit() {
		return yield(core)
	}
	for d := byte('2'); d <= '9'; d++ {
		for i, s := range p.slots {
			if s.part == partDigit {
				core[i] = d
			}
		}
		if !yield(core) {
			return false
		}
	}
	return true
}

// clip bounds outside text quoted in a message.
func clip(s string) string { return shorten.To(s, 60) }
