package connectors

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
)

func TestJoinDN(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"Jane Doe", `CN=Jane Doe,OU=Staff,DC=example,DC=test`},
		{`Smith, John (ext)\*`, `CN=Smith\, John (ext)\\*,OU=Staff,DC=example,DC=test`},
		{`a=b+c"d<e>f;g`, `CN=a\=b\+c\"d\<e\>f\;g,OU=Staff,DC=example,DC=test`},
		{"#hash", `CN=\#hash,OU=Staff,DC=example,DC=test`},
		{"mid#hash", `CN=mid#hash,OU=Staff,DC=example,DC=test`},
		{" both ", `CN=\ both\ ,OU=Staff,DC=example,DC=test`},
		{" ", `CN=\ ,OU=Staff,DC=example,DC=test`},
		{"line\nbreak", `CN=line\0Abreak,OU=Staff,DC=example,DC=test`},
		{"æøå Ærø", `CN=æøå Ærø,OU=Staff,DC=example,DC=test`},
	} {
		got, err := JoinDN("CN", tc.value, "OU=Staff,DC=example,DC=test")
		require.NoError(t, err, tc.value)
		require.Equal(t, tc.want, got)
		rdn, parent, err := SplitDN(got)
		require.NoError(t, err)
		require.Equal(t, RDN{"CN", tc.value}, rdn)
		require.Equal(t, "OU=Staff,DC=example,DC=test", parent)
	}
}

func TestJoinDNRejects(t *testing.T) {
	for _, tc := range []struct{ typ, value, parent string }{
		{"CN", "", "DC=x"},
		{"CN", "nul\x00", "DC=x"},
		{"CN", "bad\xffutf8", "DC=x"},
		{"C N", "x", "DC=x"},
		{"CN=", "x", "DC=x"},
		{"", "x", "DC=x"},
		{"CN", "x", "not a dn"},
		{"CN", "x", "CN=a+UID=b,DC=x"},
	} {
		_, err := JoinDN(tc.typ, tc.value, tc.parent)
		require.ErrorIs(t, err, Invalid, "%q %q %q", tc.typ, tc.value, tc.parent)
	}
}

func TestEqualDN(t *testing.T) {
	require.True(t, EqualDN(`CN=a\3Db,OU=X,DC=example,DC=test`, `cn=A\=B, ou=x, dc=EXAMPLE, dc=test`))
	require.True(t, EqualDN(`CN=Ærø,DC=x`, `cn=ærø,dc=X`))
	require.False(t, EqualDN(`CN=a,DC=x`, `CN=a,DC=y`))
	require.False(t, EqualDN(`CN=a,DC=x`, `not a dn`))
	require.True(t, IsUnderDN(`CN=a,OU=b,DC=x`, `ou=B,dc=X`))
	require.True(t, IsUnderDN(`OU=b,DC=x`, `OU=b,DC=x`))
	require.False(t, IsUnderDN(`OU=b,DC=x`, `CN=a,OU=b,DC=x`))
	require.False(t, IsUnderDN(`CN=a,OU=bb,DC=x`, `OU=b,DC=x`))
}

// FuzzJoinDN: any name that JoinDN accepts comes back exactly from the DN,
// through orgsync's parser and go-ldap's (which is what a server sees), and
// never adds an RDN.
func FuzzJoinDN(f *testing.F) {
	for _, s := range []string{"Jane", `Smith, John (ext)\*`, `a=b+c"d<e>f;g`, "#x", " x ", "\\", "\n", "Ω", `\2C`, "#00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		dn, err := JoinDN("CN", value, "OU=Staff,DC=example,DC=test")
		if err != nil {
			if value != "" && utf8.ValidString(value) && !strings.ContainsRune(value, 0) {
				t.Fatalf("JoinDN(%q) refused a valid name: %v", value, err)
			}
			return
		}
		rdns, err := ParseDN(dn)
		if err != nil {
			t.Fatalf("JoinDN(%q) = %q, which does not parse: %v", value, dn, err)
		}
		if len(rdns) != 4 || rdns[0] != (RDN{"CN", value}) {
			t.Fatalf("JoinDN(%q) = %q parses as %q", value, dn, rdns)
		}
		parsed, err := ldap.ParseDN(dn)
		if err != nil || len(parsed.RDNs) != 4 || parsed.RDNs[0].Attributes[0].Value != value {
			t.Fatalf("go-ldap reads %q differently: %v %v", dn, parsed, err)
		}
		norm, err := NormalizeDN(dn)
		if err != nil {
			t.Fatal(err)
		}
		again, err := NormalizeDN(norm)
		if err != nil || again != norm {
			t.Fatalf("NormalizeDN is not idempotent: %q -> %q (%v)", norm, again, err)
		}
		if strings.ContainsAny(dn, "\n\r\x00") {
			t.Fatalf("JoinDN(%q) = %q carries a raw control character", value, dn)
		}
	})
}

// FuzzParseDN: the parser never panics, and what it accepts it writes back
// in a form it reads as the same RDNs.
func FuzzParseDN(f *testing.F) {
	for _, s := range []string{"CN=a,DC=b", `CN=a\,b,DC=c`, `cn=#04024869`, `CN=a+OU=b`, `CN=\`, "=", ",", `CN=a\3Db`, "CN=  x  ,DC=y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dn string) {
		rdns, err := ParseDN(dn)
		if err != nil {
			if !strings.Contains(err.Error(), "parse DN") {
				t.Fatalf("error %q does not say what failed", err)
			}
			return
		}
		again, err := ParseDN(FormatDN(rdns))
		if err != nil {
			t.Fatalf("FormatDN(ParseDN(%q)) = %q does not parse: %v", dn, FormatDN(rdns), err)
		}
		require.Equal(t, rdns, again)
	})
}

func TestFoldCase(t *testing.T) {
	for _, pair := range [][2]string{{"Jane", "JANE"}, {"ærø", "ÆRØ"}, {"Ꮂ", "ꮂ"}, {"Straße", "STRAßE"}, {"Ωμέγα", "ΩΜΈΓΑ"}, {"ς", "Σ"}, {"ı", "I"}} {
		require.Equal(t, FoldCase(pair[0]), FoldCase(pair[1]), "%q ~ %q", pair[0], pair[1])
	}
	require.NotEqual(t, FoldCase("ß"), FoldCase("ss"), "AD does not expand ß")
}

func FuzzFoldCase(f *testing.F) {
	for _, s := range []string{"a", "Ꮂ", "ß", "İ", "ǅ", "\u212a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := FoldCase(s)
		if FoldCase(once) != once {
			t.Fatalf("FoldCase is not idempotent on %q", s)
		}
		if utf8.RuneCountInString(once) != utf8.RuneCountInString(s) {
			t.Fatalf("FoldCase(%q) = %q changed the length", s, once)
		}
	})
}
