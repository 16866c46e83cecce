package redact

import (
	"regexp"
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
	for _, s := range []string{"0101901234", "a010190-1234b", "0101901234 0101901234", "19900101-1234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NationalIDs(s)
		if fullID.MatchString(got) {
			t.Fatalf("NationalIDs(%q) = %q still holds a full id", s, got)
		}
		if NationalIDs(got) != got {
			t.Fatalf("not idempotent: %q -> %q", got, NationalIDs(got))
		}
	})
}
