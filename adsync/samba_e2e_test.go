package adsync_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The end-to-end tests of the engine: the org model on a fake clock, the
// reconciler with the chapel, and the read-back, against Samba. Every
// scenario ends settled: the read-back finds no drift in what the engine
// did, and a second run plans nothing (see e2e.settle).

func TestSambaHireCreatesTheAccountInItsOUWithAttributesManagerAndGroups(t *testing.T) {
	f := newE2E(t)
	dorte := f.account(f.dorte)
	assert.True(t, connectors.EqualDN(f.kommuneOU, e2eParent(t, dorte.DN)), "the director is in Kommune's OU: %s", dorte.DN)
	assert.Empty(t, dorte.Get("manager"), "the director manages only herself: no manager")

	// Bo is hired at Skolen, which has no manager of its own: his manager
	// is inherited from Kommune.
	bo, _ := f.hire("Bo Erik", "Etoek", f.skolen, "Lærer", e2eStart)
	rep := f.reconcile()
	require.Equal(t, []string{"create", "group-add", "group-add"}, kinds(rep.Plan.Accounts))
	e := f.account(bo)
	assert.Equal(t, rep.Accounts.Created[bo], e.ID, "the created account is the linked one")
	assert.True(t, connectors.EqualDN("CN=Bo Erik Etoek,"+f.skolenOU, e.DN), "in the mirrored OU: %s", e.DN)
	for attr, want := range map[string]string{
		"givenName": "Bo Erik", "sn": "Etoek", "displayName": "Bo Erik Etoek",
		"title": "Lærer", "department": "Skolen",
		"adminDisplayName": bo.String(), // the anchor, written in the same Add
	} {
		assert.Equal(t, want, e.First(attr), attr)
	}
	assert.True(t, connectors.EqualDN(dorte.DN, e.First("manager")), "manager is the director's DN: %q", e.First("manager"))
	assert.False(t, e.Disabled, "enabled")
	assert.NotEmpty(t, e.First("sAMAccountName"))
	assert.Equal(t, e.First("sAMAccountName")+"@example.test", e.First("userPrincipalName"), "the generator's UPN")
	assert.True(t, e2eMemberOf(e, f.alle), "below Kommune")
	assert.True(t, e2eMemberOf(e, f.laerere), "a teacher")
	assert.False(t, e2eMemberOf(e, f.raadhusGroup), "not below Rådhus")
	f.settle()
}

func TestSambaFutureHireAppearsOnTheConfiguredDayBeforeTheStart(t *testing.T) {
	f := newE2E(t) // EnableDaysBefore: 3
	eva, _ := f.hire("Eva", "Etolund", f.skolen, "Pædagog", "2026-06-20")

	f.at("2026-06-16") // four days before: too early
	rep := f.reconcile()
	assert.Empty(t, rep.Plan.Accounts.Ops)
	assert.Empty(t, f.anchored(eva), "no account yet")
	f.settle()

	f.at("2026-06-17") // three days before: prepared for day one
	rep = f.reconcile()
	require.Equal(t, []string{"create", "group-add"}, kinds(rep.Plan.Accounts), "Eva is no teacher: only the Kommune group")
	e := f.account(eva)
	assert.False(t, e.Disabled, "ready to use on day one")
	assert.Equal(t, "Pædagog", e.First("title"), "mapped from the engagement that has not started yet")
	assert.True(t, connectors.EqualDN(f.skolenOU, e2eParent(t, e.DN)))
	assert.Len(t, f.anchored(eva), 1)
	f.settle()

	f.at("2026-06-20") // the first day changes nothing more
	f.settle()
}

