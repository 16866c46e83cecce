package boarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/catalogue"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const testCatalogue = `
systems:
  - id: ad
    name: Active Directory
    kind: integrated
    connector: ad-groups
    resources:
      - {key: laerere, name: Lærere, group: "CN=Lærere,OU=Grupper,DC=sjolund,DC=dk"}
  - id: aula
    name: Aula
    kind: manual
    administrators: [aula-admin@sjolund.dk]
    resources:
      - {key: laerer, name: Lærer}
equipment:
  - {id: pc, name: Bærbar pc}
job_roles:
  - id: laerer
    name: Lærer
    items:
      - {system: ad, resource: laerere}
      - {system: aula, resource: laerer}
      - {equipment: pc}
  - id: vikar
    name: Vikar
    requires_reason: true
    items:
      - {system: aula, resource: laerer}
`

func engine(t *testing.T, w *world) *boarding.Engine {
	t.Helper()
	return engineWith(t, w, testCatalogue)
}

// engineWith is engine with another catalogue.
func engineWith(t *testing.T, w *world, cat string) *boarding.Engine {
	t.Helper()
	c, err := catalogue.Parse("test.yaml", []byte(cat))
	require.NoError(t, err)
	return &boarding.Engine{Model: w.m, Catalogue: c, Store: boarding.NewMemStore(), Now: func() time.Time { return w.now },
		Rights: &boarding.Rights{HR: []string{"hr@sjolund.dk"}, Delegates: []boarding.Delegation{
			{Delegate: "vikar@sjolund.dk", Manager: "soeren@sjolund.dk", From: timeline.MustDate(2027, 1, 1)}}}}
}

func TestPlacingAnOrderForAComingEmployee(t *testing.T) {
	w := newWorld(t)
	e := engine(t, w)
	req := boarding.Request{Key: "form-1", Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted"}, Unit: w.school,
		Roles: []string{"laerer"}, Start: timeline.MustDate(2027, 3, 1)}
	o, err := e.Place(bg, "soeren@sjolund.dk", req)
	require.NoError(t, err)
	assert.Equal(t, boarding.Parked, o.State)
	require.Len(t, o.Tasks, 3)
	var integrated int
	for _, task := range o.Tasks {
		if task.Integrated {
			integrated++
		}
	}
	assert.Equal(t, 1, integrated, "the AD group is a connector's; Aula and the pc are people's")

	again, err := e.Place(bg, "soeren@sjolund.dk", req)
	require.NoError(t, err)
	assert.Equal(t, o.ID, again.ID, "one idempotency key, one order")
	all, _ := e.Store.List(bg, boarding.Query{})
	assert.Len(t, all, 1)

	d, err := e.Place(bg, "vikar@sjolund.dk", boarding.Request{Key: "form-2", Pending: req.Pending, Unit: w.school, Roles: []string{"laerer"}, Start: req.Start})
	require.NoError(t, err)
	assert.Equal(t, boarding.AwaitingAttest, d.State, "a delegate's order waits for the manager")
	assert.Equal(t, "soeren@sjolund.dk", d.OnBehalfOf)
}

func TestBadOrdersStoreNothing(t *testing.T) {
	w := newWorld(t)
	e := engine(t, w)
	pending := &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted"}
	start := timeline.MustDate(2027, 3, 1)
	for name, c := range map[string]struct {
		by  string
		req boarding.Request
	}{
		"outside the orderer's units": {"soeren@sjolund.dk", boarding.Request{Key: "a", Pending: pending, Unit: w.care, Roles: []string{"laerer"}, Start: start}},
		"an unknown role":             {"soeren@sjolund.dk", boarding.Request{Key: "b", Pending: pending, Unit: w.school, Roles: []string{"rektor"}, Start: start}},
		"a role without its reason":   {"soeren@sjolund.dk", boarding.Request{Key: "c", Pending: pending, Unit: w.school, Roles: []string{"vikar"}, Start: start}},
		"nobody":                      {"soeren@sjolund.dk", boarding.Request{Key: "d", Unit: w.school, Roles: []string{"laerer"}, Start: start}},
		"no first day":                {"soeren@sjolund.dk", boarding.Request{Key: "e", Pending: pending, Unit: w.school, Roles: []string{"laerer"}}},
		"no key":                      {"soeren@sjolund.dk", boarding.Request{Pending: pending, Unit: w.school, Roles: []string{"laerer"}, Start: start}},
		"an unknown person":           {"soeren@sjolund.dk", boarding.Request{Key: "f", Person: uuid.New(), Unit: w.school, Roles: []string{"laerer"}, Start: start}},
	} {
		_, err := e.Place(bg, c.by, c.req)
		var pe *boarding.PermissionError
		var re *boarding.RequestError
		assert.True(t, assert.Error(t, err, name) && (errorsAs(err, &pe) || errorsAs(err, &re)), "%s: %v", name, err)
	}
	all, _ := e.Store.List(bg, boarding.Query{})
	assert.Empty(t, all)
}

// TestTheOrderActivatesWhenPayrollAndTheDirectoryHaveThePerson: the
// contract is signed by HR, payroll registers the person, read-back links
// the account; only then does the order activate.
func TestTheOrderActivatesWhenPayrollAndTheDirectoryHaveThePerson(t *testing.T) {
	w := newWorld(t)
	e := engine(t, w)
	o, err := e.Place(bg, "soeren@sjolund.dk", boarding.Request{Key: "k", Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted"},
		Unit: w.school, Roles: []string{"laerer"}, Start: timeline.MustDate(2027, 3, 1)})
	require.NoError(t, err)
	_, err = o.Satisfy(boarding.ContractSigned, w.now, boarding.Actor{Name: "hr@sjolund.dk"}, "kontrakt")
	require.NoError(t, err)
	assert.Equal(t, boarding.Parked, o.State)

	var cs om.ChangeSet
	always := timeline.Since(timeline.MustParseDate("1990-01-01"))
	p := cs.Add("aase", always, om.PersonAttrs{GivenNames: "Åse", Surname: "Ørsted"})
	cs.Add("42", timeline.Since(timeline.MustDate(2027, 3, 1)), om.EngagementAttrs{Person: p, Unit: w.school, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	w.apply(t, &cs)
	o2 := o.Clone()
	boarding.Observe(e, o2)
	assert.Equal(t, p, o2.Person, "the pending hire is matched to payroll's person")
	assert.Equal(t, boarding.Parked, o2.State, "the account is not seen yet")

	var acc om.ChangeSet
	acc.Add("aaor", timeline.Since(timeline.MustDate(2027, 2, 15)), om.AccountAttrs{System: "Active Directory", Username: "aaor", Person: p})
	w.apply(t, &acc)
	log := boarding.Observe(e, o2)
	assert.Equal(t, boarding.Active, o2.State)
	var kinds []string
	for _, l := range log {
		kinds = append(kinds, l.Event+":"+l.To)
	}
	assert.Contains(t, kinds, "prerequisite:account-seen")
	assert.Contains(t, kinds, "activate:active")
}
