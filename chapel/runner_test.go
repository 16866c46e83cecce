package chapel_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var ctx = context.Background()

// people is a People over a map, changed by the tests as persons leave
// and come back.
type people struct {
	mu sync.Mutex
	by map[string]chapel.Person
}

func (p *people) Person(_ context.Context, a chapel.Account, _ time.Time) (chapel.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if person, ok := p.by[a.ID]; ok {
		return person, nil
	}
	return chapel.Person{}, nil
}

func (p *people) set(id connectors.ID, person chapel.Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.by[string(id)] = person
}

type twin struct {
	dir    *inmem.Directory
	people *people
	runner *chapel.Runner
}

func newTwin(t testing.TB, tweak ...func(*chapel.Runner)) *twin {
	t.Helper()
	dir, err := inmem.New(inmem.Options{BaseDN: "DC=example,DC=org"})
	require.NoError(t, err)
	for _, ou := range []string{base, skolen, chapelOU, protected} {
		_, err := dir.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
		require.NoError(t, err)
	}
	tw := &twin{dir: dir, people: &people{by: map[string]chapel.Person{}}}
	r := chapel.Runner{Dir: dir, Base: base, Policy: policy(t), People: tw.people}
	for _, f := range tweak {
		f(&r)
	}
	tw.runner, err = chapel.NewRunner(r)
	require.NoError(t, err)
	return tw
}

func (tw *twin) account(t testing.TB, name string, ou string, person chapel.Person) connectors.ID {
	t.Helper()
	dn, err := connectors.JoinDN("CN", name, ou)
	require.NoError(t, err)
	id, err := tw.dir.Create(ctx, connectors.CreateRequest{DN: dn, Enabled: true, Password: "Kodeord-123!", Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{name}},
	}})
	require.NoError(t, err)
	tw.people.set(id, person)
	return id
}

func (tw *twin) run(t testing.TB, now time.Time) *chapel.Report {
	t.Helper()
	plan, err := tw.runner.Plan(ctx, now)
	require.NoError(t, err)
	rep, err := tw.runner.Apply(ctx, plan, "")
	require.NoError(t, err)
	for _, r := range rep.Results {
		require.Nil(t, r.Err)
	}
	return rep
}

func (tw *twin) read(t testing.TB, id connectors.ID) *connectors.Entry {
	t.Helper()
	e, err := tw.dir.Read(ctx, id, []string{"adminDescription", "sAMAccountName"})
	require.NoError(t, err)
	return e
}

var employed = chapel.Person{Known: true, Employed: true, ReturnOU: skolen}

