package adsync_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

const (
	orgBase = "OU=Org,DC=example,DC=org"
	kapel   = "OU=Kapellet,DC=example,DC=org"
	laerere = "CN=Lærere,OU=Grupper,DC=example,DC=org"
	alle    = "CN=Alle,OU=Grupper,DC=example,DC=org"
)

type planFx struct {
	o     *org
	dir   *inmem.Directory
	links *adsync.MapLinks
	eng   *adsync.Engine
}

func newPlanFx(t *testing.T) *planFx {
	t.Helper()
	f := &planFx{o: newOrg(t), links: adsync.NewMapLinks()}
	dir, err := inmem.New(inmem.Options{BaseDN: "DC=example,DC=org"})
	require.NoError(t, err)
	for _, ou := range []string{orgBase, "OU=Kommune," + orgBase, "OU=Skolen,OU=Kommune," + orgBase, kapel, "OU=Grupper,DC=example,DC=org"} {
		_, err := dir.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
		require.NoError(t, err)
	}
	for g, sam := range map[string]string{laerere: "laerere", alle: "alle"} {
		_, err := dir.Create(ctx, connectors.CreateRequest{DN: g, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{sam}}}})
		require.NoError(t, err)
	}
	f.dir = dir
	var err2 error
	f.eng, err2 = adsync.NewEngine(f.engConfig(), dir, f.links)
	require.NoError(t, err2)
	return f
}

// engConfig is the test engine's configuration.
func (f *planFx) engConfig() adsync.Config {
	return adsync.Config{
		Base:     "DC=example,DC=org",
		ChapelOU: kapel,
		Mapping: adsync.Mapping{Attributes: map[string]string{
			"givenName":   "{{.Person.GivenNames}}",
			"sn":          "{{.Person.Surname}}",
			"displayName": "{{.Person.GivenNames}} {{.Person.Surname}}",
			"title":       "{{.Primary.JobFunction}}",
			"department":  "{{.Unit.Name}}",
		}, EnableDaysBefore: 7},
		OU:     adsync.OURule{Mode: "mirror", Base: orgBase},
		Groups: []adsync.GroupRule{{Unit: "1", Group: alle}, {JobFunction: "Lærer", Group: laerere}},
	}
}

func (f *planFx) plan(t *testing.T, day string, persons ...uuid.UUID) *adsync.Plan {
	t.Helper()
	p, err := f.eng.Plan(ctx, f.o.m.Latest().At(d(day)), persons)
	require.NoError(t, err)
	return p
}

// create makes the account a create op describes, with the anchor, as
// apply will.
func (f *planFx) create(t *testing.T, op adsync.Op, sam string) connectors.ID {
	t.Helper()
	attrs := []connectors.Attribute{{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{sam}}, {Name: "adminDisplayName", Values: []string{op.Person.String()}}}
	for _, c := range op.Changes {
		attrs = append(attrs, connectors.Attribute{Name: c.Attribute, Values: c.New})
	}
	id, err := f.dir.Create(ctx, connectors.CreateRequest{DN: op.DN, Attributes: attrs, Enabled: true, Password: "Start-Kode-2026!"})
	require.NoError(t, err)
	return id
}

func kinds(p *adsync.Plan) []string {
	var out []string
	for _, op := range p.Ops {
		out = append(out, op.Kind.String())
	}
	return out
}

