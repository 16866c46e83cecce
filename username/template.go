package username

import (
	"fmt"
	"strings"
)

var placeholders = []string{"{first}", "{f}", "{middle}", "{m}", "{last}", "{l}", "{username}"}

// checkTemplate reports a template with an unknown placeholder or
// characters an e-mail local part cannot hold.
func checkTemplate(t string) error {
	rest := t
	for _, p := range placeholders {
		rest = strings.ReplaceAll(rest, p, "")
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c == '.' || c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return fmt.Errorf("username: template %q: %q is not a placeholder or one of a-z 0-9 . - _", clip(t), clip(rest[i:]))
		}
	}
	if !strings.Contains(t, "{") {
		return fmt.Errorf("username: template %q has no placeholder", clip(t))
	}
	return nil
}

// expand fills a template from the parts and the username. It reports
// false if a placeholder's part is empty, so "{first}.{last}" is skipped
// for a person without a surname.
func expand(t string, p Parts, username string) (string, bool) {
	var middle, m strings.Builder
	for _, s := range p.Middle {
		middle.WriteString(s)
		if s != "" {
			m.WriteByte(s[0])
		}
	}
	vals := map[string]string{
		"{first}": p.First, "{f}": initial(p.First), "{middle}": middle.String(), "{m}": m.String(),
		"{last}": p.Last, "{l}": initial(p.Last), "{username}": username,
	}
	out := t
	for _, ph := range placeholders {
		if !strings.Contains(out, ph) {
			continue
		}
		if vals[ph] == "" && ph != "{middle}" && ph != "{m}" {
			return "", false
		}
		out = strings.ReplaceAll(out, ph, vals[ph])
	}
	return cleanDots(out), true
}

func initial(s string) string {
	if s == "" {
		return ""
	}
	return s[:1]
}

// cleanDots removes the dots an empty {middle} leaves ("anne..hansen").
func cleanDots(s string) string {
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	return strings.Trim(s, ".")
}

// validLocalPart reports whether s is an RFC 5321 dot-atom local part
// made of the characters the templates allow: no leading, trailing or
// doubled dot, at most 64 octets.
func validLocalPart(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
