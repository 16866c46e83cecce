package connectors

import (
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/require"
)

func TestFilterLDAP(t *testing.T) {
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{Filter{}, "(objectClass=*)"},
		{Eq("cn", "Smith, John (ext)\\*"), `(cn=Smith, John \28ext\29\5c\2a)`},
		{And(Eq("objectClass", "user"), Not(Present("mail"))), "(&(objectClass=user)(!(mail=*)))"},
		{Or(HasPrefix("sn", "Ha"), HasSuffix("sn", "sen"), Contains("sn", "*")), `(|(sn=Ha*)(sn=*sen)(sn=*\2a*))`},
		{GreaterOrEqual("uSNChanged", "100"), "(uSNChanged>=100)"},
		{LessOrEqual("uSNChanged", "100"), "(uSNChanged<=100)"},
		{BitAnd("userAccountControl", 2), "(userAccountControl:1.2.840.113556.1.4.803:=2)"},
		{Eq("cn", "æ"), `(cn=\c3\a6)`},
	} {
		require.NoError(t, tc.f.Validate())
		require.Equal(t, tc.want, tc.f.LDAP())
		_, err := ldap.CompileFilter(tc.f.LDAP())
		require.NoError(t, err, "go-ldap compiles %s", tc.want)
	}
}

func TestFilterValidate(t *testing.T) {
	deep := Eq("cn", "x")
	for range 40 {
		deep = Not(deep)
	}
	wide := make([]Filter, 3000)
	for i := range wide {
		wide[i] = Present("cn")
	}
	for _, f := range []Filter{
		And(), Or(), {Op: OpNot}, Not(And()),
		Eq("", "x"), Eq("cn)(x", "y"), Eq("1cn", "x"), Eq("cn", "nul\x00"), Eq("cn", "\xff"),
		{Op: OpSubstring, Attr: "cn"}, {Op: OpSubstring, Attr: "cn", Any: []string{""}},
		{Op: OpBitAnd, Attr: "userAccountControl", Value: "two"},
		{Op: 99, Attr: "cn"}, deep, Or(wide...),
	} {
		require.ErrorIs(t, f.Validate(), Invalid, "%#v", f)
	}
	require.NoError(t, Eq("1.2.840.113556.1.4.221", "x").Validate(), "an OID is an attribute name")
}

// FuzzFilterValue: whatever a value holds, the filter it is put in keeps
// its shape: one equality test on the named attribute, whose value is
// exactly the input (no injection).
func FuzzFilterValue(f *testing.F) {
	for _, s := range []string{"x", "*", ")(cn=*", `\`, `\2a`, "(|(a=b)", "æøå", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		flt := And(Eq("cn", value), HasPrefix("sn", value+"x"))
		if err := flt.Validate(); err != nil {
			if strings.ContainsRune(value, 0) || !utf8Valid(value) {
				return
			}
			t.Fatalf("a valid value was refused: %v", err)
		}
		packet, err := ldap.CompileFilter(flt.LDAP())
		if err != nil {
			t.Fatalf("%s does not compile: %v", flt.LDAP(), err)
		}
		if len(packet.Children) != 2 {
			t.Fatalf("%s has %d terms, want 2", flt.LDAP(), len(packet.Children))
		}
		eq := packet.Children[0]
		if got := eq.Children[1].Data.String(); eq.Tag != ldap.FilterEqualityMatch || got != value {
			t.Fatalf("value %q came out as %q (tag %d)", value, got, eq.Tag)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
