package adtest

import (
	"os"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestStartBindsOverLDAPSWithVerifiedCertificate(t *testing.T) {
	s := Start(t)
	c := s.Dial(t)
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"defaultNamingContext"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Entries[0].GetAttributeValue("defaultNamingContext"); got != BaseDN {
		t.Fatalf("defaultNamingContext = %q, want %q", got, BaseDN)
	}
	t.Logf("startup %v", StartupTime())
}
