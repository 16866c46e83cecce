package adtest

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/google/uuid"
)

func pw(p string) string {
	u := utf16.Encode([]rune(`"` + p + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

func guidOf(raw []byte) string {
	var u uuid.UUID
	u[0], u[1], u[2], u[3] = raw[3], raw[2], raw[1], raw[0]
	u[4], u[5] = raw[5], raw[4]
	u[6], u[7] = raw[7], raw[6]
	copy(u[8:], raw[8:])
	return u.String()
}

func TestProbe(t *testing.T) {
	s := Start(t)
	c := s.Dial(t)
	ou := s.NewOU(t)
	rep := func(what string, err error) { t.Logf("%-40s -> %v", what, err) }
	user := func(cn, sam string, extra map[string][]string) error {
		a := ldap.NewAddRequest("CN="+cn+","+ou, nil)
		a.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		a.Attribute("sAMAccountName", []string{sam})
		for k, v := range extra {
			a.Attribute(k, v)
		}
		return c.Add(a)
	}
	rep("create jdoe", user("John Doe", "jdoe", map[string][]string{"displayName": {"John Doe"}}))
	for _, p := range []string{"short1A", "password1", "Password1", "xJdoe!99", "Doe#1234Zz", "John!1234a", "PASSWORD1!", "æøåÆØÅ123", "Ünïcödé!9x"} {
		m := ldap.NewModifyRequest("CN=John Doe,"+ou, nil)
		m.Replace("unicodePwd", []string{pw(p)})
		t.Logf("  pw %-12q -> %v", p, c.Modify(m))
	}
	m := ldap.NewModifyRequest("CN=John Doe,"+ou, nil)
	m.Replace("userAccountControl", []string{"66048"})
	rep("uac dont expire", c.Modify(m))
	r, _ := c.Search(ldap.NewSearchRequest("CN=John Doe,"+ou, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	for _, a := range r.Entries[0].Attributes {
		if len(a.Values[0]) < 80 {
			t.Logf("   %s=%q", a.Name, a.Values)
		} else {
			t.Logf("   %s=<%d bytes>", a.Name, len(a.Values[0]))
		}
	}
}

func attrs(e *ldap.Entry) string {
	var b strings.Builder
	for _, a := range e.Attributes {
		if a.Name == "objectGUID" {
			fmt.Fprintf(&b, "%s=%s ", a.Name, guidOf(a.ByteValues[0]))
			continue
		}
		fmt.Fprintf(&b, "%s=%v ", a.Name, a.Values)
	}
	return b.String()
}
