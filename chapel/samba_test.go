package chapel_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// The tests in this file run the chapel against the harness's Samba AD DC,
// each in an OU of its own that holds a "Skolen" OU (where staff are), the
// chapel OU and a protected OU. sAMAccountName and userPrincipalName are
// unique across the domain, so the tests do not run in parallel and every
// test uses names of its own.

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// sambaPassword satisfies Samba's default password policy.
const sambaPassword = connectors.Secret("Kapel-Kodeord-2026!")

// sambaEnv is one test's piece of the directory.
type sambaEnv struct {
	srv       *adtest.Server
	dir       *ad.Directory
	root      string // the test's OU, the runner's base
	skolen    string // where staff work
	chapelOU  string // the chapel
	protected string // an OU the chapel must not touch
	people    *people
}

// newSambaEnv opens the AD connector on the harness's DC as Administrator
// and creates the test's OUs.
func newSambaEnv(t testing.TB) *sambaEnv {
	t.Helper()
	s := adtest.Start(t)
	root := s.NewOU(t)
	env := &sambaEnv{
		srv: s, dir: sambaOpen(t, s), root: root,
		skolen: "OU=Skolen," + root, chapelOU: "OU=Kapellet," + root, protected: "OU=Direktion," + root,
		people: &people{by: map[string]chapel.Person{}},
	}
	for _, ou := range []string{env.skolen, env.chapelOU, env.protected} {
		env.createOU(t, ou)
	}
	return env
}

// sambaOpen opens the AD connector over LDAPS, closed when the test ends.
func sambaOpen(t testing.TB, s *adtest.Server) *ad.Directory {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := ad.Open(c, ad.Config{
		URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname,
		BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword, MaxConns: 8,
	})
	require.NoError(t, err, "open the AD connector")
	t.Cleanup(func() { d.Close() })
	return d
}

func (env *sambaEnv) createOU(t testing.TB, dn string) {
	t.Helper()
	_, err := env.dir.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	require.NoError(t, err, "create %s", dn)
}

// policy is the tests' policy: three months in the chapel, a year of
// quarantine, the protected OU, and adminDisplayName (in the base schema,
// and free on a fresh account) as the protected attribute.
func (env *sambaEnv) policy(tweak ...func(*chapel.Policy)) *chapel.Policy {
	p := &chapel.Policy{
		ChapelOU:           env.chapelOU,
		Retention:          chapel.Retention{Months: 3},
		Quarantine:         chapel.Retention{Months: 12},
		ProtectedOUs:       []string{env.protected},
		ProtectedAttribute: "adminDisplayName",
	}
	for _, f := range tweak {
		f(p)
	}
	return p
}

// runner returns a runner over the test's OU, with the AD connector, the
// policy and env's people, changed by tweak.
func (env *sambaEnv) runner(t testing.TB, tweak ...func(*chapel.Runner)) *chapel.Runner {
	t.Helper()
	r := chapel.Runner{Dir: env.dir, Base: env.root, Policy: env.policy(), People: env.people}
	for _, f := range tweak {
		f(&r)
	}
	out, err := chapel.NewRunner(r)
	require.NoError(t, err)
	return out
}

// sambaAccount is an account to create. An enabled one gets sambaPassword.
type sambaAccount struct {
	sam, upn, mail string
	enabled        bool
	attrs          []connectors.Attribute
}

// account creates a in parent, links it to person, and returns its id.
func (env *sambaEnv) account(t testing.TB, parent string, a sambaAccount, person chapel.Person) connectors.ID {
	t.Helper()
	dn, err := connectors.JoinDN("CN", a.sam, parent)
	require.NoError(t, err)
	attrs := append([]connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{a.sam}},
	}, a.attrs...)
	if a.upn != "" {
		attrs = append(attrs, connectors.Attribute{Name: "userPrincipalName", Values: []string{a.upn}})
	}
	if a.mail != "" {
		attrs = append(attrs, connectors.Attribute{Name: "mail", Values: []string{a.mail}})
	}
	req := connectors.CreateRequest{DN: dn, Attributes: attrs, Enabled: a.enabled}
	if a.enabled {
		req.Password = sambaPassword
	}
	id, err := env.dir.Create(ctx, req)
	require.NoError(t, err, "create %s", dn)
	env.people.set(id, person)
	return id
}

