package orgmodel

import (
	"slices"
	"strings"
)

// Keys is an immutable, ordered set of class keys, such as a manager's
// responsibilities. It is comparable, so attribute values holding it can be
// compared with == and merged in timelines. The zero Keys is empty.
type Keys struct {
	// joined holds the sorted, distinct keys separated by NUL, which no
	// valid key contains.
	joined string
	// bad records that a key held a NUL, which would have split it; the
	// model rejects such a set.
	bad bool
}

// NewKeys returns the set of the keys, sorted and without duplicates.
// Empty strings are dropped.
func NewKeys(keys ...string) Keys {
	s := slices.Clone(keys)
	bad := slices.ContainsFunc(s, func(k string) bool { return strings.IndexByte(k, 0) >= 0 })
	s = slices.DeleteFunc(s, func(k string) bool { return k == "" })
	slices.Sort(s)
	s = slices.Compact(s)
	return Keys{joined: strings.Join(s, "\x00"), bad: bad}
}

// All returns the keys in order.
func (k Keys) All() []string {
	if k.joined == "" {
		return nil
	}
	return strings.Split(k.joined, "\x00")
}

// Len returns the number of keys.
func (k Keys) Len() int {
	if k.joined == "" {
		return 0
	}
	return strings.Count(k.joined, "\x00") + 1
}

// Has reports whether key is in the set.
func (k Keys) Has(key string) bool { return slices.Contains(k.All(), key) }

// String returns the keys separated by ", ".
func (k Keys) String() string { return strings.Join(k.All(), ", ") }
