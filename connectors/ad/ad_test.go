package ad_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireKind(t *testing.T, want connectors.Kind, err error, msg string) {
	t.Helper()
	require.Error(t, err, msg)
	require.Truef(t, errors.Is(err, want), "%s: error %q is of kind %q, want %q", msg, err, connectors.KindOf(err), want)
}

func TestBindForms(t *testing.T) {
	s := adtest.Start(t)
	for _, user := range []string{adtest.AdminUPN, adtest.AdminDN, adtest.Domain + `\Administrator`} {
		cfg := adminConfig(s)
		cfg.BindDN = user
		d := open(t, cfg)
		require.NoError(t, d.Ping(ctxT(t)), "bind as %s", user)
		require.Equal(t, adtest.BaseDN, d.NamingContext())
	}
}

func TestOpenErrors(t *testing.T) {
	s := adtest.Start(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		kind connectors.Kind
		text string
		edit func(*ad.Config)
	}{
		{"wrong password", connectors.Configuration, "the password is wrong", func(c *ad.Config) { c.BindPassword = "wrong" }},
		{"unknown user", connectors.Configuration, "bind failed", func(c *ad.Config) { c.BindDN = "nobody@example.test" }},
		{"missing base DN", connectors.Configuration, "does not exist", func(c *ad.Config) { c.BaseDN = "OU=missing," + adtest.BaseDN }},
		{"untrusted CA", connectors.Configuration, "not trusted", func(c *ad.Config) { c.RootCAs = x509.NewCertPool() }},
		{"wrong server name", connectors.Configuration, "not trusted", func(c *ad.Config) { c.ServerName = "dc9.example.test" }},
		{"LDAPS on the plain port", connectors.Configuration, "ldap://", func(c *ad.Config) {
			c.URL = "ldaps://" + s.IP.String() + ":389"
		}},
		{"plain LDAP on the LDAPS port", connectors.Configuration, "ldaps://", func(c *ad.Config) {
			c.URL = "ldap://" + s.IP.String() + ":636"
		}},
		{"unreachable", connectors.Transient, "connect", func(c *ad.Config) { c.URL = "ldaps://127.0.0.1:1" }},
		{"no URL", connectors.Configuration, "url", func(c *ad.Config) { c.URL = "" }},
		{"bad scheme", connectors.Configuration, "scheme", func(c *ad.Config) { c.URL = "http://dc" }},
		{"no password", connectors.Configuration, "bind_password", func(c *ad.Config) { c.BindPassword = "" }},
		{"bad base DN", connectors.Configuration, "base_dn", func(c *ad.Config) { c.BaseDN = "not a DN" }},
		{"one connection", connectors.Configuration, "max_conns", func(c *ad.Config) { c.MaxConns = 1 }},
		{"page too large", connectors.Configuration, "page_size", func(c *ad.Config) { c.PageSize = 5000 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := adminConfig(s)
			tc.edit(&cfg)
			start := time.Now()
			d, err := ad.Open(ctx, cfg)
			if d != nil {
				d.Close()
			}
			requireKind(t, tc.kind, err, tc.name)
			require.Contains(t, err.Error(), tc.text)
			require.NotContains(t, err.Error(), adtest.AdminPassword, "the password never appears in an error")
			require.Less(t, time.Since(start), 20*time.Second, "a clear error, not a hang")
		})
	}
}

func TestExpiredCertificate(t *testing.T) {
	ca, pool := newCA(t)
	cert := issue(t, ca, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	_, err = ad.Open(ctxT(t), ad.Config{URL: "ldaps://" + l.Addr().String(), RootCAs: pool, ServerName: "dc.test",
		BindDN: "x@example.test", BindPassword: "x"})
	requireKind(t, connectors.Configuration, err, "expired certificate")
	require.Contains(t, err.Error(), "expired")
}

// TestDeadlines: a server that accepts connections and then says nothing
// cannot hang a caller beyond its context's deadline, at any step.
func TestDeadlines(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	for _, url := range []string{"ldaps://" + l.Addr().String(), "ldap://" + l.Addr().String()} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		_, err := ad.Open(ctx, ad.Config{URL: url, BindDN: "x@example.test", BindPassword: "x"})
		cancel()
		requireKind(t, connectors.Transient, err, url)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(start), 5*time.Second, "%s: the deadline is honoured", url)
	}
}

