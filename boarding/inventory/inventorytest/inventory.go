package inventorytest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The tests of an inventory.Inventory on the store: hand-outs, returns
// and the report, as the boarding engine uses them.

func testHandOut(t *testing.T, s inventory.Store) {
	now := t0
	inv := &inventory.Inventory{Store: s, Now: func() time.Time { return now }}
	person, unit, order := uuid.New(), uuid.New(), uuid.New()
	_, err := inv.HandOut(bg, "pc", person, unit, order, timeline.Open, "boarding")
	var nr *inventory.NoneReadyError
	require.ErrorAs(t, err, &nr, "an empty stock")
	assert.Equal(t, "pc", nr.Kind)
	assert.ErrorIs(t, err, inventory.ErrNoneReady)

	for _, sn := range []string{"SN-3", "SN-1", "SN-2"} {
		a, log := Asset("pc", sn)
		require.NoError(t, s.Add(bg, a, log))
	}
	pending, err := inv.Register(bg, "pc", "SN-0", "it", "")
	require.NoError(t, err)
	due := timeline.MustDate(2027, 12, 31)
	got, err := inv.HandOut(bg, "pc", person, unit, order, due, "boarding")
	require.NoError(t, err)
	assert.Equal(t, "SN-1", got.Serial, "the lowest ready serial; pending SN-0 is not ready")
	assert.Equal(t, inventory.Deployed, got.Status)
	assert.Equal(t, person, got.Holder)
	assert.Equal(t, unit, got.Unit)
	assert.Equal(t, order, got.Order)
	assert.Equal(t, due, got.ExpectedReturn)
	assert.True(t, t0.Equal(got.HandedOut))
	stored, err := s.Get(bg, got.ID)
	require.NoError(t, err)
	assertAsset(t, got, stored)

	_, err = inv.HandOut(bg, "phone", person, unit, order, due, "boarding")
	require.ErrorAs(t, err, &nr, "another kind is out of stock")
	assert.Equal(t, "phone", nr.Kind)

	next, err := inv.HandOut(bg, "pc", person, unit, uuid.Nil, timeline.Open, "boarding")
	require.NoError(t, err)
	assert.Equal(t, "SN-2", next.Serial)
	held, err := inv.Outstanding(bg, person)
	require.NoError(t, err)
	require.Len(t, held, 2)

	now = t0.Add(24 * time.Hour)
	back, err := inv.Return(bg, got.ID, "it", "retur ved fratræden")
	require.NoError(t, err)
	assert.Equal(t, inventory.Ready, back.Status)
	assert.Equal(t, uuid.Nil, back.Holder)
	_, err = inv.Return(bg, got.ID, "it", "")
	var te *inventory.TransitionError
	require.ErrorAs(t, err, &te, "a return of a ready asset")
	assert.Equal(t, inventory.Ready, te.From)

	h, err := s.History(bg, got.ID)
	require.NoError(t, err)
	require.Len(t, h, 4, "add, prepare, hand-out, return")
	assert.Equal(t, inventory.Entry{Asset: got.ID, At: now, By: "it", Action: inventory.Return, From: inventory.Deployed, To: inventory.Ready,
		Holder: person, Order: order, Note: "retur ved fratræden"}, utc(h[3]))
	ph, err := s.History(bg, pending.ID)
	require.NoError(t, err)
	assert.Equal(t, []inventory.Entry{{Asset: pending.ID, At: t0, By: "it", Action: inventory.Add, To: inventory.Pending}}, []inventory.Entry{utc(ph[0])})
}

