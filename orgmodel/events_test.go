package orgmodel_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// drain reads every event available now.
func drain(t *testing.T, s *om.Subscription) []om.Event {
	t.Helper()
	var out []om.Event
	for {
		c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		e, err := s.Next(c)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return out
		}
		require.NoError(t, err)
		out = append(out, e)
	}
}

func TestApplyEmitsAnEventPerObjectWithItsOwner(t *testing.T) {
	f := newFixture(t)
	sub, err := f.m.Subscribe("adsync")
	require.NoError(t, err)
	assert.Len(t, drain(t, sub), 16, "the fixture's 16 objects")

	var cs om.ChangeSet
	cs.Update(f.engE, timeline.Since(d("2024-06-01")), om.EngagementPatch{JobFunction: new("Overlæge")})
	cs.Update(f.a1, timeline.Since(d("2024-06-01")), om.UnitPatch{Name: new("A1")})
	r := f.apply(t, &cs)
	evs := drain(t, sub)
	require.Len(t, evs, 2)
	assert.Equal(t, om.EventRegistered, evs[0].Type)
	assert.Equal(t, om.KindEngagement, evs[0].Kind)
	assert.Equal(t, f.engE, evs[0].ID)
	assert.Equal(t, f.emma, evs[0].Owner, "an engagement's owner is its person")
	assert.Equal(t, om.KindPerson, evs[0].OwnerKind)
	assert.Equal(t, r.Seq, evs[0].Registration)
	assert.Equal(t, f.a1, evs[1].Owner)
	assert.Greater(t, evs[1].Seq, evs[0].Seq)
}

func TestSubscriptionIsAtLeastOnceAcrossRestarts(t *testing.T) {
	store := om.NewMemStore()
	f := newFixtureOn(t, om.New(om.Options{Store: store}))
	sub, _ := f.m.Subscribe("mail")
	all := drain(t, sub)
	require.Len(t, all, 16)
	require.NoError(t, sub.Ack(ctx, all[9]))

	// A restart: a new model on the same store, a new subscription.
	m2, err := om.Open(ctx, om.Options{Store: store})
	require.NoError(t, err)
	sub2, _ := m2.Subscribe("mail")
	again := drain(t, sub2)
	require.Len(t, again, 6, "what was not acknowledged comes again")
	assert.Equal(t, all[10:], again)
	// An older acknowledgement never moves the cursor back.
	require.NoError(t, sub2.Ack(ctx, again[5]))
	require.NoError(t, sub2.Ack(ctx, all[0]))
	sub3, _ := m2.Subscribe("mail")
	assert.Empty(t, drain(t, sub3))
	// Another subscriber has its own cursor.
	other, _ := m2.Subscribe("reports")
	assert.Len(t, drain(t, other), 16)
}

func TestStartAtPresentSkipsHistoryOnce(t *testing.T) {
	store := om.NewMemStore()
	f := newFixtureOn(t, om.New(om.Options{Store: store}))
	sub, _ := f.m.Subscribe("mail")
	moved, err := sub.StartAtPresent(ctx)
	require.NoError(t, err)
	assert.True(t, moved)
	assert.Empty(t, drain(t, sub), "the fixture's history is skipped")
	var cs om.ChangeSet
	cs.Update(f.b, timeline.Since(jan2024), om.UnitPatch{Name: new("B")})
	f.apply(t, &cs)
	// After a restart the subscriber has a position: StartAtPresent
	// leaves it, and what came since is delivered.
	m2, err := om.Open(ctx, om.Options{Store: store})
	require.NoError(t, err)
	sub2, _ := m2.Subscribe("mail")
	moved, err = sub2.StartAtPresent(ctx)
	require.NoError(t, err)
	assert.False(t, moved)
	evs := drain(t, sub2)
	require.Len(t, evs, 1)
	assert.Equal(t, f.b, evs[0].ID)
	// On an empty model there is nothing to skip.
	empty, _ := om.New(om.Options{}).Subscribe("mail")
	moved, err = empty.StartAtPresent(ctx)
	require.NoError(t, err)
	assert.False(t, moved)
}

func TestNextWaitsForTheNextChange(t *testing.T) {
	f := newFixture(t)
	sub, _ := f.m.Subscribe("w")
	drain(t, sub)
	got := make(chan om.Event, 1)
	go func() {
		e, err := sub.Next(ctx)
		if err == nil {
			got <- e
		}
	}()
	var cs om.ChangeSet
	cs.Update(f.b, timeline.Since(jan2024), om.UnitPatch{Name: new("B")})
	f.apply(t, &cs)
	select {
	case e := <-got:
		assert.Equal(t, f.b, e.ID)
	case <-time.After(5 * time.Second):
		t.Fatal("Next did not wake on a new event")
	}
}