// TestHungServerAndReconnect: an operation on a server that stops
// answering ends at its deadline; when the network is back (or broken
// connections are cut), the connector carries on with new connections.
func TestHungServerAndReconnect(t *testing.T) {
	s := adtest.Start(t)
	p := newProxy(t, net.JoinHostPort(s.IP.String(), "636"))
	cfg := adminConfig(s)
	cfg.URL = "ldaps://" + p.addr()
	d := open(t, cfg)
	ou := s.NewOU(t)

	p.pause()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	start := time.Now()
	_, err := d.ReadDN(ctx, ou, nil)
	cancel()
	requireKind(t, connectors.Transient, err, "read from a hung server")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
	p.unpause()

	e, err := d.ReadDN(ctxT(t), ou, nil)
	require.NoError(t, err, "after the hang, a new connection")
	require.NotEmpty(t, e.ID)

	p.cut() // every pooled connection is now dead
	e2, err := d.ReadDN(ctxT(t), ou, nil)
	require.NoError(t, err, "a read on a broken connection is retried on a new one")
	require.Equal(t, e.ID, e2.ID)
	require.NoError(t, d.Search(ctxT(t), connectors.SearchRequest{BaseDN: ou}, func(*connectors.Entry) error { return nil }))
	id := mustCreateUser(t, d, ou, "After Cut", "aftercut")
	require.NotEmpty(t, id, "writes work again too")
}

func TestPlainLDAPNeverSendsPasswords(t *testing.T) {
	s := adtest.Start(t)
	cfg := adminConfig(s)
	cfg.URL, cfg.PlainLDAP = s.LDAPURL(), true
	d := open(t, cfg)
	ou := s.NewOU(t)
	id := mustCreateUser(t, d, ou, "Plain", "plainuser")
	err := d.SetPassword(ctxT(t), id, "Sup3r!Secret")
	requireKind(t, connectors.Configuration, err, "set password over plain LDAP (Samba would accept it; AD would not)")

	dn, _ := connectors.JoinDN("CN", "Plain Two", ou)
	_, err = d.Create(ctxT(t), connectors.CreateRequest{DN: dn, Password: "Sup3r!Secret", Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"plaintwo"}}}})
	requireKind(t, connectors.Configuration, err, "create with a password over plain LDAP")
	_, err = d.ReadDN(ctxT(t), dn, nil)
	requireKind(t, connectors.NotFound, err, "nothing was created")
}

// TestEnableKeepsOtherFlags: enabling and disabling change the
// ACCOUNTDISABLE bit of userAccountControl and no other.
func TestEnableKeepsOtherFlags(t *testing.T) {
	s := adtest.Start(t)
	d := open(t, adminConfig(s))
	ou := s.NewOU(t)
	id := mustCreateUser(t, d, ou, "Flags", "flagsuser")
	require.NoError(t, d.SetPassword(ctxT(t), id, "Sup3r!Secret"))
	raw := s.Dial(t)
	uac := func() int {
		res, err := raw.Search(ldap.NewSearchRequest("<GUID="+string(id)+">", ldap.ScopeBaseObject, 0, 0, 0, false,
			"(objectClass=*)", []string{"userAccountControl"}, nil))
		require.NoError(t, err)
		v, err := strconv.Atoi(res.Entries[0].GetAttributeValue("userAccountControl"))
		require.NoError(t, err)
		return v
	}
	require.Equal(t, 0x202, uac(), "created as NORMAL_ACCOUNT|ACCOUNTDISABLE, without PASSWD_NOTREQD")
	const dontExpire = 0x10000
	m := ldap.NewModifyRequest("<GUID="+string(id)+">", nil)
	m.Replace("userAccountControl", []string{strconv.Itoa(0x202 | dontExpire)})
	require.NoError(t, raw.Modify(m), "an operator sets DONT_EXPIRE_PASSWORD")

	require.NoError(t, d.SetEnabled(ctxT(t), id, true))
	require.Equal(t, 0x200|dontExpire, uac(), "enable cleared only ACCOUNTDISABLE")
	require.NoError(t, d.SetEnabled(ctxT(t), id, false))
	require.Equal(t, 0x202|dontExpire, uac(), "disable set only ACCOUNTDISABLE")
}