func testHandOutRace(t *testing.T, s inventory.Store) {
	inv := &inventory.Inventory{Store: s}
	for _, sn := range []string{"SN-1", "SN-2", "SN-3"} {
		a, log := Asset("pc", sn)
		require.NoError(t, s.Add(bg, a, log))
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	got := make([]*inventory.Asset, 8)
	errs := make([]error, 8)
	people := make([]uuid.UUID, 8)
	for i := range people {
		people[i] = uuid.New()
		wg.Go(func() {
			<-start
			got[i], errs[i] = inv.HandOut(bg, "pc", people[i], uuid.New(), uuid.Nil, timeline.Open, "boarding")
		})
	}
	close(start)
	wg.Wait()
	seen := map[uuid.UUID]uuid.UUID{}
	for i, err := range errs {
		if errors.Is(err, inventory.ErrNoneReady) {
			continue
		}
		require.NoError(t, err)
		require.NotContains(t, seen, got[i].ID, "an asset handed out twice")
		seen[got[i].ID] = people[i]
	}
	assert.Len(t, seen, 3, "every asset to one person, and no more hand-outs than assets")
	for id, person := range seen {
		a, err := s.Get(bg, id)
		require.NoError(t, err)
		assert.Equal(t, person, a.Holder, "the store agrees with the winner")
		h, err := s.History(bg, id)
		require.NoError(t, err)
		assert.Len(t, h, 3, "one hand-out written")
	}
}

func testReturnAll(t *testing.T, s inventory.Store) {
	inv := &inventory.Inventory{Store: s, Now: func() time.Time { return t0 }}
	leaver, other := uuid.New(), uuid.New()
	for _, k := range []string{"pc", "phone", "card", "pc"} {
		a, log := Asset(k, "SN-"+uuid.NewString())
		require.NoError(t, s.Add(bg, a, log))
	}
	for _, k := range []string{"pc", "phone", "card"} {
		_, err := inv.HandOut(bg, k, leaver, uuid.New(), uuid.Nil, timeline.Open, "boarding")
		require.NoError(t, err)
	}
	kept, err := inv.HandOut(bg, "pc", other, uuid.New(), uuid.Nil, timeline.Open, "boarding")
	require.NoError(t, err)
	back, err := inv.ReturnAll(bg, leaver, "boarding", "fratræden")
	require.NoError(t, err)
	assert.Len(t, back, 3)
	held, err := inv.Outstanding(bg, leaver)
	require.NoError(t, err)
	assert.Empty(t, held, "nothing outstanding")
	again, err := inv.ReturnAll(bg, leaver, "boarding", "fratræden")
	require.NoError(t, err)
	assert.Empty(t, again, "a second offboarding returns nothing")
	still, err := s.Get(bg, kept.ID)
	require.NoError(t, err)
	assert.Equal(t, other, still.Holder, "another person's asset is left alone")
}

func testReport(t *testing.T, s inventory.Store) {
	inv := &inventory.Inventory{Store: s, Now: func() time.Time { return t0 }}
	u1, u2 := uuid.MustParse("10000000-0000-0000-0000-000000000000"), uuid.MustParse("20000000-0000-0000-0000-000000000000")
	for _, sn := range []string{"A", "B", "C", "D", "E"} {
		a, log := Asset("pc", sn)
		require.NoError(t, s.Add(bg, a, log))
	}
	day := timeline.MustDate(2027, 3, 1)
	hand := func(unit uuid.UUID, due timeline.Date) {
		_, err := inv.HandOut(bg, "pc", uuid.New(), unit, uuid.Nil, due, "boarding")
		require.NoError(t, err)
	}
	hand(u2, timeline.Open)   // A
	hand(u2, day.AddDays(-3)) // B, overdue by 3
	hand(u1, day)             // C, due today: not overdue
	hand(u1, day.AddDays(-1)) // D, overdue by 1
	r, err := inventory.OutstandingByUnit(bg, s, day)
	require.NoError(t, err)
	require.Len(t, r.Units, 2)
	assert.Equal(t, u1, r.Units[0].Unit)
	assert.Equal(t, u2, r.Units[1].Unit)
	serials := func(u inventory.UnitReport) (out []string) {
		for _, l := range u.Lines {
			out = append(out, fmt.Sprintf("%s overdue=%v %d", l.Asset.Serial, l.Overdue, l.DaysOverdue))
		}
		return out
	}
	assert.Equal(t, []string{"D overdue=true 1", "C overdue=false 0"}, serials(r.Units[0]))
	assert.Equal(t, []string{"B overdue=true 3", "A overdue=false 0"}, serials(r.Units[1]))
	assert.Equal(t, 1, r.Units[0].Overdue)
	assert.Equal(t, 1, r.Units[1].Overdue)
}
