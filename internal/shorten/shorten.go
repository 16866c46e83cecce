package shorten

import "unicode/utf8"

// To returns s if it has at most n bytes, and otherwise its longest
// prefix of at most n bytes that ends at a character boundary, followed
// by "…".
func To(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