func TestSchedulerFiresWhenValiditiesStartChangeAndEnd(t *testing.T) {
	f := newFixture(t)
	sub, _ := f.m.Subscribe("s")
	drain(t, sub)
	z := f.m.Zone()
	// Registered on 2024-02-01: Emma leaves on 2024-03-01; a hire starts
	// 2024-02-15; A1 is renamed from 2024-02-20.
	var cs om.ChangeSet
	cs.Terminate(f.engE, d("2024-03-01"))
	hire := cs.Add("00099", timeline.Since(d("2024-02-15")), om.EngagementAttrs{Person: f.fre, Unit: f.a1, Fraction: 1})
	cs.Update(f.a1, timeline.Since(d("2024-02-20")), om.UnitPatch{Name: new("A1 ny")})
	f.apply(t, &cs)
	assert.Len(t, drain(t, sub), 3, "registration events")

	at := func(day string) time.Time { return z.Start(d(day)).Add(6 * time.Hour) }
	n, err := f.m.Tick(ctx, at("2024-02-01"))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing starts or ends on the first day")
	n, err = f.m.Tick(ctx, at("2024-02-14"))
	require.NoError(t, err)
	assert.Zero(t, n)
	// The scheduler was down from the 14th to the 25th: the days in
	// between are caught up.
	n, err = f.m.Tick(ctx, at("2024-02-25"))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	evs := drain(t, sub)
	require.Len(t, evs, 2)
	assert.Equal(t, om.EventStarted, evs[0].Type)
	assert.Equal(t, hire, evs[0].ID)
	assert.Equal(t, d("2024-02-15"), evs[0].Day)
	assert.Equal(t, f.fre, evs[0].Owner)
	assert.Equal(t, om.EventChanged, evs[1].Type)
	assert.Equal(t, f.a1, evs[1].ID)
	// Ticking the same day again fires nothing twice.
	n, _ = f.m.Tick(ctx, at("2024-02-25"))
	assert.Zero(t, n)
	// The termination fires on its day, not on the day it was registered.
	n, _ = f.m.Tick(ctx, at("2024-03-01"))
	assert.Equal(t, 1, n)
	evs = drain(t, sub)
	require.Len(t, evs, 1)
	assert.Equal(t, om.EventEnded, evs[0].Type)
	assert.Equal(t, f.engE, evs[0].ID)
	assert.Equal(t, f.emma, evs[0].Owner)
}

func TestSchedulerSurvivesARestart(t *testing.T) {
	store := om.NewMemStore()
	f := newFixtureOn(t, om.New(om.Options{Store: store}))
	var cs om.ChangeSet
	cs.Terminate(f.engE, d("2024-03-01"))
	f.apply(t, &cs)
	z := f.m.Zone()
	_, err := f.m.Tick(ctx, z.Start(d("2024-02-27")))
	require.NoError(t, err)
	m2, err := om.Open(ctx, om.Options{Store: store})
	require.NoError(t, err)
	n, err := m2.Tick(ctx, z.Start(d("2024-03-02")))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the restarted scheduler catches up from where it was")
}

// fakeClock is a clock whose time moves only when the test says. After
// tells the test, through waiting, that the scheduler has gone to sleep.
type fakeClock struct {
	mu      sync.Mutex
	cur     time.Time
	waiting chan time.Duration
	wake    chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.waiting <- d
	return c.wake
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	c.cur = t
	c.mu.Unlock()
	c.wake <- t
}

func TestRunSchedulerWithAFakeClock(t *testing.T) {
	f := newFixture(t)
	var cs om.ChangeSet
	cs.Terminate(f.engE, d("2024-03-01"))
	f.apply(t, &cs)
	sub, _ := f.m.Subscribe("run")
	drain(t, sub)
	z := f.m.Zone()
	clock := &fakeClock{cur: z.Start(d("2024-02-29")).Add(23 * time.Hour), waiting: make(chan time.Duration), wake: make(chan time.Time)}
	c, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.m.RunScheduler(c, clock, nil) }()
	// The scheduler ticks the 29th and sleeps until midnight, an hour on.
	assert.Equal(t, time.Hour, <-clock.waiting)
	clock.set(z.Start(d("2024-03-01")).Add(time.Second))
	e, err := sub.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, om.EventEnded, e.Type)
	assert.Equal(t, f.engE, e.ID)
	<-clock.waiting
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

