package adsync_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// runFx is the plan fixture with a fake clock, a chapel and a reconciler.
type runFx struct {
	*planFx
	now time.Time
	rec *adsync.Reconciler
}

func newRunFx(t *testing.T, breaker chapel.Breaker) *runFx {
	t.Helper()
	f := &runFx{planFx: newPlanFx(t), now: at("2026-06-01", 9)}
	people := &adsync.ChapelPeople{Engine: f.eng, Model: f.o.m}
	runner, err := chapel.NewRunner(chapel.Runner{
		Dir: f.dir, Base: orgBase, People: people, Breaker: breaker,
		Policy: &chapel.Policy{ChapelOU: kapel, Retention: chapel.Retention{Months: 3}},
	})
	require.NoError(t, err)
	f.rec = &adsync.Reconciler{Engine: f.eng, Model: f.o.m, Applier: *f.applier(t, f.o.m.Latest().At(d("2026-06-01"))), Chapel: runner, Now: func() time.Time { return f.now }}
	return f
}

// at is 'hour' o'clock on a day in the org's zone.
func at(day string, hour int) time.Time {
	return timeline.DefaultZone().Start(d(day)).Add(time.Duration(hour) * time.Hour)
}

// reconcile runs once and requires that nothing failed.
func (f *runFx) reconcile(t *testing.T) *adsync.RunReport {
	t.Helper()
	rep, err := f.rec.Reconcile(ctx)
	require.NoError(t, err)
	require.Zero(t, rep.Failed(), "%v", rep.Plan)
	return rep
}

// settled requires that a plan now does nothing at all.
func (f *runFx) settled(t *testing.T) {
	t.Helper()
	p, err := f.rec.Plan(ctx)
	require.NoError(t, err)
	assert.Empty(t, p.Accounts.Ops, "%v", p)
	assert.Empty(t, p.Chapel.Actions(), "%v", p)
}

func (f *runFx) change(t *testing.T, cs *orgmodel.ChangeSet) {
	t.Helper()
	_, err := f.o.m.Apply(ctx, cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
}

func TestReconcileLeaverGoesToTheChapelAndComesBack(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	f.reconcile(t)
	f.settled(t)
	id, ok := f.links.Link(f.o.bo)
	require.True(t, ok)

	// Bo's last day is 2026-06-30.
	eng, _ := f.o.m.Latest().At(d("2026-06-01")).PrimaryEngagement(f.o.bo)
	var cs orgmodel.ChangeSet
	cs.Terminate(eng.ID, d("2026-07-01"))
	f.change(t, &cs)
	f.now = at("2026-06-30", 12)
	f.settled(t) // still employed today
	f.now = at("2026-07-01", 1)
	rep := f.reconcile(t)
	require.Len(t, rep.Chapel.Results, 1)
	e, err := f.dir.Read(ctx, id, []string{"adminDescription"})
	require.NoError(t, err)
	assert.True(t, e.Disabled)
	assert.True(t, connectors.IsUnderDN(e.DN, kapel), "in the chapel: %s", e.DN)
	f.settled(t)

	// Rehired in another job from November: the account waits in the
	// chapel, past its three months' retention, and comes back within the
	// preparation week before the start, not earlier.
	var cs2 orgmodel.ChangeSet
	cs2.Add("9", timeline.Since(d("2026-11-02")), orgmodel.EngagementAttrs{Person: f.o.bo, Unit: f.o.kommune, JobFunction: "Konsulent", Fraction: 1})
	f.change(t, &cs2)
	f.now = at("2026-10-05", 9)
	f.reconcile(t)
	e, err = f.dir.Read(ctx, id, nil)
	require.NoError(t, err, "not deleted: Bo returns")
	assert.True(t, e.Disabled, "not enabled a month early")
	f.settled(t)
	f.now = at("2026-10-26", 9) // within the week before the start
	f.reconcile(t)
	f.reconcile(t) // the attributes of a returned account follow on the next run
	e, err = f.dir.Read(ctx, id, []string{"title", "department"})
	require.NoError(t, err)
	assert.False(t, e.Disabled)
	assert.Equal(t, "CN=Bo Erik Ek,OU=Kommune,"+orgBase, e.DN)
	assert.Equal(t, "Konsulent", e.First("title"))
	f.settled(t)
}

func TestReconcileBreakerStopsTheChapelNotTheAccounts(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{MaxActions: 1})
	f.reconcile(t)
	// Dorte and Bo leave at once: two disables trip a limit of one.
	var cs orgmodel.ChangeSet
	g := f.o.m.Latest().At(d("2026-06-01"))
	for _, p := range []uuid.UUID{f.o.dorte, f.o.bo} {
		e, _ := g.PrimaryEngagement(p)
		cs.Terminate(e.ID, d("2026-07-01"))
	}
	mgr := g.Managers(f.o.kommune, orgmodel.ManagerQuery{})
	require.Len(t, mgr, 1)
	cs.Terminate(mgr[0].ID, d("2026-07-01"))
	var cs2 orgmodel.ChangeSet
	cs2.Update(f.o.skolen, timeline.Since(d("2026-07-01")), orgmodel.UnitPatch{Name: new("Sydskolen")})
	f.change(t, &cs)
	f.change(t, &cs2)
	f.now = at("2026-07-01", 9)
	rep, err := f.rec.Reconcile(ctx)
	require.ErrorIs(t, err, chapel.ErrBreaker)
	assert.Nil(t, rep.Chapel, "nothing disabled")
	eva, _ := f.links.Link(f.o.eva)
	e, err := f.dir.Read(ctx, eva, []string{"department"})
	require.NoError(t, err)
	assert.Equal(t, "Sydskolen", e.First("department"), "the accounts' part went ahead")

	// The operator reviews and approves that very plan.
	p, err := f.rec.Plan(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, p.Chapel.Tripped)
	assert.Contains(t, p.String(), "BREAKER")
	_, err = f.rec.ApplyReviewed(ctx, p.Fingerprint())
	require.NoError(t, err)
	f.settled(t)
}

