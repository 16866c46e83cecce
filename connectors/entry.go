package connectors

import "strings"

// ID is an object's stable identifier in a directory: it survives renames
// and moves. For Active Directory it is the objectGUID, written as a
// lower-case UUID ("0b6567f2-5010-428a-a2a2-31ac057b138f").
type ID string

// Attribute is a named attribute with its values. Values are the raw octets
// of each value (UTF-8 text for text attributes); a Go string carries any
// bytes.
type Attribute struct {
	Name   string   // the attribute's name, e.g. "sAMAccountName"
	Values []string // its values; none means the attribute is absent
}

// Entry is an object read from a directory.
type Entry struct {
	// ID is the object's stable identifier.
	ID ID
	// DN is the object's distinguished name as the directory writes it.
	// Compare DNs with [EqualDN], never as strings.
	DN string
	// Disabled reports whether the object is an account that cannot log on
	// (in AD, userAccountControl has ACCOUNTDISABLE). It is false for
	// objects that are not accounts.
	Disabled bool
	// Attributes are the attributes read, in no particular order, each
	// named once. Attribute names compare case-insensitively: use [Entry.Get].
	Attributes []Attribute
}

// Get returns the values of the named attribute (case-insensitively), or
// nil if the entry has none.
func (e *Entry) Get(name string) []string {
	for _, a := range e.Attributes {
		if strings.EqualFold(a.Name, name) {
			return a.Values
		}
	}
	return nil
}

// Has reports whether the named attribute has the value, compared as AD
// compares names and object classes: case-insensitively ([FoldCase]).
func (e *Entry) Has(name, value string) bool {
	want := FoldCase(value)
	for _, v := range e.Get(name) {
		if FoldCase(v) == want {
			return true
		}
	}
	return false
}

// First returns the first value of the named attribute, or "".
func (e *Entry) First(name string) string {
	if v := e.Get(name); len(v) > 0 {
		return v[0]
	}
	return ""
}