func TestLifecycleOnTheTwin(t *testing.T) {
	tw := newTwin(t)
	id := tw.account(t, "soae", skolen, employed)
	tw.account(t, "bohe", skolen, employed)

	assert.Empty(t, tw.run(t, at("2026-02-01")).Results, "everyone employed: nothing to do")

	// Søren leaves: his last day is 28 February.
	tw.people.set(id, chapel.Person{Known: true, LeftOn: d("2026-03-01")})
	rep := tw.run(t, at("2026-03-01"))
	require.Len(t, rep.Results, 1)
	e := tw.read(t, id)
	assert.True(t, e.Disabled)
	assert.Equal(t, "CN=soae,"+chapelOU, e.DN)
	st, ok, err := chapel.ParseStamp(e.First("adminDescription"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, chapel.Stamp{Disabled: d("2026-03-01"), Reason: chapel.ReasonLeft, From: skolen}, st)

	plan, err := tw.runner.Plan(ctx, at("2026-03-02"))
	require.NoError(t, err)
	assert.Empty(t, plan.Actions(), "a second run plans nothing")

	// He comes back in April: same account, back in Skolen, enabled.
	tw.people.set(id, employed)
	tw.run(t, at("2026-04-10"))
	e = tw.read(t, id)
	assert.False(t, e.Disabled)
	assert.Equal(t, "CN=soae,"+skolen, e.DN)
	assert.Empty(t, e.First("adminDescription"))
	assert.Equal(t, "soae", e.First("sAMAccountName"))

	// He leaves for good; three months later the account is deleted.
	tw.people.set(id, chapel.Person{Known: true, LeftOn: d("2026-05-01")})
	tw.run(t, at("2026-05-01"))
	assert.Empty(t, tw.run(t, at("2026-07-31")).Results, "retention not yet passed")
	rep = tw.run(t, at("2026-08-01"))
	require.Len(t, rep.Tombstones, 1)
	assert.Equal(t, chapel.Tombstone{ID: string(id), Username: "soae", Deleted: d("2026-08-01"), QuarantineUntil: d("2027-08-01")}, rep.Tombstones[0])
	_, err = tw.dir.Read(ctx, id, nil)
	assert.ErrorIs(t, err, connectors.NotFound)
}

// flaky fails the Nth call of Move, as a run that stops half-way.
type flaky struct {
	*inmem.Directory
	failMoves int
}

func (f *flaky) Move(c context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	if f.failMoves > 0 {
		f.failMoves--
		return "", connectors.Errorf(connectors.Transient, "move", "the directory went away")
	}
	return f.Directory.Move(c, id, req)
}

func TestAnInterruptedRunCompletesOnTheNext(t *testing.T) {
	tw := newTwin(t)
	f := &flaky{Directory: tw.dir, failMoves: 1}
	r := *tw.runner
	r.Dir = f
	runner, err := chapel.NewRunner(r)
	require.NoError(t, err)
	a := tw.account(t, "anne", skolen, chapel.Person{Known: true, LeftOn: d("2026-03-01")})
	b := tw.account(t, "bent", skolen, chapel.Person{Known: true, LeftOn: d("2026-03-01")})

	plan, err := runner.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	rep, err := runner.Apply(ctx, plan, "")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed(), "one account's move failed")
	var ae *chapel.AccountError
	for _, res := range rep.Results {
		if res.Err != nil {
			ae = res.Err
		}
	}
	require.NotNil(t, ae)
	assert.ErrorIs(t, ae, connectors.Transient)
	// The failed one is stamped and disabled, outside the chapel.
	failed := connectors.ID(ae.ID)
	e := tw.read(t, failed)
	assert.True(t, e.Disabled)
	assert.Equal(t, skolen, mustParent(t, e.DN))
	// The next run completes it, and the other is untouched by the error.
	plan, err = runner.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	require.Len(t, plan.Actions(), 1)
	assert.Equal(t, chapel.Interrupted, plan.Actions()[0].Decision.State)
	rep, err = runner.Apply(ctx, plan, "")
	require.NoError(t, err)
	assert.Zero(t, rep.Failed())
	for _, id := range []connectors.ID{a, b} {
		assert.Equal(t, chapelOU, mustParent(t, tw.read(t, id).DN))
	}
}

func mustParent(t testing.TB, dn string) string {
	_, p, err := connectors.SplitDN(dn)
	require.NoError(t, err)
	return p
}

func TestTheBreakerStopsAMassDisable(t *testing.T) {
	tw := newTwin(t, func(r *chapel.Runner) { r.Breaker = chapel.Breaker{MaxShare: 0.5} })
	var ids []connectors.ID
	for i := range 10 {
		person := employed
		if i < 6 {
			person = chapel.Person{Known: true, LeftOn: d("2026-03-01")}
		}
		ids = append(ids, tw.account(t, fmt.Sprintf("user%d", i), skolen, person))
	}
	plan, err := tw.runner.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	assert.Contains(t, plan.Tripped, "6 disables and deletions are 60.0% of 10 accounts")
	_, err = tw.runner.Apply(ctx, plan, "")
	assert.ErrorIs(t, err, chapel.ErrBreaker)
	_, err = tw.runner.Apply(ctx, plan, "0123456789abcdef")
	assert.ErrorIs(t, err, chapel.ErrBreaker, "an approval of another plan")
	for _, id := range ids {
		assert.False(t, tw.read(t, id).Disabled, "nothing was done")
	}
	rep, err := tw.runner.Apply(ctx, plan, plan.Fingerprint())
	require.NoError(t, err)
	assert.Len(t, rep.Results, 6)
	assert.Zero(t, rep.Failed())
}