func TestApplyReviewedRefusesAChangedPlan(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	p, err := f.rec.Plan(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, p.Accounts.Ops)
	fp := p.Fingerprint()
	assert.Equal(t, fp, p.Fingerprint(), "stable")

	var cs orgmodel.ChangeSet
	cs.Update(f.o.skolen, timeline.Since(d("2026-01-01")), orgmodel.UnitPatch{Name: new("Vestskolen")})
	f.change(t, &cs)
	_, err = f.rec.ApplyReviewed(ctx, fp)
	require.ErrorIs(t, err, adsync.ErrPlanChanged)
	n := 0
	require.NoError(t, f.dir.Search(ctx, connectors.SearchRequest{BaseDN: orgBase, Filter: connectors.Eq("objectClass", "user")}, func(*connectors.Entry) error { n++; return nil }))
	assert.Zero(t, n, "nothing was created")

	p, err = f.rec.Plan(ctx)
	require.NoError(t, err)
	rep, err := f.rec.ApplyReviewed(ctx, p.Fingerprint())
	require.NoError(t, err)
	assert.Zero(t, rep.Failed())
	f.settled(t)
}

func TestLoadLinksAfterACrash(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	f.reconcile(t)
	bo, _ := f.links.Link(f.o.bo)
	dorte, _ := f.links.Link(f.o.dorte)

	// The process dies: the links are gone, nothing was read back.
	fresh := adsync.NewMapLinks()
	eng, err := adsync.NewEngine(f.engConfig(), f.dir, fresh)
	require.NoError(t, err)
	n, err := adsync.LoadLinks(ctx, eng, f.o.m.Latest(), fresh)
	require.NoError(t, err)
	assert.Equal(t, 3, n, "found by their anchors")
	got, _ := fresh.Link(f.o.bo)
	assert.Equal(t, bo, got)

	// The model's record wins over an anchor: an administrator copied
	// Bo's anchor onto Dorte's account.
	var cs orgmodel.ChangeSet
	cs.Add("", timeline.Since(d("2026-01-01")), orgmodel.AccountAttrs{System: adsync.System, Username: "boek", ExternalID: string(bo), Person: f.o.bo})
	f.change(t, &cs)
	require.NoError(t, f.dir.Modify(ctx, dorte, []connectors.Modification{{Op: connectors.ModReplace, Name: "adminDisplayName", Values: []string{f.o.bo.String()}}}))
	fresh = adsync.NewMapLinks()
	_, err = adsync.LoadLinks(ctx, eng, f.o.m.Latest(), fresh)
	require.NoError(t, err)
	got, _ = fresh.Link(f.o.bo)
	assert.Equal(t, bo, got)
	owner, ok := fresh.Owner(dorte)
	assert.False(t, ok, "Dorte's account is nobody's by a copied anchor: %v", owner)
}

func TestRunPlanJSON(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	p, err := f.rec.Plan(ctx)
	require.NoError(t, err)
	js, err := p.JSON()
	require.NoError(t, err)
	var got struct {
		Fingerprint string `json:"fingerprint"`
		Day         string `json:"day"`
		Chapel      struct {
			InScope int `json:"in_scope"`
		} `json:"chapel"`
		Accounts struct {
			Ops []struct {
				Op string `json:"op"`
			} `json:"ops"`
		} `json:"accounts"`
	}
	require.NoError(t, json.Unmarshal(js, &got))
	assert.Equal(t, p.Fingerprint(), got.Fingerprint)
	assert.Equal(t, "2026-06-01", got.Day)
	assert.Len(t, got.Accounts.Ops, len(p.Accounts.Ops))
	assert.Equal(t, "create", got.Accounts.Ops[0].Op)
}

func TestAFirstRunFillsInManagersCreatedInIt(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	cfg := f.engConfig()
	cfg.Mapping.Attributes["manager"] = "{{.ManagerDN}}"
	eng, err := adsync.NewEngine(cfg, f.dir, f.links)
	require.NoError(t, err)
	f.rec.Engine = eng
	f.rec.Chapel.People = &adsync.ChapelPeople{Engine: eng, Model: f.o.m}
	rep := f.reconcile(t)
	require.Len(t, rep.Accounts.Created, 3)
	id, _ := f.links.Link(f.o.bo)
	dorte, _ := f.links.AccountDN(f.o.dorte)
	e, err := f.dir.Read(ctx, id, []string{"manager"})
	require.NoError(t, err)
	assert.Equal(t, dorte, e.First("manager"), "Dorte's account was made in the same run")
	f.settled(t)
}