// staff creates an enabled account named sam in Skolen.
func (env *sambaEnv) staff(t testing.TB, sam string, person chapel.Person) connectors.ID {
	t.Helper()
	return env.account(t, env.skolen, sambaAccount{sam: sam, enabled: true}, person)
}

// group creates a security group named name in Skolen.
func (env *sambaEnv) group(t testing.TB, name string) connectors.ID {
	t.Helper()
	g, err := env.dir.Create(ctx, connectors.CreateRequest{DN: "CN=" + name + "," + env.skolen, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{name}}}})
	require.NoError(t, err)
	return g
}

// sambaAttrs are the attributes the tests look at.
var sambaAttrs = []string{"sAMAccountName", "userPrincipalName", "mail", "adminDescription", "memberOf", "objectGUID"}

// read reads the account with sambaAttrs.
func (env *sambaEnv) read(t testing.TB, id connectors.ID) *connectors.Entry {
	t.Helper()
	e, err := env.dir.Read(ctx, id, sambaAttrs)
	require.NoError(t, err)
	return e
}

// run plans and applies at now and requires every action to succeed.
func (env *sambaEnv) run(t testing.TB, r *chapel.Runner, now time.Time) *chapel.Report {
	t.Helper()
	plan, err := r.Plan(ctx, now)
	require.NoError(t, err)
	require.Empty(t, plan.Errors)
	rep, err := r.Apply(ctx, plan, "")
	require.NoError(t, err)
	for _, res := range rep.Results {
		require.Nil(t, res.Err, "%s of %s", res.Item.Decision.Action, res.Item.Account.Username)
	}
	return rep
}

// sambaDecision returns the plan's decision on account id.
func sambaDecision(t testing.TB, plan *chapel.Plan, id connectors.ID) chapel.Decision {
	t.Helper()
	for _, it := range plan.Items {
		if it.Account.ID == string(id) {
			return it.Decision
		}
	}
	t.Fatalf("account %s is not in the plan", id)
	return chapel.Decision{}
}

// sambaStamp parses the stamp the account carries, requiring one.
func sambaStamp(t testing.TB, e *connectors.Entry) chapel.Stamp {
	t.Helper()
	st, ok, err := chapel.ParseStamp(e.First("adminDescription"))
	require.NoError(t, err)
	require.True(t, ok, "%s carries no stamp: %q", e.DN, e.First("adminDescription"))
	return st
}

// sambaRequireIn requires the entry to be directly in ou.
func sambaRequireIn(t testing.TB, e *connectors.Entry, ou string) {
	t.Helper()
	_, parent, err := connectors.SplitDN(e.DN)
	require.NoError(t, err)
	require.True(t, connectors.EqualDN(parent, ou), "%s is not in %s", e.DN, ou)
}

// requireInChapel requires the account to be disabled in the chapel with a
// stamp of reason, from and day, and returns the stamp.
func (env *sambaEnv) requireInChapel(t testing.TB, id connectors.ID, reason chapel.Reason, from string, day timeline.Date) chapel.Stamp {
	t.Helper()
	e := env.read(t, id)
	require.True(t, e.Disabled, "%s is disabled", e.DN)
	sambaRequireIn(t, e, env.chapelOU)
	st := sambaStamp(t, e)
	require.Equal(t, reason, st.Reason)
	require.Equal(t, day, st.Disabled)
	require.True(t, connectors.EqualDN(from, st.From), "the stamp says it came from %s, not %s", st.From, from)
	return st
}

// requireUntouched requires the account to be as created: enabled or not
// as given, in ou, and with adminDescription as given.
func (env *sambaEnv) requireUntouched(t testing.TB, id connectors.ID, enabled bool, ou, adminDescription string) {
	t.Helper()
	e := env.read(t, id)
	require.Equal(t, enabled, !e.Disabled, "%s enabled", e.DN)
	sambaRequireIn(t, e, ou)
	require.Equal(t, adminDescription, e.First("adminDescription"), "%s's adminDescription", e.DN)
}

// bindAs binds as a user over LDAPS on a connection of its own, as the
// user's own logon would.
func (env *sambaEnv) bindAs(t testing.TB, upn string) error {
	t.Helper()
	c, err := ldap.DialURL(env.srv.LDAPSURL(), ldap.DialWithTLSConfig(env.srv.TLSConfig()))
	require.NoError(t, err)
	defer c.Close()
	c.SetTimeout(30 * time.Second)
	return c.Bind(upn, string(sambaPassword))
}

