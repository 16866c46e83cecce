package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestMain(m *testing.M) {
	code := adtest.Main(m)
	pgtest.Stop()
	os.Exit(code)
}

// sambaPassword is the test users' password.
const sambaPassword = "Kodeord-æøå-2026!"

// sambaRig is a Samba DC with an OU the service manages, an OU of staff
// who log in (alice an administrator, carl not), and the service's
// configuration over them.
type sambaRig struct {
	srv         *adtest.Server
	base, staff string
	dir         string
	env         map[string]string
}

func newSambaRig(t *testing.T) *sambaRig {
	t.Helper()
	srv := adtest.Start(t)
	r := &sambaRig{srv: srv, base: srv.NewOU(t), staff: srv.NewOU(t), dir: t.TempDir()}
	c := srv.Dial(t)
	for _, ou := range []string{"OU=Kapellet," + r.base, "OU=Grupper," + r.base} {
		add := ldap.NewAddRequest(ou, nil)
		add.Attribute("objectClass", []string{"organizationalUnit"})
		require.NoError(t, c.Add(add))
	}
	r.group(t, c, "CN=Alle ansatte,OU=Grupper,"+r.base)
	alice := r.user(t, c, "Alice Admin", "alice"+strconv.FormatInt(time.Now().UnixNano()%1e6, 10))
	r.user(t, c, "Carl Clerk", "carl"+strconv.FormatInt(time.Now().UnixNano()%1e6, 10))
	r.group(t, c, "CN=orgsync-admins,"+r.staff, alice)
	key := make([]byte, 32)
	rand.Read(key)
	r.env = map[string]string{"ORGSYNC_AD_PASSWORD": adtest.AdminPassword, "SESSION_KEY": base64.StdEncoding.EncodeToString(key)}
	return r
}

func (r *sambaRig) user(t *testing.T, c *ldap.Conn, cn, sam string) string {
	t.Helper()
	dn := "CN=" + cn + "," + r.staff
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{sam})
	add.Attribute("unicodePwd", []string{unicodePwd(sambaPassword)})
	add.Attribute("userAccountControl", []string{"512"})
	require.NoError(t, c.Add(add))
	return dn
}

func (r *sambaRig) group(t *testing.T, c *ldap.Conn, dn string, members ...string) {
	t.Helper()
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "group"})
	add.Attribute("sAMAccountName", []string{"g" + strconv.FormatInt(time.Now().UnixNano()%1e9, 10)})
	if len(members) > 0 {
		add.Attribute("member", members)
	}
	require.NoError(t, c.Add(add))
}

func unicodePwd(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, x := range u {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return string(b)
}

// config is the service's configuration against the rig.
func (r *sambaRig) config(t *testing.T) *Config {
	t.Helper()
	text := fmt.Sprintf(`
store: {url: orgsync.db}
directory:
  url: %s
  ca_file: %s
  server_name: %s
  bind_dn: %q
model:
  synthetic: {persons: 40}
sync:
  base: %q
  chapel_ou: %q
  mapping:
    attributes:
      givenName: "{{.Person.GivenNames}}"
      sn: "{{.Person.Surname}}"
      displayName: "{{.Person.GivenNames}} {{.Person.Surname}}"
      department: "{{.Unit.Name}}"
  correlation: {anchor: adminDisplayName}
  ou: {mode: single, single: %q}
  groups:
    - group: %q
username:
  patterns: ["FFLL", "FFFL", "FFLLX"]
  suffix_base: FFLL
  suffix_max: 999
  fallback: medarb
  upn_domain: example.test
chapel:
  policy: {retention: {months: 3}}
auth:
  session_keys: [{env: SESSION_KEY}]
  roles:
    admin: [orgsync-admins]
`, r.srv.LDAPSURL(), r.srv.CAFile, adtest.Hostname, adtest.AdminDN, r.base, "OU=Kapellet,"+r.base, r.base, "CN=Alle ansatte,OU=Grupper,"+r.base)
	cfg, err := Parse(filepath.Join(r.dir, "serve.yaml"), []byte(text))
	require.NoError(t, err)
	return cfg
}

func (r *sambaRig) getenv(k string) string { return r.env[k] }

// browserless is an HTTP client with cookies, for logging in to a test
// server.
type browserless struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowserless(t *testing.T, srv *httptest.Server) *browserless {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: srv.Client().Transport, Jar: jar} // srv.Client() is one client per server: a jar of its own

	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browserless{t: t, srv: srv, c: c}
}

var hiddenCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login posts the login form as a browser would, and returns the status.
func (b *browserless) login(user, password string) int {
	b.t.Helper()
	resp, err := b.c.Get(b.srv.URL + "/login")
	require.NoError(b.t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := hiddenCSRF.FindSubmatch(page)
	require.NotNil(b.t, m, "the form's token: %s", page)
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/login", strings.NewReader(url.Values{"csrf": {string(m[1])}, "username": {user}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	resp, err = b.c.Do(req)
	require.NoError(b.t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func (b *browserless) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.srv.URL + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// Against a real AD: the service reconciles the municipality into the
// OU, a change in the org model reaches AD through the worker, people log
// in with their AD passwords and get the rights of their groups, and after
// a restart on the same database the first reconcile has nothing to do.
func TestServiceAgainstSamba(t *testing.T) {
	r := newSambaRig(t)
	s, stop := started(t, r.config(t), Options{Getenv: r.getenv})
	waitFor(t, "the first reconcile", func() bool { return jobOK(s, "reconcile") })
	c := r.srv.Dial(t)
	res, err := c.Search(ldap.NewSearchRequest(r.base, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=user)", []string{"sAMAccountName"}, nil))
	require.NoError(t, err)
	accounts := len(res.Entries)
	assert.Greater(t, accounts, 20, "the municipality's accounts are in AD")

	// An event: a surname changes, and AD follows.
	var person orgmodel.Object
	for o := range s.Model().Latest().All(orgmodel.KindPerson) {
		if _, ok := s.links.Link(o.ID); ok {
			person = o
			break
		}
	}
	require.NotZero(t, person.ID, "a person with an account")
	var cs orgmodel.ChangeSet
	cs.Update(person.ID, timeline.Since(s.zone.Date(time.Now())), orgmodel.PersonPatch{Surname: new("Øster-Ågård")})
	_, err = s.Model().Apply(context.Background(), &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	waitFor(t, "the new surname in AD", func() bool {
		res, err := c.Search(ldap.NewSearchRequest(r.base, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(sn=Øster-Ågård)", []string{"sn"}, nil))
		return err == nil && len(res.Entries) == 1
	})

	// Logging in with AD passwords; rights from AD groups.
	web := httptest.NewTLSServer(s.Handler())
	defer web.Close()
	admin := newBrowserless(t, web)
	code, _ := admin.get("/api/v1/plan")
	assert.Equal(t, http.StatusUnauthorized, code, "before logging in")
	assert.Equal(t, http.StatusUnauthorized, admin.login(aliceOf(t, c, r.staff), "wrong password"))
	require.Equal(t, http.StatusSeeOther, admin.login(aliceOf(t, c, r.staff), sambaPassword))
	code, body := admin.get("/api/v1/plan")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"fingerprint"`)
	clerk := newBrowserless(t, web)
	require.Equal(t, http.StatusSeeOther, clerk.login(carlOf(t, c, r.staff), sambaPassword))
	code, _ = clerk.get("/api/v1/status")
	assert.Equal(t, http.StatusOK, code, "any logged-in person sees the status")
	code, _ = clerk.get("/api/v1/plan")
	assert.Equal(t, http.StatusForbidden, code, "not in orgsync-admins")

	// A restart on the same database: the links and the model are kept,
	// so the first reconcile changes nothing.
	require.NoError(t, stop())
	require.NoError(t, s.Close())
	s2, _ := started(t, r.config(t), Options{Getenv: r.getenv})
	waitFor(t, "the reconcile after the restart", func() bool { return jobOK(s2, "reconcile") })
	for _, j := range s2.Status() {
		if j.Job == "reconcile" {
			assert.Equal(t, "0 operation(s), 0 failed", j.Summary)
		}
	}
	res, err = c.Search(ldap.NewSearchRequest(r.base, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=user)", []string{"sAMAccountName"}, nil))
	require.NoError(t, err)
	assert.Len(t, res.Entries, accounts, "no account made twice")
}

// aliceOf and carlOf find the test users' generated logins.
func aliceOf(t *testing.T, c *ldap.Conn, staff string) string {
	return samOf(t, c, staff, "Alice Admin")
}
func carlOf(t *testing.T, c *ldap.Conn, staff string) string { return samOf(t, c, staff, "Carl Clerk") }

func samOf(t *testing.T, c *ldap.Conn, staff, cn string) string {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest("CN="+cn+","+staff, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=user)", []string{"sAMAccountName"}, nil))
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)
	return res.Entries[0].GetAttributeValue("sAMAccountName")
}
