package connectors

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// FilterOp is the operator of a [Filter].
type FilterOp uint8

// The filter operators. The zero value, MatchAll, matches every entry.
const (
	MatchAll FilterOp = iota
	OpAnd
	OpOr
	OpNot
	OpEqual
	OpPresent
	OpSubstring
	OpGreaterOrEqual
	OpLessOrEqual
	// OpBitAnd matches integer attributes that have every bit of Value set
	// (AD's LDAP_MATCHING_RULE_BIT_AND, 1.2.840.113556.1.4.803).
	OpBitAnd
)

// Filter selects entries in a search. It is data, not text: values are
// escaped only when a connector writes the filter in its server's syntax,
// so no value can change a filter's structure (no LDAP injection). Build
// filters with the constructors ([Eq], [And], [HasPrefix], …); the zero
// Filter matches everything.
type Filter struct {
	// Op is the test, or how Sub combine.
	Op FilterOp
	// Attr is the attribute tested.
	Attr string
	// Value is the value compared with (for OpBitAnd, the mask).
	Value string
	// Initial is the start of a substring filter's pattern:
	// Initial*Any[0]*Any[1]*…*Final.
	Initial string
	// Any are the middle parts of a substring filter's pattern.
	Any []string
	// Final is the end of a substring filter's pattern.
	Final string
	// Sub are the operands of And, Or (one or more) and Not (exactly one).
	Sub []Filter
}

// Eq matches entries whose attr has the value (compared as the directory
// compares that attribute; in AD, most text case-insensitively).
func Eq(attr, value string) Filter { return Filter{Op: OpEqual, Attr: attr, Value: value} }

// Present matches entries that have attr.
func Present(attr string) Filter { return Filter{Op: OpPresent, Attr: attr} }

// HasPrefix matches entries with a value of attr that starts with prefix.
func HasPrefix(attr, prefix string) Filter {
	return Filter{Op: OpSubstring, Attr: attr, Initial: prefix}
}

// HasSuffix matches entries with a value of attr that ends with suffix.
func HasSuffix(attr, suffix string) Filter {
	return Filter{Op: OpSubstring, Attr: attr, Final: suffix}
}

// Contains matches entries with a value of attr that contains s.
func Contains(attr, s string) Filter {
	return Filter{Op: OpSubstring, Attr: attr, Any: []string{s}}
}

// GreaterOrEqual matches entries with a value of attr ≥ value (numerically
// for integer attributes).
func GreaterOrEqual(attr, value string) Filter {
	return Filter{Op: OpGreaterOrEqual, Attr: attr, Value: value}
}

// LessOrEqual matches entries with a value of attr ≤ value.
func LessOrEqual(attr, value string) Filter {
	return Filter{Op: OpLessOrEqual, Attr: attr, Value: value}
}

// BitAnd matches entries whose integer attr has every bit of mask set.
func BitAnd(attr string, mask uint32) Filter {
	return Filter{Op: OpBitAnd, Attr: attr, Value: strconv.FormatUint(uint64(mask), 10)}
}

// And matches entries that match every filter.
func And(f ...Filter) Filter { return Filter{Op: OpAnd, Sub: f} }

// Or matches entries that match any filter.
func Or(f ...Filter) Filter { return Filter{Op: OpOr, Sub: f} }

// Not matches entries that do not match f.
func Not(f Filter) Filter { return Filter{Op: OpNot, Sub: []Filter{f}} }

// Limits on a filter's size, so that a filter built from hostile input
// cannot exhaust the server or the in-memory directory.
const (
	maxFilterDepth = 32
	maxFilterNodes = 2048
)

// Validate checks the filter's structure: known operators, attribute
// names that are attribute names, operands where they belong, UTF-8 values,
// and bounded size. Connectors call it before searching; an invalid filter
// is an Invalid error.
func (f Filter) Validate() error {
	nodes := 0
	return f.validate(0, &nodes)
}