func TestAnAccountDeletedBetweenPlanAndApply(t *testing.T) {
	tw := newTwin(t)
	a := tw.account(t, "anne", skolen, chapel.Person{Known: true, LeftOn: d("2026-03-01")})
	b := tw.account(t, "bent", skolen, chapel.Person{Known: true, LeftOn: d("2026-03-01")})
	plan, err := tw.runner.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	require.NoError(t, tw.dir.Delete(ctx, a))
	rep, err := tw.runner.Apply(ctx, plan, "")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed())
	for _, r := range rep.Results {
		if r.Err != nil {
			assert.ErrorIs(t, r.Err, connectors.NotFound)
			assert.Equal(t, string(a), r.Err.ID)
		}
	}
	assert.True(t, tw.read(t, b).Disabled, "the other account is done")
}

func TestAChangeSincePlanningIsNotActedOn(t *testing.T) {
	tw := newTwin(t)
	a := tw.account(t, "anne", skolen, chapel.Person{Known: true, LeftOn: d("2026-03-01")})
	plan, err := tw.runner.Plan(ctx, at("2026-03-01"))
	require.NoError(t, err)
	tw.people.set(a, employed) // rehired between plan and apply
	rep, err := tw.runner.Apply(ctx, plan, "")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed())
	assert.ErrorIs(t, rep.Results[0].Err, chapel.ErrChanged)
	assert.False(t, tw.read(t, a).Disabled)
}

func TestGroupsRemovedAndRestored(t *testing.T) {
	tw := newTwin(t, func(r *chapel.Runner) { r.Policy.Groups = chapel.GroupsRemove })
	g, err := tw.dir.Create(ctx, connectors.CreateRequest{DN: "CN=Lærere," + skolen, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{"laerere"}}}})
	require.NoError(t, err)
	a := tw.account(t, "anne", skolen, chapel.Person{Known: true, LeftOn: d("2026-03-01")})
	require.NoError(t, tw.dir.AddMember(ctx, g, a))
	tw.run(t, at("2026-03-01"))
	e, err := tw.dir.Read(ctx, a, []string{"memberOf", "adminDescription"})
	require.NoError(t, err)
	assert.Empty(t, e.Get("memberOf"), "removed on disable")
	st, _, err := chapel.ParseStamp(e.First("adminDescription"))
	require.NoError(t, err)
	assert.Equal(t, []string{string(g)}, st.Groups, "and recorded in the stamp")
	tw.people.set(a, employed)
	tw.run(t, at("2026-03-10"))
	e, err = tw.dir.Read(ctx, a, []string{"memberOf"})
	require.NoError(t, err)
	assert.Equal(t, []string{"CN=Lærere," + skolen}, e.Get("memberOf"), "restored on return")
}

func TestABadStampIsNeverDeleted(t *testing.T) {
	tw := newTwin(t)
	a := tw.account(t, "anne", chapelOU, chapel.Person{Known: true, LeftOn: d("2020-01-01")})
	require.NoError(t, tw.dir.Modify(ctx, a, []connectors.Modification{{Name: "adminDescription", Values: []string{chapel.StampPrefix + "{garbage"}}}))
	require.NoError(t, tw.dir.SetEnabled(ctx, a, false))
	plan, err := tw.runner.Plan(ctx, at("2030-01-01"))
	require.NoError(t, err)
	assert.Empty(t, plan.Actions())
	require.Len(t, plan.Items, 1)
	assert.Equal(t, chapel.BadStamp, plan.Items[0].Decision.State)
	assert.Contains(t, plan.Items[0].Decision.Reason, "never deletes")
}

func TestNewRunnerChecksCapabilities(t *testing.T) {
	_, err := chapel.NewRunner(chapel.Runner{})
	assert.Error(t, err)
	tw := newTwin(t)
	_, err = chapel.NewRunner(chapel.Runner{Dir: readOnly{tw.dir}, People: tw.people, Policy: policy(t), Base: base})
	assert.ErrorContains(t, err, "cannot Modifier")
}

// readOnly hides every capability of a directory.
type readOnly struct{ connectors.Directory }

