package redact

import "regexp"

// nationalID matches a CPR number (ddmmyy-ssss, ddmmyyssss) or a Swedish
// personnummer (yymmdd-ssss, yymmdd+ssss, yyyymmdd-ssss, yyyymmddssss) that
// is not part of a longer run of digits.
var nationalID = regexp.MustCompile(`(^|[^0-9])((?:[0-9]{2})?[0-9]{6})[-+ ]?([0-9]{4})($|[^0-9])`)

// NationalIDs returns s with the last four digits of every national identity
// number in it replaced by "xxxx".
func NationalIDs(s string) string {
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