func (f Filter) validate(depth int, nodes *int) error {
	*nodes++
	if depth > maxFilterDepth || *nodes > maxFilterNodes {
		return Errorf(Invalid, "filter", "the filter is too large (more than %d levels or %d terms)", maxFilterDepth, maxFilterNodes)
	}
	switch f.Op {
	case MatchAll:
		return nil
	case OpAnd, OpOr, OpNot:
		if f.Op == OpNot && len(f.Sub) != 1 {
			return Errorf(Invalid, "filter", "not needs exactly one operand")
		}
		if len(f.Sub) == 0 {
			return Errorf(Invalid, "filter", "%s needs at least one operand", f.Op)
		}
		for _, s := range f.Sub {
			if err := s.validate(depth+1, nodes); err != nil {
				return err
			}
		}
		return nil
	case OpEqual, OpPresent, OpSubstring, OpGreaterOrEqual, OpLessOrEqual, OpBitAnd:
	default:
		return Errorf(Invalid, "filter", "unknown operator %d", f.Op)
	}
	if !validAttrName(f.Attr) {
		return Errorf(Invalid, "filter", "%q is not an attribute name", f.Attr)
	}
	for _, v := range append([]string{f.Value, f.Initial, f.Final}, f.Any...) {
		if !utf8.ValidString(v) {
			return Errorf(Invalid, "filter", "a value for %s is not valid UTF-8", f.Attr)
		}
		// Samba compares filter values as C strings: "a\x00b" would match
		// "a", widening the search. Refuse it rather than let it through.
		if strings.IndexByte(v, 0) >= 0 {
			return Errorf(Invalid, "filter", "a value for %s contains NUL, which a directory may take for the end of the value", f.Attr)
		}
	}
	switch f.Op {
	case OpSubstring:
		if f.Initial == "" && f.Final == "" && len(f.Any) == 0 {
			return Errorf(Invalid, "filter", "substring filter on %s has no parts (use Present)", f.Attr)
		}
		for _, a := range f.Any {
			if a == "" {
				return Errorf(Invalid, "filter", "substring filter on %s has an empty part", f.Attr)
			}
		}
	case OpBitAnd:
		if _, err := strconv.ParseUint(f.Value, 10, 64); err != nil {
			return Errorf(Invalid, "filter", "bit mask %q for %s is not a number", f.Value, f.Attr)
		}
	}
	return nil
}

var opNames = [...]string{"match all", "and", "or", "not", "equal", "present", "substring", "greater or equal", "less or equal", "bit and"}

// String names the operator.
func (op FilterOp) String() string {
	if int(op) < len(opNames) {
		return opNames[op]
	}
	return "op(" + strconv.Itoa(int(op)) + ")"
}

// LDAP writes the filter in LDAP's syntax (RFC 4515), every value
// escaped. Call Validate first: LDAP does not check the filter.
func (f Filter) LDAP() string {
	var b strings.Builder
	f.writeLDAP(&b)
	return b.String()
}

func (f Filter) writeLDAP(b *strings.Builder) {
	b.WriteByte('(')
	switch f.Op {
	case MatchAll:
		b.WriteString("objectClass=*")
	case OpAnd, OpOr, OpNot:
		b.WriteByte("&|!"[f.Op-OpAnd])
		for _, s := range f.Sub {
			s.writeLDAP(b)
		}
	case OpEqual:
		b.WriteString(f.Attr + "=" + ldap.EscapeFilter(f.Value))
	case OpPresent:
		b.WriteString(f.Attr + "=*")
	case OpSubstring:
		b.WriteString(f.Attr + "=" + ldap.EscapeFilter(f.Initial) + "*")
		for _, a := range f.Any {
			b.WriteString(ldap.EscapeFilter(a) + "*")
		}
		b.WriteString(ldap.EscapeFilter(f.Final))
	case OpGreaterOrEqual:
		b.WriteString(f.Attr + ">=" + ldap.EscapeFilter(f.Value))
	case OpLessOrEqual:
		b.WriteString(f.Attr + "<=" + ldap.EscapeFilter(f.Value))
	case OpBitAnd:
		b.WriteString(f.Attr + ":1.2.840.113556.1.4.803:=" + ldap.EscapeFilter(f.Value))
	}
	b.WriteByte(')')
}

// String returns the filter in LDAP syntax, for messages.
func (f Filter) String() string { return f.LDAP() }
