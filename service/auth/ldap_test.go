package auth_test

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/service/auth"
)

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

const goodPassword = "Corr3ct-Horse!Battery"

// directory is a test OU with users and nested groups:
// alice ∈ Inner ∈ Outer, bob (disabled), and "Brien, Pat (HR)" ∈ Inner.
type directory struct {
	srv          *adtest.Server
	ou           string
	inner, outer string
}

func newDirectory(t *testing.T) *directory {
	t.Helper()
	srv := adtest.Start(t)
	d := &directory{srv: srv, ou: srv.NewOU(t)}
	c := srv.Dial(t)
	d.addUser(t, c, "Alice Andersen", "alice", true)
	d.addUser(t, c, "Bob Berg", "bob", false)
	d.addUser(t, c, `Brien, Pat (HR)`, "pbrien", true)
	d.inner = d.addGroup(t, c, "Inner", d.userDN("Alice Andersen"), d.userDN(`Brien\, Pat (HR)`))
	d.outer = d.addGroup(t, c, "Outer", d.inner)
	return d
}

func (d *directory) userDN(cn string) string { return "CN=" + cn + "," + d.ou }

func (d *directory) addUser(t *testing.T, c *ldap.Conn, cn, sam string, enabled bool) {
	t.Helper()
	add := ldap.NewAddRequest("CN="+ldap.EscapeDN(cn)+","+d.ou, nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{sam})
	add.Attribute("userPrincipalName", []string{sam + "@example.test"})
	add.Attribute("displayName", []string{cn})
	add.Attribute("mail", []string{sam + "@example.test"})
	add.Attribute("unicodePwd", []string{unicodePwd(goodPassword)})
	uac := 0x200 // normal account
	if !enabled {
		uac |= 0x2
	}
	add.Attribute("userAccountControl", []string{strconv.Itoa(uac)})
	if err := c.Add(add); err != nil {
		t.Fatalf("add user %s: %v", cn, err)
	}
}

func (d *directory) addGroup(t *testing.T, c *ldap.Conn, cn string, members ...string) string {
	t.Helper()
	dn := "CN=" + cn + "," + d.ou
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "group"})
	add.Attribute("sAMAccountName", []string{cn + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)})
	add.Attribute("member", members)
	if err := c.Add(add); err != nil {
		t.Fatalf("add group %s: %v", cn, err)
	}
	return dn
}

// unicodePwd encodes a password as AD wants it: quoted, UTF-16LE.
func unicodePwd(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (d *directory) config(url string) auth.LDAPConfig {
	return auth.LDAPConfig{
		URL:          url,
		RootCAs:      d.srv.RootCAs,
		ServerName:   adtest.Hostname,
		BaseDN:       d.ou,
		BindDN:       adtest.AdminDN,
		BindPassword: connectors.Secret(adtest.AdminPassword),
		Timeout:      5 * time.Second,
	}
}

func (d *directory) ldap(t *testing.T, cfg auth.LDAPConfig) *auth.LDAP {
	t.Helper()
	l, err := auth.NewLDAP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLDAPAgainstSamba(t *testing.T) {
	d := newDirectory(t)
	ctx := context.Background()
	l := d.ldap(t, d.config(d.srv.LDAPSURL()))

	t.Run("right password, nested groups", func(t *testing.T) {
		p, err := l.Authenticate(ctx, "alice", goodPassword)
		if err != nil {
			t.Fatalf("Authenticate: %v", err)
		}
		if p.Username != "alice" || p.Name != "Alice Andersen" || p.Email != "alice@example.test" || p.Method != auth.MethodLDAP {
			t.Errorf("principal = %+v", p)
		}
		if len(p.Subject) != 36 || strings.Count(p.Subject, "-") != 4 {
			t.Errorf("Subject = %q, want the objectGUID as a UUID", p.Subject)
		}
		want := []string{d.inner, d.outer}
		slices.Sort(want)
		if !equalFoldAll(p.Groups, want) {
			t.Errorf("Groups = %q, want %q (Outer through nesting)", p.Groups, want)
		}
	})
	t.Run("by userPrincipalName, any case", func(t *testing.T) {
		p, err := l.Authenticate(ctx, "ALICE@example.test", goodPassword)
		if err != nil || p.Username != "alice" {
			t.Fatalf("Authenticate = %+v, %v", p, err)
		}
	})
	t.Run("special characters in the user's DN", func(t *testing.T) {
		p, err := l.Authenticate(ctx, "pbrien", goodPassword)
		if err != nil {
			t.Fatalf("Authenticate: %v", err)
		}
		if len(p.Groups) != 2 {
			t.Errorf("Groups = %q, want Inner and Outer", p.Groups)
		}
	})
	t.Run("StartTLS", func(t *testing.T) {
		l := d.ldap(t, d.config(d.srv.LDAPURL()))
		if _, err := l.Authenticate(ctx, "alice", goodPassword); err != nil {
			t.Fatalf("Authenticate over ldap:// with StartTLS: %v", err)
		}
	})

	bad := []struct{ name, user, password, reason string }{
		{"wrong password", "alice", goodPassword + "x", "password refused"},
		{"unknown user", "nobody", goodPassword, "no such user"},
		{"disabled user", "bob", goodPassword, "account disabled"},
		// Were the filter not escaped, these would match alice, whose
		// password this is, and log in.
		{"wildcard", "al*", goodPassword, "no such user"},
		{"star", "*", goodPassword, "no such user"},
		{"filter injection", "alice)(sAMAccountName=*", goodPassword, "no such user"},
		{"filter injection 2", "*)(|(objectClass=*", goodPassword, "no such user"},
		{"DN specials", `a,b+c"d\e<f>g;h=i`, goodPassword, "no such user"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p, err := l.Authenticate(ctx, tc.user, tc.password)
			if !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("Authenticate = %+v, %v; want ErrBadCredentials", p, err)
			}
			if err.Error() != auth.ErrBadCredentials.Error() {
				t.Errorf("message %q says more than ErrBadCredentials", err)
			}
			if !strings.Contains(auth.Reason(err), tc.reason) {
				t.Errorf("Reason = %q, want it to say %q", auth.Reason(err), tc.reason)
			}
			if strings.Contains(auth.Reason(err), goodPassword) {
				t.Errorf("Reason holds the password")
			}
		})
	}

	t.Run("throttling", func(t *testing.T) {
		clock := newClock()
		cfg := d.config(d.srv.LDAPSURL())
		cfg.Now = clock.Now
		l := d.ldap(t, cfg)
		for i := range 5 {
			if _, err := l.Authenticate(ctx, "pbrien", "wrong"+strconv.Itoa(i)); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("attempt %d: %v, want ErrBadCredentials", i+1, err)
			}
			clock.Advance(time.Minute)
		}
		// Refused even with the right password, and in another case.
		if _, err := l.Authenticate(ctx, "PBrien", goodPassword); !errors.Is(err, auth.ErrThrottled) {
			t.Fatalf("6th attempt: %v, want ErrThrottled", err)
		}
		// Others are not affected.
		if _, err := l.Authenticate(ctx, "alice", goodPassword); err != nil {
			t.Fatalf("alice while pbrien is throttled: %v", err)
		}
		clock.Advance(10*time.Minute + time.Second) // 15 min after the first failure
		if _, err := l.Authenticate(ctx, "pbrien", goodPassword); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})

	t.Run("wrong lookup password", func(t *testing.T) {
		cfg := d.config(d.srv.LDAPSURL())
		cfg.BindPassword = "not-it"
		_, err := d.ldap(t, cfg).Authenticate(ctx, "alice", goodPassword)
		if !errors.Is(err, auth.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
	})
}