func TestSambaUnitRenameAndMoveChangeTheAttributesAndMoveTheAccount(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etoflyt", f.skolen, "Lærer", e2eStart)
	f.reconcile()
	f.settle()
	id, _ := f.links.Link(bo)

	// Skolen is renamed from the 10th: department follows, and so does the
	// mirrored OU.
	f.change(func(cs *orgmodel.ChangeSet) {
		cs.Update(f.skolen, timeline.Since(d("2026-06-10")), orgmodel.UnitPatch{Name: new("Nordskolen")})
	})
	f.at("2026-06-09")
	f.settle() // not before the day
	f.at("2026-06-10")
	rep := f.reconcile()
	require.Equal(t, []string{"modify", "move"}, kinds(rep.Plan.Accounts))
	e := f.account(bo)
	assert.Equal(t, id, e.ID, "the same account")
	assert.Equal(t, "Nordskolen", e.First("department"))
	assert.True(t, connectors.EqualDN("OU=Nordskolen,"+f.kommuneOU, e2eParent(t, e.DN)), "moved to the renamed OU: %s", e.DN)
	f.settle()

	// From the 15th Nordskolen is below Rådhus: the account moves down
	// with it, and Rådhus's group rule now applies.
	f.change(func(cs *orgmodel.ChangeSet) {
		cs.Update(f.skolen, timeline.Since(d("2026-06-15")), orgmodel.UnitPatch{Parent: &f.raadhus})
	})
	f.at("2026-06-15")
	rep = f.reconcile()
	require.Equal(t, []string{"move", "group-add"}, kinds(rep.Plan.Accounts), "department is still Nordskolen")
	e = f.account(bo)
	assert.Equal(t, id, e.ID)
	assert.True(t, connectors.EqualDN("OU=Nordskolen,"+f.raadhusOU, e2eParent(t, e.DN)), "moved below Rådhus: %s", e.DN)
	assert.True(t, e2eMemberOf(e, f.raadhusGroup))
	assert.True(t, e2eMemberOf(e, f.alle), "still below Kommune")
	assert.True(t, e2eMemberOf(e, f.laerere))
	f.settle()
}

func TestSambaManagerChangeUpdatesManager(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etoansat", f.skolen, "Lærer", e2eStart)
	kim, kimJob := f.hire("Kim", "Etoleder", f.skolen, "Skoleleder", e2eStart)
	f.reconcile()
	f.settle()
	dorteDN := f.accountDN(f.dorte)
	assert.True(t, connectors.EqualDN(dorteDN, f.account(bo).First("manager")), "inherited from Kommune")

	// Kim becomes Skolen's manager from the 10th until the 20th.
	role := f.newManagerRole(kim, kimJob, "2026-06-10")
	f.at("2026-06-10")
	rep := f.reconcile()
	require.Equal(t, []string{"modify"}, kinds(rep.Plan.Accounts), "only Bo's manager changes")
	assert.Equal(t, bo, rep.Plan.Accounts.Ops[0].Person)
	assert.True(t, connectors.EqualDN(f.accountDN(kim), f.account(bo).First("manager")), "Kim manages Bo")
	assert.True(t, connectors.EqualDN(dorteDN, f.account(kim).First("manager")), "not herself: the manager above")
	f.settle()

	f.change(func(cs *orgmodel.ChangeSet) { cs.Terminate(role, d("2026-06-20")) })
	f.at("2026-06-20")
	rep = f.reconcile()
	require.Equal(t, []string{"modify"}, kinds(rep.Plan.Accounts))
	assert.True(t, connectors.EqualDN(dorteDN, f.account(bo).First("manager")), "inherited from Kommune again")
	f.settle()
}

