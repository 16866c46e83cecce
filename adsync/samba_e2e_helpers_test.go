package adsync_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// e2e is one end-to-end test's world, wired as a service would wire it:
// an org model on a fake clock, the engine with its links, the reconciler
// with the chapel, and the read-back, over the test's own OU in Samba.
//
// The org tree is Kommune (1) with Skolen (2) and Rådhus (3) below it,
// mirrored below OU=Org; Dorte Etodirektør manages Kommune and has an
// account from the start. Group rules: everyone below Kommune is in
// "alle", teachers (Lærer) in "laerere", everyone below Rådhus in
// "raadhus".
type e2e struct {
	t   *testing.T
	env *sambaEnv
	now time.Time // the fake clock: only ever moved forward

	m      *orgmodel.Model
	cfg    adsync.Config
	tokens *adsync.MemTokens // survives a restart, as a token file would
	gen    *username.Generator

	// rebuilt by start, as after a restart of the service
	links *adsync.MapLinks
	eng   *adsync.Engine
	rec   *adsync.Reconciler
	rb    *adsync.ReadBack

	orgBase, chapelOU              string
	alle, laerere, raadhusGroup    string
	kommune, skolen, raadhus       uuid.UUID
	dorte                          uuid.UUID
	skolenOU, kommuneOU, raadhusOU string
}

// e2eStart is the fake clock's first instant: 09:00 on 1 June 2026.
const e2eStart = "2026-06-01"

// newE2E builds the world, runs the first reconciliation (Dorte's account)
// and requires it to settle. tweak changes the engine's configuration.
func newE2E(t *testing.T, tweak ...func(*adsync.Config)) *e2e {
	t.Helper()
	env := newSambaEnv(t)
	f := &e2e{t: t, env: env, m: orgmodel.New(orgmodel.Options{}), tokens: &adsync.MemTokens{}}
	f.now = f.m.Zone().Start(d(e2eStart)).Add(9 * time.Hour)
	f.orgBase = "OU=Org," + env.root
	f.chapelOU = "OU=Kapellet," + env.root
	groups := "OU=Grupper," + env.root
	for _, ou := range []string{f.orgBase, f.chapelOU, groups} {
		env.createOU(t, ou)
	}
	// Group names are unique in the domain: a suffix of their own keeps
	// them clear of anything a killed run left behind.
	suffix := uuid.NewString()[:8]
	mkGroup := func(name string) string {
		dn := "CN=" + name + " " + suffix + "," + groups
		_, err := env.dir.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{name + "-" + suffix}}}})
		require.NoError(t, err, "create group %s", dn)
		return dn
	}
	f.alle, f.laerere, f.raadhusGroup = mkGroup("eto-alle"), mkGroup("eto-laerere"), mkGroup("eto-raadhus")
	f.kommuneOU = "OU=Kommune," + f.orgBase
	f.skolenOU = "OU=Skolen," + f.kommuneOU
	f.raadhusOU = "OU=Rådhus," + f.kommuneOU

	f.cfg = adsync.Config{
		Base:     env.root,
		ChapelOU: f.chapelOU,
		Mapping: adsync.Mapping{Attributes: map[string]string{
			"givenName":   "{{.Person.GivenNames}}",
			"sn":          "{{.Person.Surname}}",
			"displayName": "{{.Person.GivenNames}} {{.Person.Surname}}",
			"title":       "{{.Primary.JobFunction}}",
			"department":  "{{.Unit.Name}}",
			"manager":     "{{.ManagerDN}}",
		}, EnableDaysBefore: 3},
		OU: adsync.OURule{Mode: "mirror", Base: f.orgBase},
		Groups: []adsync.GroupRule{
			{Unit: "1", Group: f.alle},
			{JobFunction: "Lærer", Group: f.laerere},
			{Unit: "3", Group: f.raadhusGroup},
		},
	}
	for _, fn := range tweak {
		fn(&f.cfg)
	}
	gen, err := username.New(username.Config{
		Patterns: []string{"FFLL", "FFLLX", "FFFLL", "FFFLLX"}, SuffixBase: "FFLL", SuffixMax: 999,
		UPNDomain: "example.test", MailDomain: "example.test",
	}, []username.Taken{username.NewDirectoryTaken(env.dir, adtest.BaseDN)}) // names are unique in the whole domain
	require.NoError(t, err)
	f.gen = gen
	// The read-back follows changes from now: reading the whole domain's
	// history would only find other tests' objects, outside the base.
	tok, err := env.dir.LatestToken(ctx)
	require.NoError(t, err)
	require.NoError(t, f.tokens.Save(ctx, tok))

	f.change(func(cs *orgmodel.ChangeSet) {
		from := timeline.Since(d("2024-01-01"))
		f.kommune = cs.Add("1", from, orgmodel.UnitAttrs{Name: "Kommune"})
		f.skolen = cs.Add("2", from, orgmodel.UnitAttrs{Name: "Skolen", Parent: f.kommune})
		f.raadhus = cs.Add("3", from, orgmodel.UnitAttrs{Name: "Rådhus", Parent: f.kommune})
		f.dorte = cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Dorte", Surname: "Etodirektør"})
		e := cs.Add("D1", from, orgmodel.EngagementAttrs{Person: f.dorte, Unit: f.kommune, JobFunction: "Direktør", Fraction: 1})
		cs.Add("M1", from, orgmodel.ManagerAttrs{Unit: f.kommune, Person: f.dorte, Engagement: e})
	})
	f.start()
	f.reconcile()
	f.settle()
	return f
}

