package adsync

import (
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// Change is one attribute that differs, with its old and new values (no
// values: absent or to be cleared).
type Change struct {
	// Attribute is the attribute's name.
	Attribute string `json:"attribute"`
	// Old are the values AD has.
	Old []string `json:"old"`
	// New are the values it should have.
	New []string `json:"new"`
}

// dnAttributes hold DNs: compared as DNs (case, spacing and escaping
// aside), as AD compares them.
var dnAttributes = map[string]bool{"manager": true, "managedby": true, "seealso": true, "secretary": true, "assistant": true}

// caseInsensitive are compared without regard to case, as AD and Exchange
// treat them: a mail address that differs only in case is the same
// address, and rewriting it would be churn.
var caseInsensitive = map[string]bool{"mail": true, "userprincipalname": true, "proxyaddresses": true, "samaccountname": true}

// Diff returns the attributes of want whose values differ from those of
// have: multi-valued attributes compared as sets, DN attributes as DNs,
// mail-like attributes without regard to case, everything else exactly.
// Attributes have does not mention are taken as absent. Only want's
// attributes are looked at: the engine touches mapped attributes only.
func Diff(want []connectors.Attribute, have *connectors.Entry) []Change {
	var out []Change
	for _, w := range want {
		var old []string
		if have != nil {
			old = have.Get(w.Name)
		}
		if !sameValues(w.Name, old, w.Values) {
			out = append(out, Change{Attribute: w.Name, Old: old, New: w.Values})
		}
	}
	return out
}

// sameValues compares two value sets of one attribute by its rules.
func sameValues(attr string, a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	if slices.Equal(a, b) {
		return true // the common case, without normalising
	}
	key := strings.ToLower(attr)
	norm := func(v string) string {
		switch {
		case dnAttributes[key]:
			if n, err := connectors.NormalizeDN(v); err == nil {
				return n
			}
		case caseInsensitive[key]:
			return connectors.FoldCase(v)
		}
		return v
	}
	na := make([]string, len(a))
	nb := make([]string, len(b))
	for i := range a {
		na[i] = norm(a[i])
	}
	for i := range b {
		nb[i] = norm(b[i])
	}
	slices.Sort(na)
	slices.Sort(nb)
	return slices.Equal(na, nb)
}
