package boarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// samba is a real DC with a test OU holding the Lærere group and Åse's
// enabled account, and the AD connector bound as Administrator.
type samba struct {
	srv         *adtest.Server
	dir         *ad.Directory
	ou, groupDN string
	user        connectors.ID
	userDN, upn string
}

func startSamba(t *testing.T) *samba {
	t.Helper()
	s := &samba{srv: adtest.Start(t)}
	s.ou = s.srv.NewOU(t)
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	var err error
	s.dir, err = ad.Open(ctx, ad.Config{URL: s.srv.LDAPSURL(), RootCAs: s.srv.RootCAs, ServerName: adtest.Hostname,
		BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword})
	require.NoError(t, err)
	t.Cleanup(func() { s.dir.Close() })
	s.groupDN = "CN=Lærere," + s.ou
	_, err = s.dir.Create(ctx, connectors.CreateRequest{DN: s.groupDN, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{"laerere-" + suffix(s.ou)}}}})
	require.NoError(t, err)
	sam := "aaor" + suffix(s.ou)
	s.upn = sam + "@example.test"
	s.userDN = "CN=Åse Ørsted," + s.ou
	s.user, err = s.dir.Create(ctx, connectors.CreateRequest{DN: s.userDN, Enabled: true, Password: connectors.RandomPassword(20),
		Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{sam}},
			{Name: "userPrincipalName", Values: []string{s.upn}}}})
	require.NoError(t, err)
	return s
}

// suffix makes names unique per test OU (sAMAccountNames are
// domain-wide).
func suffix(ou string) string {
	name := strings.TrimPrefix(strings.SplitN(ou, ",", 2)[0], "OU=")
	if len(name) > 8 {
		name = name[len(name)-8:]
	}
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
}

// The AD group connector against a real DC: grant, status, grant again,
// revoke, revoke again, and the errors for a missing group or account.
func TestADGroupsAgainstSamba(t *testing.T) {
	s := startSamba(t)
	p := &boarding.ADGroups{Directory: s.dir}
	g := connectors.Grant{Task: "t1", Resource: "laerere", Target: s.groupDN, Account: s.user}
	ctx := bg
	st, err := p.Status(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantNotHeld, st)
	for range 2 {
		st, err = p.Grant(ctx, g)
		require.NoError(t, err, "granting what is held is not an error")
		assert.Equal(t, connectors.GrantHeld, st)
	}
	st, err = p.Status(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantHeld, st)
	e, err := s.dir.Read(ctx, s.user, []string{"memberOf"})
	require.NoError(t, err)
	assert.True(t, e.Has("memberOf", s.groupDN), "AD itself has the membership")
	for range 2 {
		st, err = p.Revoke(ctx, g)
		require.NoError(t, err, "revoking what is not held is not an error")
		assert.Equal(t, connectors.GrantNotHeld, st)
	}
	st, err = p.Status(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantNotHeld, st)

	missing := g
	missing.Target = "CN=Findes ikke," + s.ou
	_, err = p.Grant(ctx, missing)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	noAccount := g
	noAccount.Account = ""
	_, err = p.Grant(ctx, noAccount)
	assert.Equal(t, connectors.NotFound, connectors.KindOf(err), "%v", err)
}

// The whole onboarding against a real DC: the order activates when the
// account is seen, the dispatcher adds the account to the group, sets a
// new initial password and mails its one-time link; the link opens once
// and the password it shows logs in.
func TestOnboardingGrantsTheGroupAndDeliversThePasswordAgainstSamba(t *testing.T) {
	s := startSamba(t)
	w := newWorld(t)
	e := engineWith(t, w, strings.ReplaceAll(testCatalogue, "CN=Lærere,OU=Grupper,DC=sjolund,DC=dk", s.groupDN))
	e.Rights.Equipment = []string{"servicedesk@sjolund.dk"}
	signer, err := boarding.NewSigner([]byte(strings.Repeat("s", 32)))
	require.NoError(t, err)
	out := outbox.NewMemStore()
	secrets := &boarding.Secrets{Store: &boarding.MemSecrets{}}
	d := &boarding.Dispatcher{Engine: e, Outbox: out, From: connectors.Address{Addr: "orgsync@sjolund.dk"}, BaseURL: "https://orgsync.sjolund.dk",
		Signer: signer, Provisioners: map[string]connectors.Provisioner{"ad-groups": &boarding.ADGroups{Directory: s.dir}},
		Passwords: s.dir, Secrets: secrets}

	o, err := e.Place(bg, "soeren@sjolund.dk", boarding.Request{Key: "k", Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted", EmploymentNumber: "42"},
		Unit: w.school, Roles: []string{"laerer"}, Start: firstDay})
	require.NoError(t, err)
	_, err = e.ContractSigned(bg, "hr@sjolund.dk", o.ID, "")
	require.NoError(t, err)
	var cs om.ChangeSet
	person := cs.Add("aase", timeline.Since(timeline.MustDate(1990, 5, 1)), om.PersonAttrs{GivenNames: "Åse", Surname: "Ørsted"})
	cs.Add("42", timeline.Since(firstDay), om.EngagementAttrs{Person: person, Unit: w.school, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	cs.Add("aaor", timeline.Since(timeline.MustDate(2027, 2, 15)), om.AccountAttrs{System: "Active Directory", Username: "aaor", ExternalID: string(s.user), Person: person})
	w.apply(t, &cs)
	require.NoError(t, e.Handle(bg, personEvent(person)))
	require.Equal(t, boarding.Active, mustGet(t, e, o.ID).State)

	rep, err := d.Dispatch(bg)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Granted)
	entry, err := s.dir.Read(bg, s.user, []string{"memberOf"})
	require.NoError(t, err)
	assert.True(t, entry.Has("memberOf", s.groupDN))

	es, err := out.List(bg, 0, 100)
	require.NoError(t, err)
	var link string
	for _, e := range es {
		if strings.Contains(e.Message.Subject, "adgangskode") {
			i := strings.Index(e.Message.Text, "https://orgsync.sjolund.dk/boarding/secret?token=")
			require.GreaterOrEqual(t, i, 0)
			link = strings.Fields(e.Message.Text[i:])[0]
		} else {
			assert.NotContains(t, e.Message.Text, "Adgangskode:", "no other mail carries a password")
		}
	}
	require.NotEmpty(t, link, "the password's link went to the manager")
	token := strings.TrimPrefix(link, "https://orgsync.sjolund.dk/boarding/secret?token=")
	pw, err := secrets.Open(bg, token, w.now)
	require.NoError(t, err)
	_, err = secrets.Open(bg, token, w.now)
	assert.ErrorIs(t, err, boarding.ErrSecretGone, "shown once")

	conn, err := ldap.DialURL(s.srv.LDAPSURL(), ldap.DialWithTLSConfig(s.srv.TLSConfig()))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.Bind(s.upn, string(pw)), "the delivered password logs in")

	rep, err = d.Dispatch(bg)
	require.NoError(t, err)
	assert.Zero(t, rep.Mails, "the password is set and sent once")
}

func mustGet(t *testing.T, e *boarding.Engine, id [16]byte) *boarding.Order {
	t.Helper()
	o, err := e.Store.Get(bg, id)
	require.NoError(t, err)
	return o
}
