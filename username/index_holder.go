package username

import (
	"slices"
	"strings"
)

// Claim is a name with one claim on it, for adding many at once.
type Claim struct {
	// Name is the claimed name; it is lower-cased when added.
	Name string
	// Holding is the claim.
	Holding Holding
}

// DirectoryPlaces are the places a directory account holds names in: what
// LoadDirectory reads and what a change to an account replaces.
var DirectoryPlaces = []Where{InSAMAccountName, InUPN, InMail, InProxyAddresses}

// Replace drops every claim that the holders have in the given places and
// adds claims, in one step: a concurrent lookup sees either the old claims
// or the new ones, never a gap in which a name an account keeps looks
// free. It is how a changed or deleted account's names are brought up to
// date; claims in other places (history, lists) are left alone. It costs
// the holders' own claims, not a walk of the index.
func (x *Index) Replace(places []Where, holders []string, claims []Claim) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, holder := range holders {
		drop := func(h Holding) bool { return h.Holder == holder && slices.Contains(places, h.Where) }
		for _, name := range x.byHolder[holder] {
			x.drop(name, drop)
		}
		x.forget(holder)
	}
	for _, c := range claims {
		x.add(strings.ToLower(c.Name), c.Holding)
	}
}