// start builds the engine, links, reconciler and read-back afresh, as a
// service does when it starts: links from LoadLinks. It returns how many
// accounts LoadLinks linked.
func (f *e2e) start() int {
	t := f.t
	t.Helper()
	f.links = adsync.NewMapLinks()
	eng, err := adsync.NewEngine(f.cfg, f.env.dir, f.links)
	require.NoError(t, err)
	f.eng = eng
	n, err := adsync.LoadLinks(ctx, eng, f.m.Latest(), f.links)
	require.NoError(t, err)
	runner, err := chapel.NewRunner(chapel.Runner{
		Dir: f.env.dir, Base: f.env.root, People: &adsync.ChapelPeople{Engine: eng, Model: f.m},
		Policy: &chapel.Policy{ChapelOU: f.chapelOU, Retention: chapel.Retention{Months: 3}, Quarantine: chapel.Retention{Months: 12}},
	})
	require.NoError(t, err)
	applier := adsync.Applier{Usernames: f.gen, Sleep: func(time.Duration) {}}
	f.rec = &adsync.Reconciler{Engine: eng, Model: f.m, Applier: applier, Chapel: runner, Now: f.clock}
	f.rb = &adsync.ReadBack{Engine: eng, Model: f.m, Tokens: f.tokens, Applier: applier, Now: f.clock}
	return n
}

func (f *e2e) clock() time.Time { return f.now }

// at moves the clock forward to 09:00 on day.
func (f *e2e) at(day string) {
	f.t.Helper()
	next := f.m.Zone().Start(d(day)).Add(9 * time.Hour)
	require.False(f.t, next.Before(f.now), "the clock only moves forward")
	f.now = next
}

// change registers a change set in the org model. Registrations are
// stamped with the wall clock, as the read-back's are: they say when the
// model learnt something and never go back, while the fake clock says
// which day it is.
func (f *e2e) change(build func(cs *orgmodel.ChangeSet)) {
	f.t.Helper()
	var cs orgmodel.ChangeSet
	build(&cs)
	_, err := f.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "e2e"})
	require.NoError(f.t, err)
}

// hire registers a person with one engagement from day on, and returns the
// person and the engagement.
func (f *e2e) hire(given, surname string, unit uuid.UUID, job, from string) (person, engagement uuid.UUID) {
	f.t.Helper()
	f.change(func(cs *orgmodel.ChangeSet) {
		person = cs.Add("", timeline.Since(d("2024-01-01")), orgmodel.PersonAttrs{GivenNames: given, Surname: surname})
		engagement = cs.Add("", timeline.Since(d(from)), orgmodel.EngagementAttrs{Person: person, Unit: unit, JobFunction: job, Fraction: 1})
	})
	return person, engagement
}

// newManagerRole registers person as Skolen's manager from day on.
func (f *e2e) newManagerRole(person, engagement uuid.UUID, from string) (role uuid.UUID) {
	f.t.Helper()
	f.change(func(cs *orgmodel.ChangeSet) {
		role = cs.Add("", timeline.Since(d(from)), orgmodel.ManagerAttrs{Unit: f.skolen, Person: person, Engagement: engagement})
	})
	return role
}

// plan plans a run at the clock's instant and requires every person and
// every chapel account to be planned without error.
func (f *e2e) plan() *adsync.RunPlan {
	f.t.Helper()
	rp, err := f.rec.Plan(ctx)
	require.NoError(f.t, err)
	require.Empty(f.t, rp.Accounts.Errors, "persons the plan failed for:\n%s", rp)
	require.Empty(f.t, rp.Chapel.Errors, "chapel accounts the plan failed for:\n%s", rp)
	return rp
}