func TestSambaLeaverGoesToTheChapelAndARehireComesBackWithTheSameAccount(t *testing.T) {
	f := newE2E(t)
	bo, job := f.hire("Bo", "Etokapel", f.skolen, "Lærer", e2eStart)
	f.reconcile()
	f.settle()
	id, _ := f.links.Link(bo)

	// Bo's last day is the 14th.
	f.change(func(cs *orgmodel.ChangeSet) { cs.Terminate(job, d("2026-06-15")) })
	f.at("2026-06-14")
	f.settle() // still employed today
	f.at("2026-06-15")
	rep := f.reconcile()
	assert.Equal(t, []string{"disable"}, e2eChapelActions(rep))
	assert.Empty(t, rep.Plan.Accounts.Ops, "a leaver is the chapel's")
	e, err := f.env.dir.Read(ctx, id, e2eAttrs)
	require.NoError(t, err)
	assert.True(t, e.Disabled)
	assert.True(t, connectors.EqualDN(f.chapelOU, e2eParent(t, e.DN)), "in the chapel: %s", e.DN)
	_, stamped, err := chapel.ParseStamp(e.First("adminDescription"))
	require.NoError(t, err)
	assert.True(t, stamped)
	f.settle() // the chapel's moves and disables are not drift

	// Bo comes back on 1 July, as a Pædagog at Rådhus, where no one has
	// worked yet (its OU does not exist).
	f.at("2026-07-01")
	f.change(func(cs *orgmodel.ChangeSet) {
		cs.Add("", timeline.Since(d("2026-07-01")), orgmodel.EngagementAttrs{Person: bo, Unit: f.raadhus, JobFunction: "Pædagog", Fraction: 1})
	})
	rep = f.reconcile()
	assert.Equal(t, []string{"reactivate"}, e2eChapelActions(rep))
	assert.Empty(t, rep.Plan.Accounts.Ops, "planned while in the chapel: attributes wait for the next run")
	e, err = f.env.dir.Read(ctx, id, e2eAttrs)
	require.NoError(t, err, "the same account")
	assert.False(t, e.Disabled)
	assert.True(t, connectors.EqualDN(f.raadhusOU, e2eParent(t, e.DN)), "back in the OU the mapping gives: %s", e.DN)
	assert.Empty(t, e.First("adminDescription"), "the stamp is cleared")

	rep = f.reconcile()
	require.Equal(t, []string{"modify", "group-add", "group-remove"}, kinds(rep.Plan.Accounts))
	e = f.account(bo)
	assert.Equal(t, id, e.ID)
	assert.Equal(t, "Pædagog", e.First("title"))
	assert.Equal(t, "Rådhus", e.First("department"))
	assert.True(t, e2eMemberOf(e, f.raadhusGroup))
	assert.False(t, e2eMemberOf(e, f.laerere), "no longer a teacher")
	assert.Len(t, f.anchored(bo), 1, "no second account")
	f.settle()
}

func TestSambaManualEditIsCorrectedOrReported(t *testing.T) {
	for _, c := range []struct {
		name, drift string
		corrected   bool
	}{
		{"default", "", true}, // the org model is the truth for what is mapped
		{"correct", adsync.DriftCorrect, true},
		{"report", adsync.DriftReport, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newE2E(t, func(cfg *adsync.Config) { cfg.Drift = c.drift })
			bo, _ := f.hire("Bo", "Etodrift", f.skolen, "Lærer", e2eStart)
			f.reconcile()
			f.settle()
			id, _ := f.links.Link(bo)

			// Someone edits Bo's title and moves him to Kommune's OU by hand.
			require.NoError(t, f.env.dir.Modify(ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: "title", Values: []string{"Rektor"}}}))
			_, err := f.env.dir.Move(ctx, id, connectors.MoveRequest{NewParent: f.kommuneOU})
			require.NoError(t, err)

			rb := f.readBack()
			require.Len(t, rb.Drift, 1)
			dr := rb.Drift[0]
			assert.Equal(t, bo, dr.Person)
			assert.Equal(t, id, dr.Account)
			require.NoError(t, dr.Err)
			assert.Equal(t, c.corrected, dr.Corrected)
			require.Equal(t, []string{"modify", "move"}, kinds(&adsync.Plan{Ops: dr.Ops}))
			assert.Equal(t, []adsync.Change{{Attribute: "title", Old: []string{"Rektor"}, New: []string{"Lærer"}}}, dr.Ops[0].Changes)

			e := f.account(bo)
			if c.corrected {
				assert.Equal(t, "Lærer", e.First("title"))
				assert.True(t, connectors.EqualDN(f.skolenOU, e2eParent(t, e.DN)), "moved back: %s", e.DN)
				f.settle()
				return
			}
			assert.Equal(t, "Rektor", e.First("title"), "reported, not touched")
			assert.True(t, connectors.EqualDN(f.kommuneOU, e2eParent(t, e.DN)), "left where it was put: %s", e.DN)
			assert.Empty(t, f.readBack().Drift, "reported once, not on every pass")
		})
	}
}

