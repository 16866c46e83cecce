package boarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A system with a digest interval gets one mail per interval with every
// task that came meanwhile, one block each, once.
func TestDigestGathersASystemsTasks(t *testing.T) {
	r := newRig(t)
	r.e = engineWith(t, r.world, strings.Replace(testCatalogue, "    administrators: [aula-admin@sjolund.dk]\n", "    administrators: [aula-admin@sjolund.dk]\n    digest: 3h\n", 1))
	r.e.Rights.Equipment = []string{"servicedesk@sjolund.dk"}
	r.d.Engine = r.e
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	var orders []*boarding.Order
	for i, name := range []string{"Åse", "Bo"} {
		o, err := r.e.Place(bg, "soeren@sjolund.dk", boarding.Request{Key: name, Pending: &boarding.PendingHire{GivenNames: name, Surname: "Ørsted", EmploymentNumber: name},
			Unit: r.school, Roles: []string{"vikar"}, Start: firstDay, Reason: "barsel"})
		require.NoError(t, err)
		_, err = r.e.ContractSigned(bg, "hr@sjolund.dk", o.ID, "")
		require.NoError(t, err)
		var cs om.ChangeSet
		p := cs.Add(name, timeline.Since(timeline.MustDate(1990, 1, 1)), om.PersonAttrs{GivenNames: name, Surname: "Ørsted"})
		cs.Add(name, timeline.Since(firstDay), om.EngagementAttrs{Person: p, Unit: r.school, JobFunction: "Vikar", Type: "Timeløn", Fraction: 1, EmploymentNumber: name})
		cs.Add("u"+name, timeline.Since(firstDay), om.AccountAttrs{System: "Active Directory", Username: []string{"aaor", "boor"}[i], Person: p})
		r.apply(t, &cs)
		r.events(t, sub)
		orders = append(orders, r.get(t, o.ID))
		require.Equal(t, boarding.Active, orders[i].State)
		r.now = r.now.Add(time.Hour)
	}
	r.dispatch(t)
	assert.Empty(t, mailTo(r.mails(t), "aula-admin@sjolund.dk", ""), "held for the digest")
	r.now = r.now.Add(time.Hour)
	rep := r.dispatch(t)
	assert.Equal(t, 1, rep.Mails)
	digest := mailTo(r.mails(t), "aula-admin@sjolund.dk", "")
	require.Len(t, digest, 1)
	blocks := fields(digest[0].Text)
	require.Len(t, blocks, 2)
	assert.Equal(t, orders[0].ID.String(), blocks[0]["Order"])
	assert.Equal(t, "boor", blocks[1]["Username"])
	assert.Contains(t, digest[0].Subject, "2 opgaver")
	r.now = r.now.Add(4 * time.Hour)
	assert.Zero(t, r.dispatch(t).Mails, "a task goes in one digest")
}

// flaky fails its first calls with kind, then does what p does.
type flaky struct {
	p     connectors.Provisioner
	fails int
	kind  connectors.Kind
	calls int
}

func (f *flaky) fail(op string) error {
	f.calls++
	if f.calls <= f.fails {
		return connectors.Errorf(f.kind, op, "the system is not answering")
	}
	return nil
}

func (f *flaky) Grant(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	if err := f.fail("grant"); err != nil {
		return 0, err
	}
	return f.p.Grant(ctx, g)
}

func (f *flaky) Revoke(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	if err := f.fail("revoke"); err != nil {
		return 0, err
	}
	return f.p.Revoke(ctx, g)
}

func (f *flaky) Status(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return f.p.Status(ctx, g)
}