// sambaRequireDisabledBind requires a bind to fail as AD fails a disabled
// account's: invalid credentials (49) with reason code 533.
func sambaRequireDisabledBind(t testing.TB, err error) {
	t.Helper()
	var le *ldap.Error
	require.ErrorAs(t, err, &le, "a bind as a disabled user fails")
	t.Logf("bind as a disabled user: %v", err)
	assert.Equal(t, uint16(ldap.LDAPResultInvalidCredentials), le.ResultCode)
	assert.Contains(t, strings.ToLower(le.Error()), "data 533", "AD's code for a disabled account")
}

// sambaLeft is a person whose last engagement ended the day before day.
func sambaLeft(day string) chapel.Person { return chapel.Person{Known: true, LeftOn: d(day)} }

// employed is a person employed in Skolen (a returning one goes back
// there).
func (env *sambaEnv) employed() chapel.Person {
	return chapel.Person{Known: true, Employed: true, ReturnOU: env.skolen}
}

// TestLifecycleAgainstSamba is the measured scenario: hire, leave,
// chapel, rehire with the same identity, leave, deletion after the
// retention, and the username's quarantine.
func TestLifecycleAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	r := env.runner(t)
	søren := username.Name{GivenNames: "Søren", Surname: "Kierkegaard"}
	names := username.Config{Patterns: []string{"FFFFLLLL", "FFFFLLLLX"}, UPNDomain: "example.test", MailDomain: "example.test",
		Reuse: username.ReuseAfterQuarantine, QuarantineDays: 365}

	// Hire: the generator names him, and the account is made with those
	// names.
	hired := sambaGenerate(t, names, username.NewIndex(), at("2026-01-15"), søren)
	require.Equal(t, "soerkier", hired.Username)
	id := env.account(t, env.skolen, sambaAccount{sam: hired.Username, upn: hired.UPN, mail: hired.Mail, enabled: true}, env.employed())
	colleague := env.staff(t, "chlc-kollega", env.employed())
	require.NoError(t, env.bindAs(t, hired.UPN), "a new employee can log on")
	assert.Empty(t, env.run(t, r, at("2026-02-01")).Results, "everyone employed: nothing to do")

	// Leave: his last day is 28 February.
	env.people.set(id, sambaLeft("2026-03-01"))
	rep := env.run(t, r, at("2026-03-01"))
	require.Len(t, rep.Results, 1)
	assert.Equal(t, chapel.Disable, rep.Results[0].Item.Decision.Action)
	env.requireInChapel(t, id, chapel.ReasonLeft, env.skolen, d("2026-03-01"))
	sambaRequireDisabledBind(t, env.bindAs(t, hired.UPN))
	plan, err := r.Plan(ctx, at("2026-03-02"))
	require.NoError(t, err)
	assert.Empty(t, plan.Actions(), "a second run plans nothing")
	assert.Equal(t, chapel.InChapel, sambaDecision(t, plan, id).State)
	assert.Equal(t, timeline.DefaultZone().Start(d("2026-06-01")), sambaDecision(t, plan, id).Due, "deletion is due three months on")

	// Rehire in April: the same account, back in Skolen.
	before := env.read(t, id)
	env.people.set(id, env.employed())
	rep = env.run(t, r, at("2026-04-10"))
	require.Len(t, rep.Results, 1)
	assert.Equal(t, chapel.Reactivate, rep.Results[0].Item.Decision.Action)
	after := env.read(t, id)
	assert.False(t, after.Disabled)
	sambaRequireIn(t, after, env.skolen)
	assert.Empty(t, after.Get("adminDescription"), "the stamp is cleared")
	assert.Equal(t, id, after.ID, "the same objectGUID")
	for _, a := range []string{"sAMAccountName", "userPrincipalName", "mail"} {
		assert.Equal(t, before.First(a), after.First(a), a)
	}
	assert.Equal(t, []string{hired.Username, hired.UPN, hired.Mail}, []string{after.First("sAMAccountName"), after.First("userPrincipalName"), after.First("mail")})
	require.NoError(t, env.bindAs(t, hired.UPN), "the returning employee logs on with the old password")

	// He leaves for good; three months later the account is deleted.
	env.people.set(id, sambaLeft("2026-05-01"))
	env.run(t, r, at("2026-05-01"))
	env.requireInChapel(t, id, chapel.ReasonLeft, env.skolen, d("2026-05-01"))
	assert.Empty(t, env.run(t, r, at("2026-07-31")).Results, "the retention has not passed")
	rep = env.run(t, r, at("2026-08-01"))
	require.Len(t, rep.Tombstones, 1)
	tomb := rep.Tombstones[0]
	assert.Equal(t, chapel.Tombstone{ID: string(id), Username: hired.Username, Deleted: d("2026-08-01"), QuarantineUntil: d("2027-08-01")}, tomb)
	_, err = env.dir.Read(ctx, id, nil)
	assert.ErrorIs(t, err, connectors.NotFound, "the account is gone")
	env.requireUntouched(t, colleague, true, env.skolen, "")

	// The username rests in quarantine: the directory no longer holds it,
	// only the tombstone does.
	idx := username.NewIndex()
	require.NoError(t, username.LoadDirectory(ctx, env.dir, env.root, idx))
	hs, err := idx.Holdings(ctx, hired.Username)
	require.NoError(t, err)
	assert.Empty(t, hs, "no account in the directory holds the name")
	idx.Add(tomb.Username, username.Holding{Where: username.InHistory, Holder: tomb.ID, Released: timeline.DefaultZone().Start(tomb.Deleted)})

	// The quarantine ends at the start of QuarantineUntil in the org's
	// zone: a minute before, the name is refused; a minute after, given.
	ends := timeline.DefaultZone().Start(tomb.QuarantineUntil)
	early := sambaGenerate(t, names, idx, ends.Add(-time.Minute), søren)
	assert.Equal(t, "soerkier2", early.Username, "refused during the quarantine")
	require.NotEmpty(t, early.Rejected)
	assert.Equal(t, hired.Username, early.Rejected[0].Candidate)
	// (The reason's date is the quarantine's end in UTC, 2027-07-31,
	// not the org's day, 2027-08-01: the username package formats it so.)
	assert.Contains(t, early.Rejected[0].Reason, "in quarantine until")

	late := sambaGenerate(t, names, idx, ends.Add(time.Minute), søren)
	assert.Equal(t, hired.Username, late.Username, "given out again after the quarantine")
	// And AD agrees: a new account can take the name.
	env.account(t, env.skolen, sambaAccount{sam: late.Username, upn: late.UPN, enabled: true}, env.employed())
}

