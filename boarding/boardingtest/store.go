package boardingtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var bg = context.Background()

// t0 is a time the stores keep to the microsecond.
var t0 = time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)

// Order returns a parked onboarding order for a pending hire, with two
// prerequisites (one held) and two tasks, and its making's audit.
func Order(key string) (*boarding.Order, []boarding.AuditEntry) {
	o := &boarding.Order{
		ID: uuid.New(), Key: key, Kind: boarding.Onboard, Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted", EmploymentNumber: "42"},
		Unit: uuid.New(), Roles: []string{"laerer", "basis"}, Start: timeline.MustDate(2027, 3, 1), Reason: "ny lærer",
		OrderedBy: "stedfortraeder@sjolund.dk", OnBehalfOf: "soeren@sjolund.dk", State: boarding.Parked,
		Prerequisites: []boarding.Prerequisite{
			{Kind: boarding.ContractSigned, Satisfied: t0, By: "hr@sjolund.dk", Evidence: "kontrakt 2027-117"},
			{Kind: boarding.AccountSeen},
		},
		Tasks: []boarding.Task{
			{ID: uuid.New(), Item: boarding.Item{System: "aula", Resource: "laerer"}, Action: boarding.Grant, State: boarding.Pending},
			{ID: uuid.New(), Item: boarding.Item{Equipment: "pc", Quantity: 2}, Action: boarding.Deliver, State: boarding.Pending},
		},
		Created: t0, Updated: t0, Expires: t0.AddDate(0, 3, 0), Version: 3,
	}
	log := []boarding.AuditEntry{
		{Order: o.ID, At: t0, Actor: "stedfortraeder@sjolund.dk", ActingFor: "soeren@sjolund.dk", Event: "submit", From: "draft", To: "submitted"},
		{Order: o.ID, At: t0, Actor: "soeren@sjolund.dk", Event: "attest", From: "awaiting-attest", To: "parked"},
	}
	return o, log
}

// TestStore runs the suite on the stores open makes, one per test.
func TestStore(t *testing.T, open func(t *testing.T) boarding.Store) {
	t.Run("an order comes back as stored", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("one order per key", func(t *testing.T) { testDuplicateKey(t, open(t)) })
	t.Run("updates are optimistic", func(t *testing.T) { testUpdate(t, open(t)) })
	t.Run("two writers, one wins", func(t *testing.T) { testRace(t, open(t)) })
	t.Run("queries", func(t *testing.T) { testList(t, open(t)) })
	t.Run("unknown orders", func(t *testing.T) { testUnknown(t, open(t)) })
	t.Run("bad orders are refused", func(t *testing.T) { testBad(t, open(t)) })
}

func testRoundTrip(t *testing.T, s boarding.Store) {
	o, log := Order("k1")
	require.NoError(t, s.Create(bg, o, log))
	got, err := s.Get(bg, o.ID)
	require.NoError(t, err)
	assertOrder(t, o, got)
	got.Tasks[0].State = boarding.Done
	again, err := s.Get(bg, o.ID)
	require.NoError(t, err)
	assert.Equal(t, boarding.Pending, again.Tasks[0].State, "what Get returns is a copy")
	gotLog, err := s.Audit(bg, o.ID)
	require.NoError(t, err)
	assertLog(t, log, gotLog)
}

func testDuplicateKey(t *testing.T, s boarding.Store) {
	o, log := Order("same")
	require.NoError(t, s.Create(bg, o, log))
	twice, _ := Order("same")
	err := s.Create(bg, twice, nil)
	var de *boarding.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, o.ID, de.Existing, "the error names the order placed")
	all, err := s.List(bg, boarding.Query{})
	require.NoError(t, err)
	assert.Len(t, all, 1, "one order")
	_, err = s.Get(bg, twice.ID)
	assert.ErrorIs(t, err, boarding.ErrNotFound)
}

func testUpdate(t *testing.T, s boarding.Store) {
	o, log := Order("k1")
	require.NoError(t, s.Create(bg, o, log))
	cur, err := s.Get(bg, o.ID)
	require.NoError(t, err)
	prev := cur.Version
	entries, err := cur.Satisfy(boarding.AccountSeen, t0.Add(time.Hour), boarding.Actor{Name: "adsync read-back"}, "aaor")
	require.NoError(t, err)
	more, err := cur.Do(boarding.Activate, t0.Add(time.Hour), boarding.Actor{Name: "boarding"}, "")
	require.NoError(t, err)
	entries = append(entries, more...)
	require.NoError(t, s.Update(bg, cur, prev, entries))
	got, err := s.Get(bg, o.ID)
	require.NoError(t, err)
	assertOrder(t, cur, got)
	assert.Equal(t, boarding.Active, got.State)

	stale := o.Clone() // as first read: an old version
	stale.Reason = "overskrevet"
	err = s.Update(bg, stale, o.Version, []boarding.AuditEntry{{Order: o.ID, At: t0, Actor: "x", Event: "stale"}})
	require.ErrorIs(t, err, boarding.ErrConflict)
	got, _ = s.Get(bg, o.ID)
	assert.Equal(t, "ny lærer", got.Reason, "a stale update stores nothing")
	gotLog, _ := s.Audit(bg, o.ID)
	assertLog(t, append(log, entries...), gotLog)
}