func TestPlanHireModifyMoveAndGroups(t *testing.T) {
	f := newPlanFx(t)
	p := f.plan(t, "2026-06-01", f.o.bo)
	require.Equal(t, []string{"create", "group-add", "group-add"}, kinds(p))
	create := p.Ops[0]
	assert.Equal(t, "CN=Bo Erik Ek,OU=Skolen,OU=Kommune,"+orgBase, create.DN, "in the mirrored OU")
	assert.Equal(t, []string{alle, laerere}, []string{p.Ops[1].Target, p.Ops[2].Target})

	// Apply by hand; a crash before the link is written back: the anchor
	// finds the account and the plan links it, with nothing else to do
	// but the groups.
	id := f.create(t, create, "boek")
	p = f.plan(t, "2026-06-01", f.o.bo)
	require.Equal(t, []string{"link", "group-add", "group-add"}, kinds(p))
	assert.Equal(t, id, p.Ops[0].Account)
	assert.Contains(t, p.Ops[0].Reason, "anchor")
	for _, g := range []string{alle, laerere} {
		gid, err := f.dir.ReadDN(ctx, g, nil)
		require.NoError(t, err)
		require.NoError(t, f.dir.AddMember(ctx, gid.ID, id))
	}
	e, err := f.dir.Read(ctx, id, nil)
	require.NoError(t, err)
	f.links.Set(f.o.bo, id, e.DN)
	assert.Empty(t, f.plan(t, "2026-06-01", f.o.bo).Ops, "a second run plans nothing")

	// Bo becomes a Pædagog from July: the title changes, the teachers'
	// group goes.
	var cs orgmodel.ChangeSet
	eng, _ := f.o.m.Latest().At(d("2026-06-01")).PrimaryEngagement(f.o.bo)
	cs.Update(eng.ID, timeline.Since(d("2026-07-01")), orgmodel.EngagementPatch{JobFunction: new("Pædagog")})
	// And Skolen moves out from under Kommune to be a root of its own.
	cs.Update(f.o.skolen, timeline.Since(d("2026-07-01")), orgmodel.UnitPatch{Parent: new(uuid.Nil)})
	_, err = f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	assert.Empty(t, f.plan(t, "2026-06-30", f.o.bo).Ops, "not before the day")
	p = f.plan(t, "2026-07-01", f.o.bo)
	// Both group rules stop applying: Bo is no teacher, and Skolen is no
	// longer below Kommune (unit 1).
	require.Equal(t, []string{"modify", "move", "group-remove", "group-remove"}, kinds(p))
	assert.Equal(t, []adsync.Change{{Attribute: "title", Old: []string{"Lærer"}, New: []string{"Pædagog"}}}, p.Ops[0].Changes)
	assert.Equal(t, "OU=Skolen,"+orgBase, p.Ops[1].Target)
	assert.Equal(t, []string{alle, laerere}, []string{p.Ops[2].Target, p.Ops[3].Target})
	assert.Contains(t, p.String(), `title: "Lærer" → "Pædagog"`, "the text plan shows old and new")
}

func TestPlanLeavesChapelAccountsAndLeaversToTheChapel(t *testing.T) {
	f := newPlanFx(t)
	op := f.plan(t, "2026-06-01", f.o.bo).Ops[0]
	op.DN = "CN=Bo Erik Ek," + kapel
	id := f.create(t, op, "boek")
	require.NoError(t, f.dir.SetEnabled(ctx, id, false))
	p := f.plan(t, "2026-06-01", f.o.bo)
	assert.Equal(t, []string{"link"}, kinds(p), "in the chapel: linked, and left to the chapel to reactivate")
	assert.Empty(t, f.plan(t, "2026-06-01", f.o.x).Ops, "no engagement: nothing for adsync")

	// A disabled account outside the chapel is enabled.
	require.NoError(t, f.dir.Delete(ctx, id))
	op.DN = "CN=Bo Erik Ek,OU=Skolen,OU=Kommune," + orgBase
	id = f.create(t, op, "boek")
	require.NoError(t, f.dir.SetEnabled(ctx, id, false))
	p = f.plan(t, "2026-06-01", f.o.bo)
	assert.Contains(t, kinds(p), "enable")
}

func TestPlanReportsDisputesAndKeepsGoing(t *testing.T) {
	f := newPlanFx(t)
	op := f.plan(t, "2026-06-01", f.o.bo).Ops[0]
	f.create(t, op, "boek")
	op.DN = "CN=Bo 2,OU=Skolen,OU=Kommune," + orgBase
	f.create(t, op, "boek2")
	p := f.plan(t, "2026-06-01", f.o.bo, f.o.dorte)
	require.Len(t, p.Errors, 1)
	assert.Equal(t, f.o.bo, p.Errors[0].Person)
	assert.Contains(t, p.Errors[0].Error(), "2 accounts match")
	assert.Equal(t, "create", p.Ops[0].Kind.String(), "Dorte is planned all the same")
	js, err := p.JSON()
	require.NoError(t, err)
	for _, out := range []string{p.String(), string(js)} {
		assert.NotContains(t, out, "0101901234", "no CPR in a plan")
	}
}