// sambaGenerate names a person with a generator over idx whose clock says
// now, explaining what it passed over.
func sambaGenerate(t testing.TB, cfg username.Config, idx *username.Index, now time.Time, n username.Name) username.Result {
	t.Helper()
	g, err := username.New(cfg, []username.Taken{idx}, username.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	res, err := g.Generate(ctx, username.Request{Name: n, Explain: true})
	require.NoError(t, err)
	g.Release(res.Token)
	return res
}

// TestOddCasesAgainstSamba: every odd case of the state machine, each
// with the policy's default and, where a switch exists, with it on.
func TestOddCasesAgainstSamba(t *testing.T) {
	t.Run("disabled by hand", func(t *testing.T) {
		env := newSambaEnv(t)
		id := env.account(t, env.skolen, sambaAccount{sam: "chod-hand"}, sambaLeft("2026-03-01"))
		env.run(t, env.runner(t), at("2026-03-02"))
		env.requireUntouched(t, id, false, env.skolen, "")

		adopt := env.runner(t, func(r *chapel.Runner) { r.Policy.AdoptDisabled = true })
		rep := env.run(t, adopt, at("2026-03-02"))
		require.Len(t, rep.Results, 1)
		assert.Equal(t, chapel.Adopt, rep.Results[0].Item.Decision.Action)
		env.requireInChapel(t, id, chapel.ReasonAdopted, env.skolen, d("2026-03-02"))
	})

	t.Run("unstamped in the chapel", func(t *testing.T) {
		env := newSambaEnv(t)
		id := env.account(t, env.chapelOU, sambaAccount{sam: "chod-unstamped"}, sambaLeft("2020-01-01"))
		plan, err := env.runner(t).Plan(ctx, at("2030-01-01"))
		require.NoError(t, err)
		assert.Equal(t, chapel.UnstampedInChapel, sambaDecision(t, plan, id).State)
		assert.Empty(t, plan.Actions(), "never deleted, ten years after")
		env.requireUntouched(t, id, false, env.chapelOU, "")

		adopt := env.runner(t, func(r *chapel.Runner) { r.Policy.AdoptDisabled = true })
		env.run(t, adopt, at("2030-01-01"))
		env.requireInChapel(t, id, chapel.ReasonAdopted, env.chapelOU, d("2030-01-01"))
		assert.Empty(t, env.run(t, adopt, at("2030-03-31")).Results, "its retention starts on adoption")
		rep := env.run(t, adopt, at("2030-04-01"))
		require.Len(t, rep.Tombstones, 1, "and deletes it when it has passed")
	})

	t.Run("re-enabled by hand in the chapel", func(t *testing.T) {
		env := newSambaEnv(t)
		id := env.staff(t, "chod-reenabled", sambaLeft("2026-03-01"))
		env.run(t, env.runner(t), at("2026-03-01"))
		stamp := env.read(t, id).First("adminDescription")
		require.NoError(t, env.dir.SetEnabled(ctx, id, true), "someone enables it by hand")

		plan, err := env.runner(t).Plan(ctx, at("2026-03-05"))
		require.NoError(t, err)
		assert.Equal(t, chapel.ReenabledInChapel, sambaDecision(t, plan, id).State)
		assert.Empty(t, plan.Actions(), "left alone by default")
		assert.Empty(t, env.run(t, env.runner(t), at("2026-07-01")).Results, "not deleted while enabled, either")
		env.requireUntouched(t, id, true, env.chapelOU, stamp)

		enforce := env.runner(t, func(r *chapel.Runner) { r.Policy.EnforceDisabled = true })
		rep := env.run(t, enforce, at("2026-03-05"))
		require.Len(t, rep.Results, 1)
		assert.Equal(t, chapel.Redisable, rep.Results[0].Item.Decision.Action)
		env.requireUntouched(t, id, false, env.chapelOU, stamp)
	})

	t.Run("rehired on the day of deletion", func(t *testing.T) {
		env := newSambaEnv(t)
		r := env.runner(t)
		id := env.staff(t, "chod-rehired", sambaLeft("2026-03-01"))
		env.run(t, r, at("2026-03-01"))
		env.people.set(id, env.employed())
		rep := env.run(t, r, at("2026-06-01"))
		require.Len(t, rep.Results, 1)
		assert.Equal(t, chapel.Reactivate, rep.Results[0].Item.Decision.Action)
		assert.Empty(t, rep.Tombstones)
		env.requireUntouched(t, id, true, env.skolen, "")
	})

	t.Run("excluded accounts", func(t *testing.T) {
		env := newSambaEnv(t)
		long := sambaLeft("2020-01-01")
		service := env.staff(t, "chod-robot", chapel.Person{Known: true, Service: true, LeftOn: d("2020-01-01")})
		inOU := env.account(t, env.protected, sambaAccount{sam: "chod-direktor", enabled: true}, long)
		marked := env.account(t, env.skolen, sambaAccount{sam: "chod-marked", enabled: true,
			attrs: []connectors.Attribute{{Name: "adminDisplayName", Values: []string{"do not touch"}}}}, long)
		// A protected account in the chapel, stamped long ago.
		old := stampOf(t, chapel.Stamp{Disabled: d("2020-01-01"), Reason: chapel.ReasonLeft, From: env.skolen})
		held := env.account(t, env.chapelOU, sambaAccount{sam: "chod-held", attrs: []connectors.Attribute{
			{Name: "adminDisplayName", Values: []string{"legal hold"}}, {Name: "adminDescription", Values: []string{old}}}}, long)

		r := env.runner(t, func(r *chapel.Runner) { r.Policy.AdoptDisabled, r.Policy.EnforceDisabled = true, true })
		plan, err := r.Plan(ctx, at("2030-01-01"))
		require.NoError(t, err)
		assert.Empty(t, plan.Actions())
		for _, id := range []connectors.ID{service, inOU, marked, held} {
			assert.Equal(t, chapel.Excluded, sambaDecision(t, plan, id).State)
		}
		env.run(t, r, at("2030-01-01"))
		env.requireUntouched(t, service, true, env.skolen, "")
		env.requireUntouched(t, inOU, true, env.protected, "")
		env.requireUntouched(t, marked, true, env.skolen, "")
		env.requireUntouched(t, held, false, env.chapelOU, old)
	})

	t.Run("broken stamp", func(t *testing.T) {
		env := newSambaEnv(t)
		const garbage = chapel.StampPrefix + "{garbage"
		id := env.account(t, env.chapelOU, sambaAccount{sam: "chod-garbage", attrs: []connectors.Attribute{
			{Name: "adminDescription", Values: []string{garbage}}}}, sambaLeft("2020-01-01"))
		r := env.runner(t, func(r *chapel.Runner) { r.Policy.AdoptDisabled, r.Policy.EnforceDisabled = true, true })
		plan, err := r.Plan(ctx, at("2030-01-01"))
		require.NoError(t, err)
		got := sambaDecision(t, plan, id)
		assert.Equal(t, chapel.BadStamp, got.State)
		assert.Equal(t, chapel.Nothing, got.Action)
		assert.Contains(t, got.Reason, "never deletes")
		env.run(t, r, at("2030-01-01"))
		env.requireUntouched(t, id, false, env.chapelOU, garbage)
	})
}

// sambaFlaky fails Move as often as failMoves says, as a directory that
// goes away half-way through a run.
type sambaFlaky struct {
	*ad.Directory
	failMoves int
}

func (f *sambaFlaky) Move(c context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	if f.failMoves > 0 {
		f.failMoves--
		return "", connectors.Errorf(connectors.Transient, "move", "the directory went away")
	}
	return f.Directory.Move(c, id, req)
}

// TestInterruptedRunAgainstSamba: a run whose move fails leaves that
// account stamped and disabled outside the chapel, does the others, and
// the next run completes it.
func TestInterruptedRunAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	ids := []connectors.ID{
		env.staff(t, "chir-anne", sambaLeft("2026-03-01")),
		env.staff(t, "chir-bent", sambaLeft("2026-03-01")),
		env.staff(t, "chir-carl", sambaLeft("2026-03-01")),
	}
	halting := env.runner(t, func(r *chapel.Runner) { r.Dir = &sambaFlaky{Directory: env.dir, failMoves: 1} })
	plan, err := halting.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	rep, err := halting.Apply(ctx, plan, "")
	require.NoError(t, err)
	require.Len(t, rep.Results, 3)
	require.Equal(t, 1, rep.Failed(), "one account's move failed")
	var failed connectors.ID
	for _, res := range rep.Results {
		if res.Err != nil {
			failed = connectors.ID(res.Err.ID)
			assert.ErrorIs(t, res.Err, connectors.Transient)
			continue
		}
		env.requireInChapel(t, connectors.ID(res.Item.Account.ID), chapel.ReasonLeft, env.skolen, d("2026-03-01"))
	}
	e := env.read(t, failed)
	assert.True(t, e.Disabled, "stamped and disabled before the move")
	sambaRequireIn(t, e, env.skolen)
	sambaStamp(t, e)

	r := env.runner(t)
	plan, err = r.Plan(ctx, at("2026-03-02"))
	require.NoError(t, err)
	require.Len(t, plan.Actions(), 1)
	assert.Equal(t, chapel.Interrupted, plan.Actions()[0].Decision.State)
	rep, err = r.Apply(ctx, plan, "")
	require.NoError(t, err)
	assert.Zero(t, rep.Failed())
	for _, id := range ids {
		env.requireInChapel(t, id, chapel.ReasonLeft, env.skolen, d("2026-03-01"))
	}
	plan, err = r.Plan(ctx, at("2026-03-03"))
	require.NoError(t, err)
	assert.Empty(t, plan.Actions(), "a third run plans nothing")
}