func TestSambaCrashAfterTheAddIsLinkedByTheAnchorWithoutADuplicate(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etocrash", f.skolen, "Lærer", e2eStart)
	rep := f.reconcile()
	created := rep.Accounts.Created[bo]
	require.NotEmpty(t, created)

	// The service dies before the read-back records Bo's account in the
	// org model. On restart its links come from the model (Dorte, recorded
	// at the start) and from the anchors (Bo).
	assert.Equal(t, 2, f.start())
	id, ok := f.links.Link(bo)
	require.True(t, ok, "found by the anchor")
	assert.Equal(t, created, id)
	f.settle()
	assert.Len(t, f.anchored(bo), 1)

	// A run whose links lack the account (a worker that never loaded it)
	// finds it by the anchor too, and links it rather than creating one.
	f.links.Forget(bo)
	rp := f.plan()
	require.Equal(t, []string{"link"}, kinds(rp.Accounts))
	assert.Contains(t, rp.Accounts.Ops[0].Reason, "anchor")
	f.reconcile()
	id, _ = f.links.Link(bo)
	assert.Equal(t, created, id)
	assert.Len(t, f.anchored(bo), 1, "no duplicate")
	f.settle()
}

// lostReply is the AD connector with the reply to the first account Add
// lost: the account is created, and the caller sees a broken connection.
type lostReply struct {
	*ad.Directory
	lose int
}

func (l *lostReply) Create(ctx context.Context, req connectors.CreateRequest) (connectors.ID, error) {
	id, err := l.Directory.Create(ctx, req)
	if err == nil && l.lose > 0 && connectors.IsAccount(req.Attributes) {
		l.lose--
		return "", connectors.Errorf(connectors.Transient, "create", "connection reset before the reply")
	}
	return id, err
}

func TestSambaLostReplyToTheAddMakesNoDuplicate(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etotabt", f.skolen, "Lærer", e2eStart)
	eng, err := adsync.NewEngine(f.cfg, &lostReply{Directory: f.env.dir, lose: 1}, f.links)
	require.NoError(t, err)
	rec := *f.rec
	rec.Engine = eng
	rp, err := rec.Plan(ctx)
	require.NoError(t, err)
	rep, err := rec.Apply(ctx, rp, "")
	require.NoError(t, err)
	assert.Zero(t, rep.Failed(), "the retry finds the account the Add made: %s", e2eFailures(rep))
	found := f.anchored(bo)
	require.Len(t, found, 1, "one account for Bo, not one per attempt")
	id, ok := f.links.Link(bo)
	require.True(t, ok)
	assert.Equal(t, found[0].ID, id)
	f.settle()
}

func TestSambaReadBackRecordsTheAccountAndNoticesDeletion(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etolæs", f.skolen, "Lærer", e2eStart)
	f.reconcile()
	rb := f.readBack()
	assert.Contains(t, rb.Recorded, bo)
	assert.Empty(t, rb.Drift)

	e := f.account(bo)
	require.NotEmpty(t, e.First("mail"), "the generator gives an address")
	g := f.m.Latest().Today(f.now)
	var accounts []orgmodel.Account
	for _, a := range g.Accounts(bo) {
		if a.System == adsync.System {
			accounts = append(accounts, a)
		}
	}
	require.Len(t, accounts, 1)
	assert.Equal(t, e.First("sAMAccountName"), accounts[0].Username)
	assert.Equal(t, string(e.ID), accounts[0].ExternalID, "the objectGUID")
	var mails []string
	for _, a := range g.Addresses(bo) {
		if a.Type == "EMAIL" {
			mails = append(mails, a.Value)
		}
	}
	assert.Equal(t, []string{e.First("mail")}, mails)
	f.settle()

	// The account is deleted in AD by hand, the next day.
	f.at("2026-06-02")
	require.NoError(t, f.env.dir.Delete(ctx, e.ID))
	rb = f.readBack()
	require.Len(t, rb.Deleted, 1)
	assert.Equal(t, adsync.Deleted{Person: bo, Account: e.ID, DN: rb.Deleted[0].DN}, rb.Deleted[0])
	assert.True(t, connectors.EqualDN(e.DN, rb.Deleted[0].DN), "its last DN: %s", rb.Deleted[0].DN)
	_, linked := f.links.Link(bo)
	assert.False(t, linked, "the link is forgotten")
	g = f.m.Latest().Today(f.now)
	for _, a := range g.Accounts(bo) {
		assert.NotEqual(t, adsync.System, a.System, "the model's account record has ended")
	}

	// Bo is still employed: the next run gives him a new account.
	rep := f.reconcile()
	require.Equal(t, []string{"create", "group-add", "group-add"}, kinds(rep.Plan.Accounts))
	assert.NotEqual(t, e.ID, rep.Accounts.Created[bo])
	assert.Len(t, f.anchored(bo), 1)
	f.settle()
}

