package connectors

import (
	"strings"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// A DN (distinguished name) is handled as a string everywhere in the
// contract, as LDAP writes it (RFC 4514). Build one with [JoinDN], never by
// concatenating values; take one apart with [SplitDN]; compare two with
// [EqualDN] or [NormalizeDN], never as strings, since a directory may write
// the same DN with other case or escaping (Samba writes '=' in a value as
// \3D, where orgsync writes it as =).

// RDN is one relative distinguished name: an attribute type and its value,
// unescaped.
type RDN struct {
	Type  string // the attribute type, e.g. "CN"
	Value string // the value, unescaped
}

// JoinDN returns the DN of the entry named typ=value below parent (parent
// may be empty for a top-level entry). The value is escaped, so any text
// is safe in it: commas, plus signs, quotes, backslashes, angle brackets,
// semicolons, equals signs, a leading '#', leading or trailing spaces, line
// breaks. It returns an Invalid error for an empty or non-UTF-8 value, a
// value with NUL (which AD takes for the end of the name), a bad attribute
// type, or a parent that is not a DN.
func JoinDN(typ, value, parent string) (string, error) {
	if err := checkRDN(typ, value); err != nil {
		return "", err
	}
	rdn := typ + "=" + EscapeDNValue(value)
	if parent == "" {
		return rdn, nil
	}
	if _, err := parseDN(parent); err != nil {
		return "", err
	}
	return rdn + "," + parent, nil
}

// EscapeDNValue escapes an attribute value for use in a DN. It escapes what
// RFC 4514 requires (, + " \ < > ; a leading # or space, a trailing space,
// NUL) and also '=', which AD and Samba reject unescaped in a value (and
// go-ldap's EscapeDN leaves alone), and every other control character,
// as \XX, so that a DN never carries a raw line break into a log.
func EscapeDNValue(value string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(value) + 8)
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case strings.IndexByte(`,+"\<>;=`, c) >= 0,
			i == 0 && (c == ' ' || c == '#'),
			i == len(value)-1 && c == ' ':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			b.WriteByte('\\')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// SplitDN returns a DN's first RDN and the DN of its parent ("" for a
// top-level entry). The parent is written by orgsync's rules, which may
// differ in escaping from the input; it names the same entry.
func SplitDN(dn string) (RDN, string, error) {
	rdns, err := parseDN(dn)
	if err != nil {
		return RDN{}, "", err
	}
	if len(rdns) == 0 {
		return RDN{}, "", dnError(dn, "the DN is empty")
	}
	return rdns[0], formatDN(rdns[1:]), nil
}

// ParseDN returns the RDNs of a DN, the entry's own first. It returns an
// Invalid error for a string that is not a DN, and for a multi-valued RDN
// (such as CN=a+UID=b), which Active Directory does not allow.
func ParseDN(dn string) ([]RDN, error) { return parseDN(dn) }

// FormatDN writes RDNs as a DN, escaping their values.
func FormatDN(rdns []RDN) string { return formatDN(rdns) }

// NormalizeDN returns a canonical form of a DN: attribute types and values
// case-folded, values escaped the same way, no spaces around separators.
// Two DNs name the same entry in AD exactly when their normal forms are
// equal, so the normal form can key a map.
func NormalizeDN(dn string) (string, error) {
	rdns, err := parseDN(dn)
	if err != nil {
		return "", err
	}
	for i := range rdns {
		rdns[i] = RDN{FoldCase(rdns[i].Type), FoldCase(rdns[i].Value)}
	}
	return formatDN(rdns), nil
}

// EqualDN reports whether a and b name the same entry: they are equal but
// for the case of types and values and the way values are escaped. A string
// that is not a DN equals nothing.
func EqualDN(a, b string) bool {
	na, err := NormalizeDN(a)
	if err != nil {
		return false
	}
	nb, err := NormalizeDN(b)
	return err == nil && na == nb
}

// IsUnderDN reports whether dn is base or an entry below it.
func IsUnderDN(dn, base string) bool {
	d, err := parseDN(dn)
	if err != nil {
		return false
	}
	b, err := parseDN(base)
	if err != nil || len(b) > len(d) {
		return false
	}
	d = d[len(d)-len(b):]
	for i := range b {
		if FoldCase(d[i].Type) != FoldCase(b[i].Type) || FoldCase(d[i].Value) != FoldCase(b[i].Value) {
			return false
		}
	}
	return true
}

func parseDN(dn string) ([]RDN, error) {
	if !utf8.ValidString(dn) {
		return nil, dnError(dn, "the DN is not valid UTF-8")
	}
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return nil, dnError(dn, err.Error())
	}
	rdns := make([]RDN, len(parsed.RDNs))
	for i, r := range parsed.RDNs {
		if len(r.Attributes) != 1 {
			return nil, dnError(dn, "multi-valued RDNs are not supported")
		}
		a := r.Attributes[0]
		if err := checkRDN(a.Type, a.Value); err != nil {
			return nil, dnError(dn, err.(*Error).Err.Error())
		}
		rdns[i] = RDN{a.Type, a.Value}
	}
	return rdns, nil
}

func formatDN(rdns []RDN) string {
	var b strings.Builder
	for i, r := range rdns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.Type)
		b.WriteByte('=')
		b.WriteString(EscapeDNValue(r.Value))
	}
	return b.String()
}

// checkRDN checks one RDN's type and (unescaped) value.
func checkRDN(typ, value string) error {
	if !validAttrName(typ) {
		return Errorf(Invalid, "DN", "%q is not an attribute type", typ)
	}
	if value == "" {
		return Errorf(Invalid, "DN", "the value of %s is empty", typ)
	}
	if !utf8.ValidString(value) {
		return Errorf(Invalid, "DN", "the value of %s is not valid UTF-8", typ)
	}
	// AD and Samba end a name at NUL: "a\x00b" and "a\x00c" would be one
	// entry, and Samba cannot delete such an entry cleanly.
	if strings.IndexByte(value, 0) >= 0 {
		return Errorf(Invalid, "DN", "the value of %s contains NUL, which a directory takes for the end of the name", typ)
	}
	return nil
}

func dnError(dn, why string) *Error {
	if len(dn) > 200 {
		dn = dn[:200] + "…"
	}
	return Errorf(Invalid, "parse DN", "%q: %s", dn, why)
}

// validAttrName reports whether s is an attribute description without
// options (RFC 4512): a letter followed by letters, digits and hyphens, or
// a numeric OID.
func validAttrName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return validOID(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' && i > 0 || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return true
}

func validOID(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || len(part) > 1 && part[0] == '0' {
			return false
		}
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// FoldCase maps s to a canonical form for case-insensitive comparison, as
// AD and Samba compare names and most text values: character by character
// to upper case (Unicode's simple mapping). It never changes a string's
// length in characters (AD does not equate "ß" and "ss"), and it is
// idempotent (x/text's full case folding is not, for Cherokee).
func FoldCase(s string) string { return strings.ToUpper(s) }
