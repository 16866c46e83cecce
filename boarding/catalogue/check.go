package catalogue

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The limits on a catalogue's strings.
const (
	// maxID is the most bytes in an ID or resource key: they go into
	// orders, tasks and dedup keys.
	maxID = 128
	// maxName is the most bytes in a name, title or unit reference.
	maxName = 200
	// maxDN is the most bytes in a group's distinguished name.
	maxDN = 1024
)

// dateLayout is how a file writes a date.
const dateLayout = "2006-01-02"

// checkID says what is wrong with an ID or key, or "". An ID is a stable
// key that ends up in orders, tasks, mails and file names, so it is
// ASCII letters, digits, '-', '_' and '.', starting with a letter or
// digit.
func checkID(what, s string) string {
	switch {
	case s == "":
		return "needs " + what
	case len(s) > maxID:
		return fmt.Sprintf("%q: at most %d bytes", clip(s), maxID)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_' && c != '.') {
			return fmt.Sprintf("%q: an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit", clip(s))
		}
	}
	return ""
}

// checkText says what is wrong with a name, title or reference, or "":
// it must be there, be UTF-8 and fit, and hold no control characters,
// which would break a mail's header or a report's line.
func checkText(what, s string, max int) string {
	if strings.TrimSpace(s) == "" {
		return "needs " + what
	}
	if len(s) > max {
		return fmt.Sprintf("%d bytes; the most is %d", len(s), max)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return "not valid UTF-8"
		}
		if unicode.IsControl(r) {
			return fmt.Sprintf("holds the control character %U", r)
		}
		i += n
	}
	return ""
}

// checkMail says what is wrong with a mail address, or "": it must be a
// bare address that parses as itself, without a display name or angle
// brackets, since tasks and digests are sent to it as written.
func checkMail(s string) string {
	if p := checkText("a mail address", s, maxName); p != "" {
		return p
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Sprintf("%q is not a bare mail address like it-support@kommune.dk", clip(s))
	}
	return ""
}

// checkDN says what is wrong with a group's distinguished name, or "".
// Only its form is checked (attribute=value parts); whether the group
// exists is the connector's business.
func checkDN(s string) string {
	if p := checkText("a group DN", s, maxDN); p != "" {
		return p
	}
	for _, rdn := range splitDN(s) {
		attr, value, ok := strings.Cut(rdn, "=")
		if !ok || strings.TrimSpace(attr) == "" || strings.TrimSpace(value) == "" {
			return fmt.Sprintf("%q is not a distinguished name like CN=Lærere,OU=Grupper,DC=kommune,DC=dk", clip(s))
		}
	}
	return ""
}

// splitDN splits a DN at its unescaped commas.
func splitDN(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// parseDate parses a date as a file writes it, or says what is wrong.
func parseDate(s string) (time.Time, string) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%q is not a date like 2026-08-01", clip(s))
	}
	return t, ""
}

// clip shortens a value for a message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
