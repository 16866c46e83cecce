package auth

import "strings"

// SafeReturnTo returns s if it is a path on this site, and "/" otherwise,
// so that a login link cannot send the user on to another site (an open
// redirect). A local path starts with "/" but not "//" or "/\" (which
// browsers read as another host), and has no control characters (browsers
// drop tabs and newlines from URLs, so "/\t/evil.example" would become
// "//evil.example").
func SafeReturnTo(s string) string {
	if len(s) == 0 || s[0] != '/' || len(s) > 2048 {
		return "/"
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return "/"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return s
}
