package username

import "bytes"

// reservedNames are the device names Windows refuses as file and account
// names. They are always forbidden, whatever the configuration says.
var reservedNames = func() map[string]bool {
	m := map[string]bool{"con": true, "prn": true, "aux": true, "nul": true}
	for d := '1'; d <= '9'; d++ {
		m["com"+string(d)] = true
		m["lpt"+string(d)] = true
	}
	return m
}()

// forbidden holds the normalised forbidden words.
type forbidden struct {
	exact      map[string]bool
	substrings [][]byte
}

// newForbidden normalises the configured words with n, so "Ærø" forbids
// "aeroe". Words that normalise to nothing are dropped: they could never
// match.
func newForbidden(n *Normalizer, exact, substrings []string) forbidden {
	f := forbidden{exact: make(map[string]bool, len(exact))}
	for _, w := range exact {
		if s, _ := n.Part(w); s != "" {
			f.exact[s] = true
		}
	}
	for _, w := range substrings {
		if s, _ := n.Part(w); s != "" {
			f.substrings = append(f.substrings, []byte(s))
		}
	}
	return f
}

// check returns why a candidate (lower-case a-z0-9) is forbidden, or "".
// An exact word also forbids itself with digits after it, as OS2mo does
// ("dick" forbids "dick2"); a substring word forbids every candidate that
// contains it.
func (f forbidden) check(candidate []byte) string {
	core := bytes.TrimRight(candidate, "0123456789")
	switch {
	case reservedNames[string(candidate)]:
		return "a name Windows reserves"
	case f.exact[string(candidate)] || f.exact[string(core)]:
		return "a forbidden name"
	}
	for _, w := range f.substrings {
		if bytes.Contains(candidate, w) {
			return "contains a forbidden word"
		}
	}
	return ""
}