func (f *planFx) applier(t *testing.T, g orgmodel.Graph) *adsync.Applier {
	t.Helper()
	gen, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX"}, UPNDomain: "example.org", MailDomain: "example.org"}, nil)
	require.NoError(t, err)
	return &adsync.Applier{Engine: f.eng, Usernames: gen, Names: adsync.GraphNames{Graph: g}, Sleep: func(time.Duration) {}}
}

func TestApplyThenNothingToDo(t *testing.T) {
	f := newPlanFx(t)
	g := f.o.m.Latest().At(d("2026-06-01"))
	persons := []uuid.UUID{f.o.dorte, f.o.bo, f.o.eva, f.o.x}
	p := f.plan(t, "2026-06-01", persons...)
	rep, err := f.applier(t, g).Apply(ctx, p)
	require.NoError(t, err)
	require.Zero(t, rep.Failed(), "%+v", rep.Results)
	assert.Len(t, rep.Created, 3, "Dorte, Bo, and Eva who starts within the week")
	e, err := f.dir.Read(ctx, rep.Created[f.o.bo], []string{"sAMAccountName", "userPrincipalName", "mail", "title", "memberOf", "adminDisplayName"})
	require.NoError(t, err)
	assert.Equal(t, "boek", e.First("sAMAccountName"))
	assert.Equal(t, "boek@example.org", e.First("userPrincipalName"))
	assert.Equal(t, "bo.ek@example.org", e.First("mail"))
	assert.Equal(t, "Lærer", e.First("title"))
	assert.Equal(t, f.o.bo.String(), e.First("adminDisplayName"), "the anchor, in the same Add")
	assert.Len(t, e.Get("memberOf"), 2)
	assert.False(t, e.Disabled)
	assert.Empty(t, f.plan(t, "2026-06-01", persons...).Ops, "a second run plans nothing")
}

// failing makes every Modify fail, transiently the first n times.
type failing struct {
	*inmem.Directory
	transient int
	calls     int
}

func (f *failing) Modify(c context.Context, id connectors.ID, mods []connectors.Modification) error {
	f.calls++
	if f.transient > 0 {
		f.transient--
		return connectors.Errorf(connectors.Transient, "modify", "connection reset")
	}
	return connectors.Errorf(connectors.Constraint, "modify", "value refused")
}

func TestApplyRetriesTransientErrorsAndIsolatesPermanentOnes(t *testing.T) {
	f := newPlanFx(t)
	g := f.o.m.Latest().At(d("2026-06-01"))
	persons := []uuid.UUID{f.o.dorte, f.o.bo}
	_, err := f.applier(t, g).Apply(ctx, f.plan(t, "2026-06-01", persons...))
	require.NoError(t, err)
	var cs orgmodel.ChangeSet
	cs.Update(f.o.bo, timeline.Since(d("2026-01-01")), orgmodel.PersonPatch{Surname: new("Ekberg")})
	cs.Update(f.o.dorte, timeline.Since(d("2026-01-01")), orgmodel.PersonPatch{Surname: new("Ærøe")})
	_, err = f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	p := f.plan(t, "2026-06-01", persons...)
	require.Equal(t, []string{"modify", "rename", "modify", "rename"}, kinds(p), "new names: new attributes and CNs")

	fd := &failing{Directory: f.dir, transient: 2}
	eng, err := adsync.NewEngine(f.engConfig(), fd, f.links)
	require.NoError(t, err)
	a := f.applier(t, f.o.m.Latest().At(d("2026-06-01")))
	a.Engine = eng
	rep, err := a.Apply(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 4, rep.Failed(), "both modifies fail in the end (the value is refused), and each person's rename is skipped")
	assert.True(t, rep.Results[1].Skipped)
	assert.ErrorIs(t, rep.Results[0].Err, connectors.Constraint, "retried past the transient errors to the permanent one")
	assert.Equal(t, 4, fd.calls, "two transient retries, then the permanent error; then the second person's one try")
}