// TestDeletedBetweenPlanAndApplyAgainstSamba: an account someone else
// deletes after the plan fails alone, with NotFound.
func TestDeletedBetweenPlanAndApplyAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	r := env.runner(t)
	gone := env.staff(t, "chdl-anne", sambaLeft("2026-03-01"))
	other := env.staff(t, "chdl-bent", sambaLeft("2026-03-01"))
	plan, err := r.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	require.NoError(t, env.dir.Delete(ctx, gone))
	rep, err := r.Apply(ctx, plan, "")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed())
	for _, res := range rep.Results {
		if res.Err != nil {
			assert.Equal(t, string(gone), res.Err.ID)
			assert.ErrorIs(t, res.Err, connectors.NotFound)
		}
	}
	env.requireInChapel(t, other, chapel.ReasonLeft, env.skolen, d("2026-03-01"))
}

// TestBreakerAgainstSamba: six of ten leaving trips a 50% breaker, which
// changes nothing until that plan is approved.
func TestBreakerAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	r := env.runner(t, func(r *chapel.Runner) { r.Breaker = chapel.Breaker{MaxShare: 0.5} })
	var ids []connectors.ID
	for i := range 10 {
		person := env.employed()
		if i < 6 {
			person = sambaLeft("2026-03-01")
		}
		ids = append(ids, env.staff(t, "chbr-"+string(rune('a'+i)), person))
	}
	plan, err := r.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	assert.Contains(t, plan.Tripped, "6 disables and deletions are 60.0% of 10 accounts")
	_, err = r.Apply(ctx, plan, "")
	assert.ErrorIs(t, err, chapel.ErrBreaker)
	for _, id := range ids {
		env.requireUntouched(t, id, true, env.skolen, "")
	}
	rep, err := r.Apply(ctx, plan, plan.Fingerprint())
	require.NoError(t, err)
	assert.Len(t, rep.Results, 6)
	assert.Zero(t, rep.Failed())
	for i, id := range ids {
		if i < 6 {
			env.requireInChapel(t, id, chapel.ReasonLeft, env.skolen, d("2026-03-01"))
		} else {
			env.requireUntouched(t, id, true, env.skolen, "")
		}
	}
}

