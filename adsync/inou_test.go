package adsync

import "testing"

func TestInOU(t *testing.T) {
	const ou = "OU=Ansatte,DC=example,DC=org"
	for _, c := range []struct {
		dn   string
		want bool
	}{
		{"CN=Bo Ek," + ou, true},
		{"cn=Bo Ek,ou=ansatte,dc=example,dc=org", true}, // case differs: parsed
		{"CN=Bo Ek,OU=Sub," + ou, false},                // deeper
		{`CN=Ek\, Bo,` + ou, true},                      // escaped comma in the RDN
		{`CN=Bo\,OU=Ansatte,DC=example,DC=org`, false},  // the "target" is inside the RDN
		{`CN=Bo\\,OU=Ansatte,DC=example,DC=org`, true},  // an escaped backslash, then the OU
		{"CN=Bo Ek,OU=Andre,DC=example,DC=org", false},
		{"not a dn", false},
	} {
		if got := inOU(c.dn, ou); got != c.want {
			t.Errorf("inOU(%q) = %v, want %v", c.dn, got, c.want)
		}
	}
}