func TestTwoPeopleWithOneNameGetTwoAccounts(t *testing.T) {
	f := newPlanFx(t)
	var cs orgmodel.ChangeSet
	from := timeline.Since(d("2024-01-01"))
	twin := cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Bo Erik", Surname: "Ek"})
	cs.Add("9", from, orgmodel.EngagementAttrs{Person: twin, Unit: f.o.skolen, JobFunction: "Lærer", Fraction: 1})
	_, err := f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	g := f.o.m.Latest().At(d("2026-06-01"))
	p := f.plan(t, "2026-06-01", f.o.bo, twin)
	rep, err := f.applier(t, g).Apply(ctx, p)
	require.NoError(t, err)
	require.Zero(t, rep.Failed(), "%+v", rep.Results)
	dn1, _ := f.links.AccountDN(f.o.bo)
	dn2, _ := f.links.AccountDN(twin)
	assert.Equal(t, "CN=Bo Erik Ek,OU=Skolen,OU=Kommune,"+orgBase, dn1)
	assert.Equal(t, "CN=Bo Erik Ek 2,OU=Skolen,OU=Kommune,"+orgBase, dn2)
	assert.Empty(t, f.plan(t, "2026-06-01", f.o.bo, twin).Ops)
}

func TestAPlanThatMapsTheCPRMasksItInPrint(t *testing.T) {
	f := newPlanFx(t)
	cfg := f.engConfig()
	cfg.Mapping.Attributes["employeeID"] = "{{cpr .}}"
	eng, err := adsync.NewEngine(cfg, f.dir, f.links)
	require.NoError(t, err)
	p, err := eng.Plan(ctx, f.o.m.Latest().At(d("2026-06-01")), []uuid.UUID{f.o.bo})
	require.NoError(t, err)
	js, err := p.JSON()
	require.NoError(t, err)
	for _, out := range []string{p.String(), string(js)} {
		assert.NotContains(t, out, "0101901234")
		assert.Contains(t, out, "010190-xxxx", "masked, not dropped")
	}
	found := false
	for _, c := range p.Ops[0].Changes {
		found = found || (c.Attribute == "employeeID" && c.New[0] == "0101901234")
	}
	assert.True(t, found, "the operation itself keeps the value it writes")
}

func TestANewNameRenamesTheAccount(t *testing.T) {
	f := newPlanFx(t)
	g := f.o.m.Latest().At(d("2026-06-01"))
	persons := []uuid.UUID{f.o.dorte, f.o.bo}
	_, err := f.applier(t, g).Apply(ctx, f.plan(t, "2026-06-01", persons...))
	require.NoError(t, err)
	// An account named "Bo Erik Ekberg" already exists elsewhere in the
	// OU: the rename numbers the name as a create would.
	_, err = f.dir.Create(ctx, connectors.CreateRequest{DN: "CN=Bo Erik Ekberg,OU=Skolen,OU=Kommune," + orgBase, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"contact"}}}})
	require.NoError(t, err)
	var cs orgmodel.ChangeSet
	cs.Update(f.o.bo, timeline.Since(d("2026-01-01")), orgmodel.PersonPatch{Surname: new("Ekberg")})
	_, err = f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	p := f.plan(t, "2026-06-01", persons...)
	require.Equal(t, []string{"modify", "rename"}, kinds(p))
	assert.Equal(t, "Bo Erik Ekberg", p.Ops[1].Target)
	rep, err := f.applier(t, f.o.m.Latest().At(d("2026-06-01"))).Apply(ctx, p)
	require.NoError(t, err)
	require.Zero(t, rep.Failed(), "%+v", rep.Results)
	dn, _ := f.links.AccountDN(f.o.bo)
	assert.Equal(t, "CN=Bo Erik Ekberg 2,OU=Skolen,OU=Kommune,"+orgBase, dn)
	id, _ := f.links.Link(f.o.bo)
	e, err := f.dir.Read(ctx, id, []string{"sn"})
	require.NoError(t, err)
	assert.Equal(t, dn, e.DN)
	assert.Equal(t, "Ekberg", e.First("sn"))
	assert.Empty(t, f.plan(t, "2026-06-01", persons...).Ops, "a numbered name is the name")
}