// TestMissingChapelOUAgainstSamba: with a chapel OU below the base that
// does not exist, each disable fails on its move with NotFound, leaving
// the account stamped and disabled where it was (the interrupted state);
// once the OU exists, the next run completes the moves.
func TestMissingChapelOUAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	missing := "OU=Lukket," + env.root
	r := env.runner(t, func(r *chapel.Runner) { r.Policy.ChapelOU = missing })
	gone := []connectors.ID{env.staff(t, "chmo-anne", sambaLeft("2026-03-01")), env.staff(t, "chmo-bent", sambaLeft("2026-03-01"))}
	stays := env.staff(t, "chmo-carl", env.employed())

	plan, err := r.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	rep, err := r.Apply(ctx, plan, "")
	require.NoError(t, err, "a missing chapel OU fails the accounts, not the run")
	require.Len(t, rep.Results, 2)
	for _, res := range rep.Results {
		require.NotNil(t, res.Err)
		t.Logf("disable with a missing chapel OU: %v", res.Err)
		assert.ErrorIs(t, res.Err, connectors.NotFound)
		var ce *connectors.Error
		require.ErrorAs(t, res.Err, &ce)
		assert.Equal(t, "move", ce.Op, "it is the move that fails")
	}
	for _, id := range gone {
		e := env.read(t, id)
		assert.True(t, e.Disabled)
		sambaRequireIn(t, e, env.skolen)
		assert.Equal(t, chapel.ReasonLeft, sambaStamp(t, e).Reason)
	}
	env.requireUntouched(t, stays, true, env.skolen, "")

	env.createOU(t, missing)
	rep = env.run(t, r, at("2026-03-02"))
	require.Len(t, rep.Results, 2)
	for _, id := range gone {
		e := env.read(t, id)
		assert.True(t, e.Disabled)
		sambaRequireIn(t, e, missing)
		assert.Equal(t, d("2026-03-01"), sambaStamp(t, e).Disabled, "the first run's stamp stands")
	}
	env.requireUntouched(t, stays, true, env.skolen, "")
}