// A manager's account moves in and out of the chapel while others refer
// to it: AD refuses a reference to a DN that no longer exists.
func TestSambaReturningManagerIsManagerAgain(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etomedarb", f.skolen, "Lærer", e2eStart)
	kim, kimJob := f.hire("Kim", "Etochef", f.skolen, "Skoleleder", e2eStart)
	role := f.newManagerRole(kim, kimJob, e2eStart)
	f.reconcile()
	f.reconcile() // Kim's account did not exist when Bo's was planned
	f.settle()
	assert.True(t, connectors.EqualDN(f.accountDN(kim), f.account(bo).First("manager")))

	// Kim leaves on the 15th, role and all: Bo's manager is Dorte.
	f.change(func(cs *orgmodel.ChangeSet) {
		cs.Terminate(kimJob, d("2026-06-15"))
		cs.Terminate(role, d("2026-06-15"))
	})
	f.at("2026-06-15")
	rep := f.reconcile()
	assert.Equal(t, []string{"disable"}, e2eChapelActions(rep))
	assert.True(t, connectors.EqualDN(f.accountDN(f.dorte), f.account(bo).First("manager")))
	f.settle()

	// Kim comes back on 1 July as Skolen's manager.
	f.at("2026-07-01")
	f.change(func(cs *orgmodel.ChangeSet) {
		job := cs.Add("", timeline.Since(d("2026-07-01")), orgmodel.EngagementAttrs{Person: kim, Unit: f.skolen, JobFunction: "Skoleleder", Fraction: 1})
		cs.Add("", timeline.Since(d("2026-07-01")), orgmodel.ManagerAttrs{Unit: f.skolen, Person: kim, Engagement: job})
	})
	// The run applies the accounts' part while Kim is still in the chapel
	// (Bo's manager is set to Kim's DN there, which AD then carries along
	// as the chapel moves Kim out); the next run, before any read-back,
	// finds Kim where the chapel put him and has nothing to do.
	rep = f.reconcile()
	assert.Equal(t, []string{"reactivate"}, e2eChapelActions(rep))
	rep = f.reconcile()
	assert.Empty(t, rep.Plan.Accounts.Ops, "the links followed the chapel's move")
	e := f.account(bo)
	kimDN := f.accountDN(kim)
	assert.True(t, connectors.EqualDN(f.skolenOU, e2eParent(t, kimDN)), "out of the chapel: %s", kimDN)
	assert.True(t, connectors.EqualDN(kimDN, e.First("manager")), "Kim manages Bo again: %s", e.First("manager"))
	f.settle()
}

func TestSambaNameChangeRenamesTheAccountAndReferencesFollow(t *testing.T) {
	f := newE2E(t)
	bo, _ := f.hire("Bo", "Etonavn", f.skolen, "Lærer", e2eStart)
	f.reconcile()
	f.settle()
	dorteID, _ := f.links.Link(f.dorte)

	// Dorte, Bo's manager, takes a new surname from the 10th.
	f.change(func(cs *orgmodel.ChangeSet) {
		cs.Update(f.dorte, timeline.Since(d("2026-06-10")), orgmodel.PersonPatch{Surname: new("Etonygift")})
	})
	f.at("2026-06-10")
	rep := f.reconcile()
	require.Equal(t, []string{"modify", "rename"}, kinds(rep.Plan.Accounts), "only Dorte's account: Bo's manager reference is AD's to keep")
	e := f.account(f.dorte)
	assert.Equal(t, dorteID, e.ID)
	assert.True(t, connectors.EqualDN("CN=Dorte Etonygift,"+f.kommuneOU, e.DN), "renamed: %s", e.DN)
	assert.Equal(t, "Etonygift", e.First("sn"))
	assert.Equal(t, "Dorte Etonygift", e.First("displayName"))
	assert.True(t, connectors.EqualDN(e.DN, f.account(bo).First("manager")), "Bo's manager follows the rename")
	f.settle()
}