// BenchmarkPlanAndApplyTwin runs the chapel over 10,000 accounts in the
// in-memory twin with 500 actions due (disables).
func BenchmarkPlanAndApplyTwin(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		tw := newTwin(b)
		for i := range 10000 {
			person := employed
			if i%20 == 0 {
				person = chapel.Person{Known: true, LeftOn: d("2026-03-01")}
			}
			tw.account(b, fmt.Sprintf("u%05d", i), skolen, person)
		}
		b.StartTimer()
		plan, err := tw.runner.Plan(ctx, at("2026-03-01"))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := tw.runner.Apply(ctx, plan, "")
		if err != nil || len(rep.Results) != 500 || rep.Failed() != 0 {
			b.Fatalf("%v: %d results, %d failed", err, len(rep.Results), rep.Failed())
		}
	}
}

// BenchmarkRawTwin is BenchmarkPlanAndApplyTwin's baseline: the same
// directory work done directly on the twin, with no chapel logic — one
// search of the accounts, then for each of the 500 due accounts a stamp,
// a disable and a move, as the runner does them.
func BenchmarkRawTwin(b *testing.B) {
	stamp := stampOf(b, chapel.Stamp{Disabled: d("2026-03-01"), Reason: chapel.ReasonLeft, From: skolen})
	for b.Loop() {
		b.StopTimer()
		tw := newTwin(b)
		due := map[connectors.ID]bool{}
		for i := range 10000 {
			id := tw.account(b, fmt.Sprintf("u%05d", i), skolen, employed)
			due[id] = i%20 == 0
		}
		b.StartTimer()
		var todo []connectors.ID
		err := tw.dir.Search(ctx, connectors.SearchRequest{BaseDN: base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"sAMAccountName", "memberOf", "adminDescription"}},
			func(e *connectors.Entry) error {
				if due[e.ID] {
					todo = append(todo, e.ID)
				}
				return nil
			})
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range todo {
			if _, err := tw.dir.Read(ctx, id, []string{"sAMAccountName", "memberOf", "adminDescription"}); err != nil {
				b.Fatal(err)
			}
			if err := tw.dir.Modify(ctx, id, []connectors.Modification{{Name: "adminDescription", Values: []string{stamp}}}); err != nil {
				b.Fatal(err)
			}
			if err := tw.dir.SetEnabled(ctx, id, false); err != nil {
				b.Fatal(err)
			}
			if _, err := tw.dir.Move(ctx, id, connectors.MoveRequest{NewParent: chapelOU}); err != nil {
				b.Fatal(err)
			}
		}
		if len(todo) != 500 {
			b.Fatalf("%d due", len(todo))
		}
	}
}

func TestPlanEntriesDecidesAsPlanDoes(t *testing.T) {
	tw := newTwin(t)
	day := timeline.MustParseDate("2026-05-01")
	tw.account(t, "ansat", skolen, employed)
	tw.account(t, "leaver", skolen, chapel.Person{Known: true, LeftOn: day})
	tw.account(t, "ukendt", skolen, chapel.Person{})
	// Objects the caller read that are not the runner's: a computer, and
	// an account outside the base.
	_, err := tw.dir.Create(ctx, connectors.CreateRequest{DN: "CN=PC1," + skolen, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"computer"}}, {Name: "sAMAccountName", Values: []string{"PC1$"}}}})
	require.NoError(t, err)
	_, err = tw.dir.Create(ctx, connectors.CreateRequest{DN: "CN=udenfor,DC=example,DC=org", Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"udenfor"}}}})
	require.NoError(t, err)
	now := timeline.DefaultZone().Start(day).Add(time.Hour)

	want, err := tw.runner.Plan(ctx, now)
	require.NoError(t, err)
	var entries []*connectors.Entry
	require.NoError(t, tw.dir.Search(ctx, connectors.SearchRequest{BaseDN: "DC=example,DC=org", Filter: connectors.Eq("objectClass", "user"), Attributes: tw.runner.Attributes()}, func(e *connectors.Entry) error {
		entries = append(entries, e)
		return nil
	}))
	require.Len(t, entries, 5, "the computer is a user too, as in AD")
	got, err := tw.runner.PlanEntries(ctx, now, entries)
	require.NoError(t, err)
	assert.Equal(t, want.InScope, got.InScope)
	assert.Equal(t, 3, got.InScope)
	assert.Equal(t, want.Fingerprint(), got.Fingerprint())
	assert.Len(t, got.Actions(), 1, "the leaver")
	assert.ElementsMatch(t, want.Items, got.Items)
}