func testRace(t *testing.T, s boarding.Store) {
	o, log := Order("k1")
	require.NoError(t, s.Create(bg, o, log))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			cur, err := s.Get(bg, o.ID)
			if err != nil {
				errs[i] = err
				return
			}
			prev := cur.Version
			cur.Version++
			cur.Reason = "skriver " + string(rune('A'+i))
			errs[i] = s.Update(bg, cur, prev, []boarding.AuditEntry{{Order: o.ID, At: t0, Actor: "w", Event: "edit"}})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, boarding.ErrConflict):
			t.Fatalf("a writer failed with %v, want nil or ErrConflict", err)
		}
	}
	assert.GreaterOrEqual(t, won, 1)
	got, err := s.Get(bg, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o.Version+won, got.Version, "each win moved the version once: no lost update")
	gotLog, _ := s.Audit(bg, o.ID)
	assert.Len(t, gotLog, len(log)+won, "only the winners' entries")
}

func testList(t *testing.T, s boarding.Store) {
	person, unit := uuid.New(), uuid.New()
	var ids []uuid.UUID
	for i, st := range []boarding.OrderState{boarding.Parked, boarding.Active, boarding.Fulfilled, boarding.Parked} {
		o, log := Order("k" + string(rune('a'+i)))
		o.State = st
		o.Created = t0.Add(time.Duration(i) * time.Minute)
		if i%2 == 0 {
			o.Person = person
		}
		if i == 3 {
			o.Unit, o.Kind = unit, boarding.Offboard
		}
		if st == boarding.Fulfilled {
			o.Told = []string{"welcome", "fulfilled"} // its notices are out: nothing due
		}
		require.NoError(t, s.Create(bg, o, log))
		ids = append(ids, o.ID)
	}
	pick := func(q boarding.Query) []uuid.UUID {
		os, err := s.List(bg, q)
		require.NoError(t, err)
		var out []uuid.UUID
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	assert.Equal(t, ids, pick(boarding.Query{}), "oldest first")
	assert.Equal(t, []uuid.UUID{ids[0], ids[1], ids[3]}, pick(boarding.Query{Open: true}))
	assert.Equal(t, []uuid.UUID{ids[0], ids[3]}, pick(boarding.Query{States: []boarding.OrderState{boarding.Parked}}))
	assert.Equal(t, []uuid.UUID{ids[0], ids[2]}, pick(boarding.Query{Person: person}))
	assert.Equal(t, []uuid.UUID{ids[3]}, pick(boarding.Query{Unit: unit}))
	assert.Equal(t, []uuid.UUID{ids[3]}, pick(boarding.Query{Kind: boarding.Offboard}))
	assert.Equal(t, ids[:2], pick(boarding.Query{Limit: 2}))
	assert.Empty(t, pick(boarding.Query{Person: uuid.New()}))
	assert.Equal(t, []uuid.UUID{ids[1], ids[3]}, pick(boarding.Query{Unmatched: true}), "the pending hires")
	assert.Equal(t, []uuid.UUID{ids[2]}, pick(boarding.Query{Key: "kc"}))
	assert.Empty(t, pick(boarding.Query{Key: "k"}), "a key is matched whole")
	assert.Equal(t, []uuid.UUID{ids[1]}, pick(boarding.Query{Due: true}), "the active order's welcome is not yet queued")

	active, err := s.Get(bg, ids[1])
	require.NoError(t, err)
	prev := active.Version
	active.Told, active.Version = []string{"welcome"}, prev+1
	require.NoError(t, s.Update(bg, active, prev, nil))
	assert.Empty(t, pick(boarding.Query{Due: true}), "an update that queues the last notice leaves nothing due")
}

func testUnknown(t *testing.T, s boarding.Store) {
	_, err := s.Get(bg, uuid.New())
	assert.ErrorIs(t, err, boarding.ErrNotFound)
	_, err = s.Audit(bg, uuid.New())
	assert.ErrorIs(t, err, boarding.ErrNotFound)
	o, _ := Order("k")
	assert.ErrorIs(t, s.Update(bg, o, o.Version, nil), boarding.ErrNotFound)
}

func testBad(t *testing.T, s boarding.Store) {
	for name, mod := range map[string]func(o *boarding.Order){
		"no id":    func(o *boarding.Order) { o.ID = uuid.Nil },
		"no key":   func(o *boarding.Order) { o.Key = "" },
		"bad kind": func(o *boarding.Order) { o.Kind = "hire" },
		"no state": func(o *boarding.Order) { o.State = "" },
	} {
		o, log := Order("k-" + name)
		mod(o)
		assert.Error(t, s.Create(bg, o, log), name)
	}
	all, err := s.List(bg, boarding.Query{})
	require.NoError(t, err)
	assert.Empty(t, all, "nothing stored")
}

// assertOrder compares orders, times by instant.
func assertOrder(t *testing.T, want, got *boarding.Order) {
	t.Helper()
	w, g := want.Clone(), got.Clone()
	for _, o := range []*boarding.Order{w, g} {
		o.Created, o.Updated, o.Expires = o.Created.UTC(), o.Updated.UTC(), o.Expires.UTC()
		for i := range o.Prerequisites {
			o.Prerequisites[i].Satisfied = o.Prerequisites[i].Satisfied.UTC()
		}
		for i := range o.Tasks {
			o.Tasks[i].Closed = o.Tasks[i].Closed.UTC()
		}
	}
	assert.Equal(t, w, g)
}

func assertLog(t *testing.T, want, got []boarding.AuditEntry) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		w.At, g.At = w.At.UTC(), g.At.UTC()
		assert.Equal(t, w, g, "entry %d", i)
	}
}