// reconcile plans and applies a run and requires every operation to
// succeed.
func (f *e2e) reconcile() *adsync.RunReport {
	f.t.Helper()
	rp := f.plan()
	rep, err := f.rec.Apply(ctx, rp, "")
	require.NoError(f.t, err)
	require.Zero(f.t, rep.Failed(), "failed operations: %s", e2eFailures(rep))
	return rep
}

// e2eFailures lists a run's failed operations, for a message.
func e2eFailures(rep *adsync.RunReport) string {
	var b strings.Builder
	if rep.Chapel != nil {
		for _, r := range rep.Chapel.Results {
			if r.Err != nil {
				fmt.Fprintf(&b, "chapel %s: %v\n", r.Item.Decision.Action, r.Err)
			}
		}
	}
	if rep.Accounts != nil {
		for _, r := range rep.Accounts.Results {
			if r.Err != nil || r.Skipped {
				fmt.Fprintf(&b, "%s %s: %v (skipped %v)\n", r.Op.Kind, r.Op.DN, r.Err, r.Skipped)
			}
		}
	}
	return b.String()
}

// readBack runs the read-back over the changes since the last pass and
// requires it to handle every change.
func (f *e2e) readBack() *adsync.ReadBackReport {
	f.t.Helper()
	rep, err := f.rb.Sync(ctx)
	require.NoError(f.t, err)
	require.Empty(f.t, rep.Errors, "read-back errors")
	return rep
}

// settle requires the world to be at rest: the read-back finds no drift
// in what the runs did, and a second run plans nothing, for the accounts
// or the chapel.
func (f *e2e) settle() {
	f.t.Helper()
	rb := f.readBack()
	require.Empty(f.t, rb.Drift, "the engine's own writes are not drift")
	rp := f.plan()
	require.Empty(f.t, rp.Accounts.Ops, "a second run plans nothing:\n%s", rp)
	require.Empty(f.t, rp.Chapel.Actions(), "a second run plans nothing in the chapel:\n%s", rp)
}

// e2eAttrs are the attributes the tests read of an account.
var e2eAttrs = []string{"givenName", "sn", "displayName", "title", "department", "manager", "memberOf",
	"adminDisplayName", "adminDescription", "sAMAccountName", "userPrincipalName", "mail"}

// account reads the person's linked account from Samba.
func (f *e2e) account(person uuid.UUID) *connectors.Entry {
	f.t.Helper()
	id, ok := f.links.Link(person)
	require.True(f.t, ok, "the person is linked to an account")
	e, err := f.env.dir.Read(ctx, id, e2eAttrs)
	require.NoError(f.t, err)
	return e
}

// anchored returns the accounts below the test's OU whose anchor names the
// person.
func (f *e2e) anchored(person uuid.UUID) []*connectors.Entry {
	f.t.Helper()
	var out []*connectors.Entry
	req := connectors.SearchRequest{BaseDN: f.env.root, Filter: connectors.And(connectors.Eq("objectClass", "user"), connectors.Eq("adminDisplayName", person.String())), Attributes: e2eAttrs}
	require.NoError(f.t, f.env.dir.Search(ctx, req, func(e *connectors.Entry) error { out = append(out, e); return nil }))
	return out
}

// e2eParent returns the DN of the OU an entry is in.
func e2eParent(t *testing.T, dn string) string {
	t.Helper()
	_, p, err := connectors.SplitDN(dn)
	require.NoError(t, err)
	return p
}

// e2eMemberOf reports whether the entry is a member of group, by DN.
func e2eMemberOf(e *connectors.Entry, group string) bool {
	for _, g := range e.Get("memberOf") {
		if connectors.EqualDN(g, group) {
			return true
		}
	}
	return false
}

// accountDN returns the DN of the person's linked account.
func (f *e2e) accountDN(person uuid.UUID) string {
	f.t.Helper()
	dn, ok := f.links.AccountDN(person)
	require.True(f.t, ok, "the person is linked to an account")
	return dn
}

// e2eChapelActions returns what a run's chapel part did, by action.
func e2eChapelActions(rep *adsync.RunReport) []string {
	var out []string
	if rep.Chapel != nil {
		for _, r := range rep.Chapel.Results {
			out = append(out, r.Item.Decision.Action.String())
		}
	}
	return out
}
