package redact

import (
	"regexp"
	"strings"
	"testing"
)

func TestNationalIDs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0101901234", "010190-xxxx"},
		{"cpr 010190-1234 found", "cpr 010190-xxxx found"},
		{"CN=0101901234,OU=x", "CN=010190-xxxx,OU=x"},
		{"0101901234,0202901234", "010190-xxxx,020290-xxxx"},
		{"19900101-1234", "19900101-xxxx"},
		{"900101+1234", "900101-xxxx"},
		{"199001011234", "19900101-xxxx"},
		{"phone 12345678", "phone 12345678"},
		{"usn 4012", "usn 4012"},
		{"12345678901234567", "12345678901234567"}, // longer digit runs are not ids
		{"", ""},
	} {
		if got := NationalIDs(tc.in); got != tc.want {
			t.Errorf("NationalIDs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

var fullID = regexp.MustCompile(`(^|[^0-9])[0-9]{6}-?[0-9]{4}($|[^0-9])`)

func FuzzNationalIDs(f *testing.F) {
	for _, s := range []string{"0101901234", "a010190-1234b", "0101901234 0101901234", "19900101-1234",
		"12345678-1234-4abc-8def-123456789abc0101901234", "0101901234-1234-4abc-8def-123456789abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NationalIDs(s)
		// UUIDs are kept whole by design; look for ids outside them.
		if fullID.MatchString(blankUUIDs(got)) {
			t.Fatalf("NationalIDs(%q) = %q still holds a full id", s, got)
		}
		if NationalIDs(got) != got {
			t.Fatalf("not idempotent: %q -> %q", got, NationalIDs(got))
		}
	})
}

func TestUUIDsAreNotNationalIDs(t *testing.T) {
	// The first groups of a UUID can have the shape of a personnummer
	// (yyyymmdd-ssss); an object id in an error must stay whole.
	for _, id := range []string{
		"12345678-1234-4abc-8def-123456789abc",
		"00000000-0000-0000-0000-000000000000",
		"19900101-1234-5678-9012-345678901234",
	} {
		in := "unit " + id + " (0101901234) has parent " + id
		want := "unit " + id + " (010190-xxxx) has parent " + id
		if got := NationalIDs(in); got != want {
			t.Errorf("NationalIDs(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	// A CPR number whose tail reads as the start of a UUID is masked.
	for _, in := range []string{"0101901234-1234-4abc-8def-123456789abc", "x0101901234-1234-4abc-8def-123456789abcd"} {
		if got := NationalIDs(in); !strings.Contains(got, "010190-xxxx") {
			t.Errorf("NationalIDs(%q) = %q leaks the number", in, got)
		}
	}
	// A number that merely sits next to a UUID is still masked.
	in := "0101901234 12345678-1234-4abc-8def-123456789abc"
	if got := NationalIDs(in); !strings.HasPrefix(got, "010190-xxxx ") {
		t.Errorf("NationalIDs(%q) = %q", in, got)
	}
}

// blankUUIDs replaces the UUIDs NationalIDs keeps with spaces.
func blankUUIDs(s string) string {
	b := []byte(s)
	for _, sp := range uuidSpans(s) {
		for i := sp[0]; i < sp[1]; i++ {
			b[i] = ' '
		}
	}
	return string(b)
}