// A connector that fails for now is tried again after a wait that
// doubles; one that fails for good, or too often, fails its task, with
// the system's error as the reason, and the order is partly fulfilled.
func TestIntegratedTasksAreRetriedThenFailed(t *testing.T) {
	for _, c := range []struct {
		name        string
		fails       int
		kind        connectors.Kind
		max         int
		wantGranted bool
	}{
		{"transient, then done", 2, connectors.Transient, 0, true},
		{"transient too often", 5, connectors.Transient, 3, false},
		{"refused for good", 1, connectors.Constraint, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := &flaky{p: &boarding.ADGroups{Directory: r.dir}, fails: c.fails, kind: c.kind}
			r.d.Provisioners["ad-groups"], r.d.MaxAttempts = f, c.max
			sub, err := r.m.Subscribe("boarding")
			require.NoError(t, err)
			o, _, _, acct := r.onboarded(t, sub, true)
			for _, a := range []struct {
				who  string
				task func(boarding.Task) bool
			}{{"aula-admin@sjolund.dk", isSystem("aula")}, {"servicedesk@sjolund.dk", isEquipment}} {
				_, err := r.e.Confirm(bg, a.who, o.ID, taskOf(r.get(t, o.ID), a.task).ID, boarding.LinkDone, "")
				require.NoError(t, err)
			}
			for wait := time.Minute; wait < time.Hour && !taskOf(r.get(t, o.ID), isSystem("ad")).State.Terminal(); wait *= 2 {
				before := f.calls
				r.dispatch(t)
				assert.Equal(t, before, f.calls, "not tried again before its time")
				r.now = r.now.Add(wait)
				r.dispatch(t)
			}
			task := taskOf(r.get(t, o.ID), isSystem("ad"))
			assert.Equal(t, c.wantGranted, r.member(t, laerere, acct))
			if c.wantGranted {
				assert.Equal(t, boarding.Done, task.State)
				assert.Equal(t, 3, task.Attempts)
				return
			}
			assert.Equal(t, boarding.Failed, task.State)
			assert.Contains(t, task.Note, "not answering")
			assert.Equal(t, boarding.PartiallyFulfilled, r.get(t, o.ID).State)
		})
	}
}

func TestADispatcherThatCannotMailIsRefused(t *testing.T) {
	for name, change := range map[string]func(d *boarding.Dispatcher){
		"no sender":       func(d *boarding.Dispatcher) { d.From = connectors.Address{} },
		"a bad sender":    func(d *boarding.Dispatcher) { d.From = connectors.Address{Addr: "orgsync"} },
		"a relative URL":  func(d *boarding.Dispatcher) { d.BaseURL = "/boarding" },
		"no URL to sign":  func(d *boarding.Dispatcher) { d.BaseURL = "" },
		"no outbox":       func(d *boarding.Dispatcher) { d.Outbox = nil },
		"an ftp base URL": func(d *boarding.Dispatcher) { d.BaseURL = "ftp://orgsync.sjolund.dk" },
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			change(r.d)
			_, err := r.d.Dispatch(bg)
			assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
		})
	}
}

// A system's advisees (FYI recipients) are copied on its task mails, and
// told by a mail of their own when its connector has done a task.
func TestAdviseesAreToldOfGrants(t *testing.T) {
	r := newRig(t)
	cat := strings.Replace(testCatalogue, "    administrators: [aula-admin@sjolund.dk]\n", "    administrators: [aula-admin@sjolund.dk]\n    advisees: [it-sikkerhed@sjolund.dk]\n", 1)
	cat = strings.Replace(cat, "    connector: ad-groups\n", "    connector: ad-groups\n    advisees: [it-sikkerhed@sjolund.dk]\n", 1)
	r.e = engineWith(t, r.world, cat)
	r.e.Rights.Equipment = []string{"servicedesk@sjolund.dk"}
	r.d.Engine = r.e
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	r.onboarded(t, sub, true)
	fyi := mailTo(r.mails(t), "it-sikkerhed@sjolund.dk", "")
	require.Len(t, fyi, 2, "the Aula task mail (cc) and the AD group's notice")
	var subjects []string
	for _, m := range fyi {
		subjects = append(subjects, m.Subject)
	}
	assert.Contains(t, subjects, "orgsync: til orientering: grant Active Directory: Åse Ørsted")
	assert.Zero(t, r.dispatch(t).Mails)
}

// A job role's title filter keeps it from someone whose job title in the
// unit it does not let through.
func TestAJobRolesTitlesAreChecked(t *testing.T) {
	r := newRig(t)
	cat := strings.Replace(testCatalogue, "  - id: vikar\n    name: Vikar\n", "  - id: vikar\n    name: Vikar\n    titles: {include: [Lærer]}\n", 1)
	r.e = engineWith(t, r.world, cat)
	_, err := r.e.Place(bg, "hr@sjolund.dk", boarding.Request{Key: "k", Person: r.soeren, Unit: r.school, Roles: []string{"vikar"}, Start: firstDay, Reason: "x"})
	var re *boarding.RequestError
	require.True(t, errorsAs(err, &re), "Søren is the school's head, not a teacher: %v", err)
	assert.Equal(t, "roles[0]", re.Field)
	all, _ := r.e.Store.List(bg, boarding.Query{})
	assert.Empty(t, all)
}
