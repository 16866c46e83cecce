package auth_test

import (
	"testing"

	"github.com/orgsync/orgsync/service/auth"
)

func TestSafeReturnTo(t *testing.T) {
	for in, want := range map[string]string{
		"/":                    "/",
		"/people?unit=7#x":     "/people?unit=7#x",
		"/a//b":                "/a//b",
		"":                     "/",
		"people":               "/",
		"//evil.example":       "/",
		`/\evil.example`:       "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"/\t/evil.example":     "/",
		"/\n/evil.example":     "/",
		"/%2F%2Fevil.example":  "/%2F%2Fevil.example", // a path, not a host
	} {
		if got := auth.SafeReturnTo(in); got != want {
			t.Errorf("SafeReturnTo(%q) = %q, want %q", in, got, want)
		}
	}
}