// A group the configuration names but AD does not have, and a missing
// base for the mirrored OUs' parent: the plan says so, in plain words and
// all together, and apply changes nothing (it used to create the accounts
// and fail every group addition with Samba's raw error).
func TestSambaPlanReportsMissingGroupsAndApplyWaits(t *testing.T) {
	f := newE2E(t)
	ghost := "CN=Findes ikke," + "OU=Grupper," + f.env.root
	f.cfg.Groups = append(f.cfg.Groups, adsync.GroupRule{JobFunction: "Lærer", Group: ghost})
	f.start()
	bo, _ := f.hire("Bo Erik", "Etoek", f.skolen, "Lærer", e2eStart)
	rp := f.plan()
	require.Len(t, rp.Missing, 1)
	assert.Equal(t, adsync.Missing{What: "group", DN: ghost, Needed: "1 member addition(s)"}, rp.Missing[0])
	assert.Contains(t, rp.String(), "NOT READY")
	assert.Contains(t, rp.String(), "the group "+ghost+" does not exist (needed for 1 member addition(s)): create it in AD, or correct the configuration")

	_, err := f.rec.Apply(ctx, rp, "")
	var pe *adsync.PrerequisiteError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, adsync.ErrPrerequisites)
	_, ok := f.links.Link(bo)
	assert.False(t, ok, "no account was created")

	_, err = f.env.dir.Create(ctx, connectors.CreateRequest{DN: ghost, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{"ghost-" + uuid.NewString()[:8]}}}})
	require.NoError(t, err)
	rp = f.plan()
	assert.Empty(t, rp.Missing, "once the group exists, the plan is ready")
	_, err = f.rec.Apply(ctx, rp, "")
	require.NoError(t, err)
	assert.True(t, e2eMemberOf(f.account(bo), ghost))

	f.cfg.Base = "OU=Findes ikke," + f.env.root
	f.start()
	rp, err = f.rec.Plan(ctx)
	require.NoError(t, err, "a missing base is the plan's to report, not an error")
	require.Len(t, rp.Missing, 1)
	assert.Contains(t, rp.String(), "the base OU "+f.cfg.Base+" does not exist")
	assert.Equal(t, "base OU", rp.Missing[0].What)
	_, err = f.rec.Apply(ctx, rp, "")
	assert.ErrorIs(t, err, adsync.ErrPrerequisites)
}

// With create_missing, the apply makes what the plan lacks (a base two
// OUs deep, a group in an OU that does not exist yet) and then syncs into
// it; what the configuration does not let it make still stops the apply,
// and nothing is created for the accounts.
func TestSambaCreatesMissingWhereConfigured(t *testing.T) {
	f := newE2E(t)
	group := "CN=Nye lærere æøå,OU=Nye grupper," + f.env.root
	f.cfg.Groups = append(f.cfg.Groups, adsync.GroupRule{JobFunction: "Lærer", Group: group})
	base := "OU=Ny base,OU=Ny afdeling," + f.env.root
	f.cfg.Base, f.cfg.OU = base, adsync.OURule{Mode: "single", Single: base}
	f.cfg.CreateMissing = []string{"base"}
	f.start()
	bo, _ := f.hire("Bo Erik", "Etoek", f.skolen, "Lærer", e2eStart)
	rp, err := f.rec.Plan(ctx)
	require.NoError(t, err)
	require.Len(t, rp.Missing, 1)
	assert.Equal(t, "base OU", rp.Missing[0].What)
	assert.True(t, rp.Missing[0].Create)
	assert.Contains(t, rp.String(), "TO CREATE")

	// The base may be made, the group may not: the base is made, the
	// group stops the rest.
	_, err = f.rec.Reconcile(ctx)
	var pe *adsync.PrerequisiteError
	require.ErrorAs(t, err, &pe)
	require.Len(t, pe.Missing, 1)
	assert.Equal(t, group, pe.Missing[0].DN)
	_, err = f.env.dir.ReadDN(ctx, base, []string{"ou"})
	require.NoError(t, err, "the base and the OU above it were made")
	_, ok := f.links.Link(bo)
	assert.False(t, ok, "no account was created while the group is missing")

	f.cfg.CreateMissing = []string{"base", "groups"}
	f.start()
	rep, err := f.rec.Reconcile(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Created, 1)
	assert.Equal(t, "group", rep.Created[0].What)
	assert.True(t, e2eMemberOf(f.account(bo), group), "the account was made, in the new group")
	assert.Empty(t, f.plan().Missing)
}
