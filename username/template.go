package username

import (
	"bytes"
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
	if !strings.Contains(t, "{") {
		return t, true
	}
	var b strings.Builder
	b.Grow(len(t) + len(p.First) + len(p.Last))
	for len(t) > 0 {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		b.WriteString(t[:i])
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			return "", false
		}
		v, required := placeholder(t[i:i+j+1], p, username)
		if required && v == "" {
			return "", false
		}
		b.WriteString(v)
		t = t[i+j+1:]
	}
	return cleanDots(b.String()), true
}

// placeholder returns a placeholder's value and whether it must not be
// empty ({middle} and {m} may be: not everyone has a middle name).
func placeholder(ph string, p Parts, username string) (string, bool) {
	switch ph {
	case "{first}":
		return p.First, true
	case "{f}":
		return initial(p.First), true
	case "{last}":
		return p.Last, true
	case "{l}":
		return initial(p.Last), true
	case "{username}":
		return username, true
	case "{middle}", "{m}":
		var b strings.Builder
		for _, s := range p.Middle {
			if ph == "{m}" {
				s = initial(s)
			}
			b.WriteString(s)
		}
		return b.String(), false
	}
	return "", true
}

func initial(s string) string {
	if s == "" {
		return ""
	}
	return s[:1]
}

// cleanDots removes the dots an empty {middle} leaves ("anne..hansen").
func cleanDots(s string) string {
	if !strings.Contains(s, "..") && !strings.HasPrefix(s, ".") && !strings.HasSuffix(s, ".") {
		return s
	}
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	return strings.Trim(s, ".")
}

// validLocalPart reports whether s is an RFC 5321 dot-atom local part
// made of the characters the templates allow: no leading, trailing or
// doubled dot, at most 64 octets.
func validLocalPart(s []byte) bool {
	if len(s) == 0 || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || bytes.Contains(s, []byte("..")) {
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