func equalFoldAll(a, b []string) bool {
	return slices.EqualFunc(a, b, strings.EqualFold)
}

// unreachable is an LDAPS URL where nothing listens.
const unreachable = "ldaps://127.0.0.1:1"

func unreachableLDAP(t *testing.T) *auth.LDAP {
	t.Helper()
	l, err := auth.NewLDAP(auth.LDAPConfig{
		URL: unreachable, BaseDN: "DC=example,DC=test",
		BindDN: "CN=lookup,DC=example,DC=test", BindPassword: "secret",
		Timeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLDAPUnreachableIsUnavailable(t *testing.T) {
	_, err := unreachableLDAP(t).Authenticate(context.Background(), "alice", goodPassword)
	if !errors.Is(err, auth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(auth.Reason(err), "127.0.0.1:1") {
		t.Errorf("Reason = %q, want the address", auth.Reason(err))
	}
}

// Input that cannot be anyone's is refused without contacting the
// directory: against an unreachable one it is ErrBadCredentials, not
// ErrUnavailable.
func TestLDAPRefusesBadInputWithoutContactingTheDirectory(t *testing.T) {
	l := unreachableLDAP(t)
	cases := []struct{ name, user, password string }{
		{"empty password", "alice", ""},
		{"empty username", "", goodPassword},
		{"NUL", "ali\x00ce", goodPassword},
		{"invalid UTF-8", "ali\xffce", goodPassword},
		{"huge username", strings.Repeat("a", 257), goodPassword},
		{"control character", "alice\n", goodPassword},
		{"huge password", "alice", strings.Repeat("p", 1025)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Authenticate(context.Background(), tc.user, tc.password)
			if !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("err = %v, want ErrBadCredentials before any connection", err)
			}
		})
	}
}

func TestNewLDAPConfiguration(t *testing.T) {
	base := auth.LDAPConfig{URL: "ldaps://dc.example.test", BaseDN: "DC=example,DC=test",
		BindDN: "CN=lookup,DC=example,DC=test", BindPassword: "secret"}
	cases := []struct {
		name  string
		edit  func(*auth.LDAPConfig)
		field string
	}{
		{"http URL", func(c *auth.LDAPConfig) { c.URL = "http://dc.example.test" }, "URL"},
		{"no URL", func(c *auth.LDAPConfig) { c.URL = "" }, "URL"},
		{"no base", func(c *auth.LDAPConfig) { c.BaseDN = "" }, "BaseDN"},
		{"no lookup account", func(c *auth.LDAPConfig) { c.BindPassword = "" }, "BindDN"},
		{"missing CA file", func(c *auth.LDAPConfig) { c.CAFile = "/nonexistent/ca.pem" }, "CAFile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			_, err := auth.NewLDAP(cfg)
			var ce *auth.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Fatalf("err = %v, want a ConfigError for %s", err, tc.field)
			}
			if !errors.Is(err, connectors.Configuration) {
				t.Errorf("err is not a connectors.Configuration error")
			}
		})
	}
	for _, url := range []string{"ldaps://dc.example.test:636", "ldap://dc.example.test"} {
		cfg := base
		cfg.URL = url
		if _, err := auth.NewLDAP(cfg); err != nil {
			t.Errorf("NewLDAP(%s): %v", url, err)
		}
	}
}