// TestMissingChapelOUOutsideTheBaseAgainstSamba: a chapel OU outside the
// base is searched as a base of its own, so when it is missing the plan
// fails as a whole, with NotFound naming the OU, and nothing is done: not
// even the leavers are disabled.
func TestMissingChapelOUOutsideTheBaseAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	missing := "OU=Lukket," + env.root
	r := env.runner(t, func(r *chapel.Runner) { r.Base, r.Policy.ChapelOU = env.skolen, missing })
	env.staff(t, "chmb-anne", sambaLeft("2026-03-01"))
	plan, err := r.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err, "a missing chapel OU does not stop the run")
	require.Len(t, plan.Warnings, 1)
	assert.Contains(t, plan.Warnings[0], missing)
	rep, err := r.Apply(ctx, plan, "")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed())
	assert.ErrorIs(t, rep.Results[0].Err, connectors.NotFound, "the disable fails on its account")
}

// TestGroupsAgainstSamba: with GroupsRemove, a disabled account leaves its
// groups, which the stamp records, and gets them back on return.
func TestGroupsAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	r := env.runner(t, func(r *chapel.Runner) { r.Policy.Groups = chapel.GroupsRemove })
	groups := []connectors.ID{env.group(t, "chgr-laerere"), env.group(t, "chgr-skolen-alle")}
	id := env.staff(t, "chgr-anne", sambaLeft("2026-03-01"))
	for _, g := range groups {
		require.NoError(t, env.dir.AddMember(ctx, g, id))
	}
	memberOf := env.read(t, id).Get("memberOf")
	require.Len(t, memberOf, 2)

	env.run(t, r, at("2026-03-01"))
	st := env.requireInChapel(t, id, chapel.ReasonLeft, env.skolen, d("2026-03-01"))
	assert.Empty(t, env.read(t, id).Get("memberOf"), "removed on disable")
	assert.ElementsMatch(t, []string{string(groups[0]), string(groups[1])}, st.Groups, "and recorded in the stamp")

	env.people.set(id, env.employed())
	env.run(t, r, at("2026-03-10"))
	e := env.read(t, id)
	assert.False(t, e.Disabled)
	assert.ElementsMatch(t, memberOf, e.Get("memberOf"), "restored on return")
	assert.Empty(t, e.Get("adminDescription"))
}