func TestGUIDsMatchADs(t *testing.T) {
	s := adtest.Start(t)
	d := open(t, adminConfig(s))
	ou := s.NewOU(t)
	id := mustCreateUser(t, d, ou, "Guid", "guiduser")
	raw := s.Dial(t)
	res, err := raw.Search(ldap.NewSearchRequest("CN=Guid,"+ou, ldap.ScopeBaseObject, 0, 0, 0, false,
		"(objectClass=*)", []string{"objectGUID"}, nil))
	require.NoError(t, err)
	guid := res.Entries[0].GetRawAttributeValue("objectGUID")
	got, ok := ad.IDFromGUID(guid)
	require.True(t, ok)
	require.Equal(t, id, got)
	back, err := ad.GUIDFromID(id)
	require.NoError(t, err)
	require.Equal(t, guid, back)
	// AD's own <GUID=…> lookup, in the connector's text form, finds it.
	res, err = raw.Search(ldap.NewSearchRequest("<GUID="+string(id)+">", ldap.ScopeBaseObject, 0, 0, 0, false,
		"(objectClass=*)", []string{"cn"}, nil))
	require.NoError(t, err)
	require.Equal(t, "Guid", res.Entries[0].GetAttributeValue("cn"))
	// And so does a search on the raw bytes, escaped.
	res, err = raw.Search(ldap.NewSearchRequest(ou, ldap.ScopeWholeSubtree, 0, 0, 0, false,
		"(objectGUID="+ldap.EscapeFilter(string(back))+")", []string{"cn"}, nil))
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)
}

func TestReferralsAreNotChased(t *testing.T) {
	s := adtest.Start(t)
	d := open(t, adminConfig(s))
	n := 0
	// A subtree search from the domain's root makes AD return
	// continuation references to the configuration partition.
	err := d.Search(ctxT(t), connectors.SearchRequest{Filter: connectors.Eq("objectClass", "domain"), Attributes: []string{"dc"}},
		func(e *connectors.Entry) error {
			n++
			require.NotEmpty(t, e.ID, "a referral is never an entry")
			return nil
		})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = d.ReadDN(ctxT(t), "CN=x,DC=elsewhere,DC=test", nil)
	requireKind(t, connectors.NotFound, err, "a DN outside the domain")
}

