package boarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// rig is the world with an engine, a dispatcher, an outbox, an AD twin
// holding the Lærere group, and link and secret keys.
type rig struct {
	*world
	e      *boarding.Engine
	d      *boarding.Dispatcher
	out    *outbox.MemStore
	dir    *inmem.Directory
	signer *boarding.Signer
	group  connectors.ID
}

func newRig(t *testing.T) *rig {
	t.Helper()
	w := newWorld(t)
	r := &rig{world: w, e: engine(t, w), out: outbox.NewMemStore()}
	r.e.Rights.Equipment = []string{"servicedesk@sjolund.dk"}
	r.dir = inmem.MustNew(inmem.Options{BaseDN: "DC=sjolund,DC=dk"})
	ou := mustCreate(t, r.dir, "OU=Grupper,DC=sjolund,DC=dk", "organizationalUnit")
	_ = ou
	r.group = mustCreate(t, r.dir, "CN=Lærere,OU=Grupper,DC=sjolund,DC=dk", "group")
	var err error
	r.signer, err = boarding.NewSigner([]byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	r.d = &boarding.Dispatcher{Engine: r.e, Outbox: r.out, From: connectors.Address{Name: "orgsync", Addr: "orgsync@sjolund.dk"},
		BaseURL: "https://orgsync.sjolund.dk", Signer: r.signer,
		Provisioners: map[string]connectors.Provisioner{"ad-groups": &boarding.ADGroups{Directory: r.dir}}}
	return r
}

func mustCreate(t *testing.T, d *inmem.Directory, dn, class string, attrs ...connectors.Attribute) connectors.ID {
	t.Helper()
	id, err := d.Create(bg, connectors.CreateRequest{DN: dn, Attributes: append(attrs, connectors.Attribute{Name: "objectClass", Values: []string{class}})})
	require.NoError(t, err)
	return id
}

var firstDay = timeline.MustDate(2027, 3, 1)

// order places Søren's order of the teacher's role for Åse, starting on
// the first of March.
func (r *rig) order(t *testing.T, by, key string) *boarding.Order {
	t.Helper()
	o, err := r.e.Place(bg, by, boarding.Request{Key: key, Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted", EmploymentNumber: "42"},
		Unit: r.school, Roles: []string{"laerer"}, Start: firstDay})
	require.NoError(t, err)
	return o
}

// hire registers Åse in payroll (employment number 42 in the school from
// the first day) and returns her person and engagement.
func (r *rig) hire(t *testing.T) (person, eng uuid.UUID) {
	t.Helper()
	var cs om.ChangeSet
	person = cs.Add("aase", timeline.Since(timeline.MustDate(1990, 5, 1)), om.PersonAttrs{GivenNames: "Åse", Surname: "Ørsted"})
	eng = cs.Add("42", timeline.Since(firstDay), om.EngagementAttrs{Person: person, Unit: r.school, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	r.apply(t, &cs)
	return person, eng
}

// account creates Åse's AD account in the twin and records it in the
// org model, as read-back does.
func (r *rig) account(t *testing.T, person uuid.UUID) connectors.ID {
	t.Helper()
	id := mustCreate(t, r.dir, "CN=Åse Ørsted,DC=sjolund,DC=dk", "user", connectors.Attribute{Name: "sAMAccountName", Values: []string{"aaor"}})
	var cs om.ChangeSet
	cs.Add("aaor", timeline.Since(timeline.MustDate(2027, 2, 15)), om.AccountAttrs{System: "Active Directory", Username: "aaor", ExternalID: string(id), Person: person})
	r.apply(t, &cs)
	return id
}

// events hands every event the model has made since the last call to
// the engine, as Run does.
func (r *rig) events(t *testing.T, sub *om.Subscription) {
	t.Helper()
	for {
		ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
		ev, err := sub.Next(ctx)
		cancel()
		if err != nil {
			return
		}
		require.NoError(t, r.e.Handle(bg, ev))
		require.NoError(t, sub.Ack(bg, ev))
	}
}

// mails returns the outbox's messages, oldest first.
func (r *rig) mails(t *testing.T) []connectors.Message {
	t.Helper()
	es, err := r.out.List(bg, 0, 1000)
	require.NoError(t, err)
	var out []connectors.Message
	for _, e := range es {
		out = append(out, e.Message)
	}
	return out
}

// mailTo returns the messages to addr whose subject holds s.
func mailTo(ms []connectors.Message, addr, s string) []connectors.Message {
	var out []connectors.Message
	for _, m := range ms {
		for _, a := range append(m.To, m.Cc...) {
			if a.Addr == addr && strings.Contains(m.Subject, s) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// fields parses a task mail's blocks into one map per task.
func fields(text string) []map[string]string {
	var out []map[string]string
	for _, block := range strings.Split(strings.SplitN(text, "\n\n", 2)[0], "---\n") {
		m := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
			k, v, ok := strings.Cut(line, ": ")
			if ok {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

func (r *rig) get(t *testing.T, id uuid.UUID) *boarding.Order {
	t.Helper()
	o, err := r.e.Store.Get(bg, id)
	require.NoError(t, err)
	return o
}

func (r *rig) dispatch(t *testing.T) boarding.DispatchReport {
	t.Helper()
	rep, err := r.d.Dispatch(bg)
	require.NoError(t, err)
	return rep
}

func taskOf(o *boarding.Order, pred func(boarding.Task) bool) boarding.Task {
	for _, t := range o.Tasks {
		if pred(t) {
			return t
		}
	}
	return boarding.Task{}
}

func isSystem(s string) func(boarding.Task) bool {
	return func(t boarding.Task) bool { return t.Item.System == s }
}

func isEquipment(t boarding.Task) bool { return t.Item.IsEquipment() }

// personEvent is an event about the person, as the model makes them.
func personEvent(person uuid.UUID) om.Event {
	return om.Event{Seq: 1, Type: om.EventRegistered, Kind: om.KindEngagement, Owner: person, OwnerKind: om.KindPerson}
}
