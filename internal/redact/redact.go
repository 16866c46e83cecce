package redact

import (
	"regexp"
	"strings"
)

// nationalID matches a CPR number (ddmmyy-ssss, ddmmyyssss) or a Swedish
// personnummer (yymmdd-ssss, yymmdd+ssss, yyyymmdd-ssss, yyyymmddssss) that
// is not part of a longer run of digits.
var nationalID = regexp.MustCompile(`(^|[^0-9])((?:[0-9]{2})?[0-9]{6})[-+ ]?([0-9]{4})($|[^0-9])`)

// uuid matches a UUID in its canonical text form. Its first groups can
// have the shape of a personnummer (12345678-1234), and ids in error
// messages must stay whole, so UUIDs are left out of the masking. The
// price: a personnummer hidden in the first groups of a well-formed UUID
// passes; no source writes one there by accident.
var uuid = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// NationalIDs returns s with the last four digits of every national identity
// number in it replaced by "xxxx". UUIDs in s are kept as they are.
func NationalIDs(s string) string {
	spans := uuidSpans(s)
	if spans == nil {
		return mask(s)
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(mask(s[last:sp[0]]))
		b.WriteString(s[sp[0]:sp[1]])
		last = sp[1]
	}
	b.WriteString(mask(s[last:]))
	return b.String()
}

// uuidSpans returns where the UUIDs standing alone in s are. Only a UUID
// standing alone is one: "0101901234-1234-…" holds a CPR number whose tail
// looks like the start of a UUID.
func uuidSpans(s string) [][2]int {
	var out [][2]int
	for _, loc := range uuid.FindAllStringIndex(s, -1) {
		if loc[0] > 0 && isWord(s[loc[0]-1]) || loc[1] < len(s) && isWord(s[loc[1]]) {
			continue
		}
		out = append(out, [2]int{loc[0], loc[1]})
	}
	return out
}

func isWord(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-'
}

// mask masks the national ids in a text without UUIDs.
func mask(s string) string {
	// Matches can share their delimiting characters ("0101901234,0101901234"),
	// so apply until nothing changes; each pass masks at least one number.
	for {
		r := nationalID.ReplaceAllString(s, "${1}${2}-xxxx${4}")
		if r == s {
			return r
		}
		s = r
	}
}
