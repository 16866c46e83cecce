package connectors

import (
	"fmt"
	"log/slog"

	"github.com/orgsync/orgsync/internal/redact"
)

// NationalID is a national identity number as a source delivers it: a
// Danish CPR number or a Swedish personnummer. A connector passes it on as
// the source wrote it; the host validates it. It prints masked with fmt,
// log/slog and text encodings ("010190-xxxx"), so that a record can be
// logged or put in an error without revealing it; string(n) gives the
// value to the code that must use it.
type NationalID string

// String returns the number with its serial masked. A value that is not
// shaped like a national id is masked after its sixth character, so that a
// malformed number is not printed whole either.
func (n NationalID) String() string {
	s := string(n)
	if m := redact.NationalIDs(s); m != s || s == "" {
		return m
	}
	r := []rune(s)
	if len(r) > 6 {
		r = r[:6]
	}
	return string(r) + "xxxx"
}

// GoString returns the masked number, so that %#v hides it too.
func (n NationalID) GoString() string { return fmt.Sprintf("%q", n.String()) }

// LogValue returns the masked number for log/slog.
func (n NationalID) LogValue() slog.Value { return slog.StringValue(n.String()) }

// MarshalText returns the masked number, so that JSON and YAML output of
// a record does not reveal it. Code that must write the number (a plugin
// bridge, a file export) writes string(n).
func (n NationalID) MarshalText() ([]byte, error) { return []byte(n.String()), nil }
