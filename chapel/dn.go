package chapel

import (
	"slices"

	"github.com/orgsync/orgsync/connectors"
)

// dnKey is a DN parsed once and case-folded, so the checks a run makes for
// every account (in the chapel? under a protected OU?) compare slices
// instead of parsing DNs again and again.
type dnKey []connectors.RDN

// keyOf parses and folds a DN; nil if it does not parse.
func keyOf(dn string) dnKey {
	k, _ := parse(dn)
	return k
}

// parse parses a DN once into its folded key and its parent's DN as
// written (for a stamp's "from"); nil and "" if it does not parse.
func parse(dn string) (dnKey, string) {
	rdns, err := connectors.ParseDN(dn)
	if err != nil || len(rdns) == 0 {
		return nil, ""
	}
	parent := connectors.FormatDN(rdns[1:])
	for i := range rdns {
		rdns[i] = connectors.RDN{Type: connectors.FoldCase(rdns[i].Type), Value: connectors.FoldCase(rdns[i].Value)}
	}
	return rdns, parent
}

// under reports whether k is ou or below it.
func (k dnKey) under(ou dnKey) bool {
	return len(ou) > 0 && len(k) >= len(ou) && slices.Equal(k[len(k)-len(ou):], ou)
}

// childOf reports whether k is directly below ou.
func (k dnKey) childOf(ou dnKey) bool { return len(k) == len(ou)+1 && k.under(ou) }
