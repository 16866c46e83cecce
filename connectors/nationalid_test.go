package connectors

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNationalIDString(t *testing.T) {
	for _, tc := range []struct {
		in   NationalID
		want string
	}{
		{"0101901234", "010190-xxxx"},
		{"010190-1234", "010190-xxxx"},
		{"010190 1234", "010190-xxxx"},
		{"900101+1234", "900101-xxxx"},
		{"19900101-1234", "19900101-xxxx"},
		{"199001011234", "19900101-xxxx"},
		{"", ""},
		// Malformed numbers are masked after their sixth character.
		{"01019012345", "010190xxxx"},
		{"010190-12345", "010190xxxx"},
		{"0101901234x", "010190xxxx"},
		{"x0101901234", "x01019xxxx"},
		{"01019O1234", "01019Oxxxx"},
		{"010190.1234", "010190xxxx"},
		{"ÆØÅæøå1234", "ÆØÅæøåxxxx"},
		{"abc", "abcxxxx"},
	} {
		require.Equal(t, tc.want, tc.in.String(), "%q", string(tc.in))
	}
}

// holder is a record that holds a national id, as the contract's do.
type holder struct {
	Name string
	ID   NationalID
	Ptr  *NationalID
	List []NationalID
}

// The values a leak test tries, with the numbers in them that must never
// be printed whole.
var leakCases = []struct {
	in      NationalID
	secrets []string
}{
	{"0101901234", []string{"0101901234"}},
	{"010190-1234", []string{"0101901234"}},
	{"900101+1234", []string{"9001011234"}},
	{"19900101-1234", []string{"199001011234"}},
	{"199001011234", []string{"199001011234"}},
	{" 0101901234 ", []string{"0101901234"}},
	{"01019012345", []string{"01019012345"}},
	{"010190-12345", []string{"01019012345"}},
	{"010190.1234", []string{"0101901234"}},
	{"010190\x001234", []string{"0101901234"}},
	{"\xff0101901234", []string{"0101901234"}},
	{"0101901234 0202901234", []string{"0101901234", "0202901234"}},
	{"0101901234,0202901234", []string{"0101901234", "0202901234"}},
	{"cpr: 0101901234", []string{"0101901234"}},
	// A personnummer shaped like the start of a UUID, beside another number.
	{"19900101-1234-4abc-8def-123456789abc 0101901234", []string{"199001011234", "0101901234"}},
	{"19900101-1234-4abc-8def-123456789abc", []string{"199001011234"}},
}

// digits returns the digits of s, in order.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// requireMasked fails if out holds any of the secrets' digits in a row, or
// the value itself.
func requireMasked(t *testing.T, how string, in NationalID, secrets []string, out string) {
	t.Helper()
	for _, s := range secrets {
		require.NotContainsf(t, digits(out), s, "%s of %q prints %q", how, string(in), out)
	}
	require.NotContainsf(t, out, string(in), "%s of %q", how, string(in))
}

func TestNationalIDNeverPrintsInFull(t *testing.T) {
	for _, tc := range leakCases {
		n := tc.in
		h := holder{Name: "x", ID: n, Ptr: &n, List: []NationalID{n}}
		check := func(how, out string) {
			t.Helper()
			requireMasked(t, how, n, tc.secrets, out)
		}
		check("String", n.String())
		check("GoString", n.GoString())
		// %p is left out: fmt handles it before any method of the value
		// (so it prints a string type's bytes), and go vet refuses it for
		// a string.
		for _, verb := range []string{"%v", "%s", "%q", "%#v", "%+v", "%x", "%X", "%d", "%10.20s", "%-30v", "%#q", "%c", "%U", "%t"} {
			check(verb, fmt.Sprintf(verb, n))
			check(verb+" of a pointer", fmt.Sprintf(verb, &n))
			check(verb+" of a struct", fmt.Sprintf(verb, h))
			check(verb+" of a pointer to a struct", fmt.Sprintf(verb, &h))
			check(verb+" of a map value", fmt.Sprintf(verb, map[string]NationalID{"k": n}))
			check(verb+" in an interface", fmt.Sprintf(verb, []any{n}))
		}
		check("Sprint", fmt.Sprint(n, h))
		check("Sprintln", fmt.Sprintln(n, h))
		check("Errorf", fmt.Errorf("bad %v: %w", n, fmt.Errorf("%s", n)).Error())

		b, err := json.Marshal(h)
		require.NoError(t, err)
		check("json", string(b))
		b, err = json.Marshal(n)
		require.NoError(t, err)
		check("json of the value", string(b))
		b, err = xml.Marshal(h)
		require.NoError(t, err)
		check("xml", string(b))
		m, err := n.MarshalText()
		require.NoError(t, err)
		check("MarshalText", string(m))

		for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
			"slog JSON": func(b *bytes.Buffer) slog.Handler {
				return slog.NewJSONHandler(b, &slog.HandlerOptions{ReplaceAttr: noTime})
			},
			"slog text": func(b *bytes.Buffer) slog.Handler {
				return slog.NewTextHandler(b, &slog.HandlerOptions{ReplaceAttr: noTime})
			},
		} {
			var buf bytes.Buffer
			log := slog.New(newHandler(&buf))
			log.Info("person", "id", n, "ptr", &n, "record", h, slog.Any("any", n), slog.Group("g", "id", n))
			log.Info("formatted", "text", fmt.Sprint(n))
			check(name, buf.String())
			require.Contains(t, buf.String(), "xxxx", "%s masks, it does not drop", name)
		}
	}
}

func noTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// Masking keeps enough to tell numbers apart in a log: the birth date.
func TestNationalIDFormats(t *testing.T) {
	n := NationalID("0101901234")
	require.Equal(t, "010190-xxxx", fmt.Sprint(n))
	require.Equal(t, `"010190-xxxx"`, fmt.Sprintf("%q", n))
	require.Equal(t, `"010190-xxxx"`, fmt.Sprintf("%#v", n))
	require.Equal(t, `{Name:x ID:010190-xxxx Ptr:<nil> List:[]}`, fmt.Sprintf("%+v", holder{Name: "x", ID: n}))
	require.Equal(t, `connectors.holder{Name:"x", ID:"010190-xxxx", Ptr:<nil>, List:[]connectors.NationalID(nil)}`,
		fmt.Sprintf("%#v", holder{Name: "x", ID: n}))
	require.Equal(t, "010190-xxxx   |", fmt.Sprintf("%-14s|", n), "width and flags are honoured")
	b, err := json.Marshal(holder{ID: n})
	require.NoError(t, err)
	require.JSONEq(t, `{"Name":"","ID":"010190-xxxx","Ptr":null,"List":null}`, string(b))
	require.Equal(t, "0101901234", string(n), "string(n) is the value itself")
	require.Equal(t, "", fmt.Sprint(NationalID("")))
}