func TestConcurrentUse(t *testing.T) {
	s := adtest.Start(t)
	cfg := adminConfig(s)
	cfg.MaxConns = 2
	d := open(t, cfg)
	ou := s.NewOU(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 12 {
		wg.Go(func() {
			for i := range 4 {
				cn := fmt.Sprintf("C %d %d", g, i)
				dn, _ := connectors.JoinDN("CN", cn, ou)
				id, err := d.Create(ctxT(t), connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
					{Name: "objectClass", Values: []string{"user"}},
					{Name: "sAMAccountName", Values: []string{fmt.Sprintf("conc%d-%d", g, i)}}}})
				if err != nil {
					errs <- err
					return
				}
				e, err := d.Read(ctxT(t), id, []string{"cn"})
				if err != nil || e.First("cn") != cn {
					errs <- fmt.Errorf("read back %s: %v %v", cn, e, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	require.NoError(t, d.Search(ctxT(t), connectors.SearchRequest{BaseDN: ou, Filter: connectors.Eq("objectClass", "user"), PageSize: 10},
		func(*connectors.Entry) error { n++; return nil }))
	require.Equal(t, 48, n)
}

func TestAfterClose(t *testing.T) {
	s := adtest.Start(t)
	d := open(t, adminConfig(s))
	require.NoError(t, d.Close())
	requireKind(t, connectors.Invalid, d.Ping(ctxT(t)), "ping after close")
}

// TestTwinSchemaMatchesSamba keeps the in-memory twin honest: every
// attribute it accepts exists in AD's schema, with the twin's name, and is
// single-valued, bounded and of the syntax that AD's is.
func TestTwinSchemaMatchesSamba(t *testing.T) {
	s := adtest.Start(t)
	raw := s.Dial(t)
	for name, twin := range inmem.BaseSchema() {
		res, err := raw.Search(ldap.NewSearchRequest("CN=Schema,CN=Configuration,"+adtest.BaseDN, ldap.ScopeSingleLevel, 0, 0, 0, false,
			"(lDAPDisplayName="+ldap.EscapeFilter(name)+")",
			[]string{"lDAPDisplayName", "isSingleValued", "rangeUpper", "attributeSyntax"}, nil))
		require.NoError(t, err)
		if !assert.Len(t, res.Entries, 1, "attribute %s is in AD's schema", name) {
			continue
		}
		e := res.Entries[0]
		assert.Equal(t, name, e.GetAttributeValue("lDAPDisplayName"), "the twin writes %s as AD does", name)
		upper, _ := strconv.Atoi(e.GetAttributeValue("rangeUpper"))
		assert.Equal(t, upper, twin.RangeUpper, "rangeUpper of %s", name)
		assert.Contains(t, twin.Syntaxes, e.GetAttributeValue("attributeSyntax"), "syntax of %s", name)
		if !strings.EqualFold(name, "description") { // multi-valued in the schema, single on SAM objects
			assert.Equal(t, e.GetAttributeValue("isSingleValued") == "TRUE", twin.Single, "%s single-valued", name)
		}
	}
}

// TestTwinRefusesWhatSambaRefuses: the characters the twin refuses in a
// sAMAccountName are exactly those Samba refuses (of the printable ASCII
// punctuation).
func TestTwinRefusesWhatSambaRefuses(t *testing.T) {
	s := adtest.Start(t)
	d := open(t, adminConfig(s))
	twin := inmem.MustNew(inmem.Options{})
	ou := s.NewOU(t)
	adID := mustCreateUser(t, d, ou, "Chars", "charsuser")
	twinDN, _ := connectors.JoinDN("CN", "Chars", twin.BaseDN())
	twinID, err := twin.Create(ctxT(t), connectors.CreateRequest{DN: twinDN, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"charsuser"}}}})
	require.NoError(t, err)
	for _, c := range "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" {
		sam := "ch" + string(c) + "x"
		mod := []connectors.Modification{{Op: connectors.ModReplace, Name: "sAMAccountName", Values: []string{sam}}}
		adErr, twinErr := d.Modify(ctxT(t), adID, mod), twin.Modify(ctxT(t), twinID, mod)
		assert.Equal(t, connectors.KindOf(adErr), connectors.KindOf(twinErr), "sAMAccountName %q: AD says %v, the twin %v", sam, adErr, twinErr)
	}
}

func newCA(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(72 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

func issue(t *testing.T, ca tls.Certificate, from, to time.Time) tls.Certificate {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "dc.test"},
		DNSNames: []string{"dc.test"}, NotBefore: from, NotAfter: to,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Leaf, &key.PublicKey, ca.PrivateKey)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