func TestRegistrationsAndAsOf(t *testing.T) {
	f := newFixture(t)
	first := f.m.Latest()
	t1 := f.clock
	var cs om.ChangeSet
	cs.Update(f.a1, timeline.Since(jan2024), om.UnitPatch{Name: new("Renamed")})
	r2 := om.Registration{Time: t1.Add(time.Hour), Actor: "hr@kommune.dk", Note: "typo"}
	r2, err := f.m.Apply(ctx, &cs, r2)
	require.NoError(t, err)
	f.clock = r2.Time
	assert.Equal(t, uint64(2), r2.Seq)

	now := f.m.Latest().At(d("2024-06-01"))
	old := first.At(d("2024-06-01"))
	u, _ := now.Unit(f.a1)
	assert.Equal(t, "Renamed", u.Name)
	u, _ = old.Unit(f.a1)
	assert.Equal(t, "Afdeling A1", u.Name, "a view pinned to registration 1 keeps what was known then")
	u, _ = f.m.AsOfTime(t1.Add(30 * time.Minute)).At(d("2024-06-01")).Unit(f.a1)
	assert.Equal(t, "Afdeling A1", u.Name)
	u, _ = f.m.AsOfTime(t1.Add(2 * time.Hour)).At(d("2024-06-01")).Unit(f.a1)
	assert.Equal(t, "Renamed", u.Name)
	_, ok := f.m.AsOf(0).At(d("2024-06-01")).Unit(f.a1)
	assert.False(t, ok, "before the first registration nothing was known")

	h := f.m.History(f.a1)
	require.Len(t, h, 2)
	assert.Equal(t, "test", h[0].Registration.Actor)
	assert.Equal(t, "hr@kommune.dk", h[1].Registration.Actor)
	assert.Equal(t, "typo", h[1].Registration.Note)
	regs := f.m.Registrations(1)
	require.Len(t, regs, 2)

	// Deletion is visible in history and absent from the latest view.
	cs = om.ChangeSet{}
	cs.Delete(f.mgrA2)
	f.apply(t, &cs)
	_, ok = f.m.Latest().Object(f.mgrA2)
	assert.False(t, ok)
	_, ok = first.Object(f.mgrA2)
	assert.True(t, ok)
	assert.True(t, f.m.History(f.mgrA2)[1].Deleted)
}

// failingStore fails every commit after the first n.
type failingStore struct {
	*om.MemStore
	left int
}

func (s *failingStore) Commit(c context.Context, cm om.Commit) error {
	if s.left == 0 {
		return errors.New("disk full")
	}
	s.left--
	return s.MemStore.Commit(c, cm)
}

func TestAStoreFailureChangesNothing(t *testing.T) {
	store := &failingStore{MemStore: om.NewMemStore(), left: 1}
	f := newFixtureOn(t, om.New(om.Options{Store: store}))
	var cs om.ChangeSet
	cs.Update(f.a1, timeline.Since(jan2024), om.UnitPatch{Name: new("Lost")})
	_, err := f.m.Apply(ctx, &cs, f.reg("x"))
	assert.ErrorContains(t, err, "disk full")
	u, _ := f.at("2024-06-01").Unit(f.a1)
	assert.Equal(t, "Afdeling A1", u.Name)
	assert.Len(t, f.m.Registrations(1), 1)
	store.left = 1
	_, err = f.m.Apply(ctx, &cs, f.reg("x"))
	require.NoError(t, err, "the model goes on after the store recovers")
	assert.Equal(t, uint64(2), f.m.Latest().Registration().Seq)
}

func TestOpenRebuildsTheModel(t *testing.T) {
	store := om.NewMemStore()
	f := newFixtureOn(t, om.New(om.Options{Store: store}))
	var cs om.ChangeSet
	cs.Update(f.a2, timeline.Since(d("2024-09-01")), om.UnitPatch{Parent: new(f.b)})
	f.apply(t, &cs)
	m2, err := om.Open(ctx, om.Options{Store: store})
	require.NoError(t, err)
	for _, day := range []string{"2024-06-01", "2024-09-01"} {
		a := f.m.Latest().At(d(day))
		b := m2.Latest().At(d(day))
		assert.Equal(t, a.Subtree(f.kommune), b.Subtree(f.kommune), day)
		assert.Equal(t, a.PersonManagers(f.fre), b.PersonManagers(f.fre), day)
	}
	assert.Equal(t, f.m.Registrations(1), m2.Registrations(1))
	assert.Equal(t, f.m.History(f.a2), m2.History(f.a2))
	require.NoError(t, m2.Close())
	_, err = om.Open(ctx, om.Options{Store: store})
	assert.ErrorIs(t, err, om.ErrClosed)
}
