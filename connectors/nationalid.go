package connectors

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
)

// NationalID is a national identity number as a source delivers it: a
// Danish CPR number or a Swedish personnummer. A connector passes it on as
// the source wrote it; the host validates it. It prints masked with fmt
// (every verb), log/slog and text encodings ("010190-xxxx"), so that a
// record can be logged or put in an error without revealing it; string(n)
// gives the value to the code that must use it.
//
// One place it cannot guard: as the key of a map that encoding/json
// marshals, a string type is written as it is.
type NationalID string

// wholeID matches a value that is one national id and nothing else:
// ddmmyy-ssss, yymmdd+ssss, yyyymmdd-ssss, with or without the separator.
var wholeID = regexp.MustCompile(`^((?:[0-9]{2})?[0-9]{6})[-+ ]?[0-9]{4}$`)

// String returns the number with its serial masked: "010190-xxxx", or
// "19900101-xxxx" for a personnummer with its century. Any other value,
// a malformed number, is cut after its sixth character and marked
// "xxxx", so that it is not printed whole either, whatever it holds.
func (n NationalID) String() string {
	s := string(n)
	if s == "" {
		return ""
	}
	if m := wholeID.FindStringSubmatch(s); m != nil {
		return m[1] + "-xxxx"
	}
	r := []rune(s)
	if len(r) > 6 {
		r = r[:6]
	}
	return string(r) + "xxxx"
}

// GoString returns the masked number, quoted, so that %#v hides it too.
func (n NationalID) GoString() string { return fmt.Sprintf("%q", n.String()) }

// Format makes every fmt verb print the masked number: %#v as GoString,
// %q quoted, all others as %s, with width and flags honoured. Without it,
// a verb that does not fit a string (%d) would print the value itself.
func (n NationalID) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, n.GoString())
	case verb == 'q':
		fmt.Fprintf(f, fmt.FormatString(f, 'q'), n.String())
	default:
		fmt.Fprintf(f, fmt.FormatString(f, 's'), n.String())
	}
}

// LogValue returns the masked number for log/slog.
func (n NationalID) LogValue() slog.Value { return slog.StringValue(n.String()) }

// MarshalText returns the masked number, so that JSON and YAML output of
// a record does not reveal it. Code that must write the number (a plugin
// bridge, a file export) writes string(n).
func (n NationalID) MarshalText() ([]byte, error) { return []byte(n.String()), nil }