// TestAGroupDeletedInTheMeantimeAgainstSamba: a recorded group that no
// longer exists when the person returns is skipped; the others are
// restored.
func TestAGroupDeletedInTheMeantimeAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	r := env.runner(t, func(r *chapel.Runner) { r.Policy.Groups = chapel.GroupsRemove })
	kept := env.group(t, "chgd-kept")
	gone := env.group(t, "chgd-gone")
	id := env.staff(t, "chgd-anne", sambaLeft("2026-03-01"))
	for _, g := range []connectors.ID{kept, gone} {
		require.NoError(t, env.dir.AddMember(ctx, g, id))
	}
	env.run(t, r, at("2026-03-01"))
	require.Len(t, env.requireInChapel(t, id, chapel.ReasonLeft, env.skolen, d("2026-03-01")).Groups, 2)
	require.NoError(t, env.dir.Delete(ctx, gone))

	env.people.set(id, env.employed())
	env.run(t, r, at("2026-03-10"))
	e := env.read(t, id)
	assert.False(t, e.Disabled)
	assert.Equal(t, []string{"CN=chgd-kept," + env.skolen}, e.Get("memberOf"))
}

// TestAnAccountWithChildrenAgainstSamba: AD keeps objects below a user
// (Exchange's ActiveSync devices; here a classStore, which Samba's base
// schema allows there). Deleting such an account is refused as a
// Constraint (not allowed on a non-leaf): it fails alone, every run,
// and the account stays in the chapel.
func TestAnAccountWithChildrenAgainstSamba(t *testing.T) {
	env := newSambaEnv(t)
	r := env.runner(t)
	parent := env.staff(t, "chch-anne", sambaLeft("2026-03-01"))
	leaf := env.staff(t, "chch-bent", sambaLeft("2026-03-01"))
	env.run(t, r, at("2026-03-01"))
	_, err := env.dir.Create(ctx, connectors.CreateRequest{DN: "CN=Devices," + env.read(t, parent).DN,
		Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"classStore"}}}})
	require.NoError(t, err)

	for _, day := range []string{"2026-06-01", "2026-06-02"} {
		plan, err := r.Plan(ctx, at(day))
		require.NoError(t, err)
		rep, err := r.Apply(ctx, plan, "")
		require.NoError(t, err)
		for _, res := range rep.Results {
			if res.Item.Account.ID == string(parent) {
				require.NotNil(t, res.Err)
				t.Logf("delete an account with a child: %v", res.Err)
				assert.ErrorIs(t, res.Err, connectors.Constraint)
			}
		}
	}
	env.requireInChapel(t, parent, chapel.ReasonLeft, env.skolen, d("2026-03-01"))
	_, err = env.dir.Read(ctx, leaf, nil)
	assert.ErrorIs(t, err, connectors.NotFound, "the other account is deleted")
}
