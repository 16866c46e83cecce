package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Fixture is a fresh, empty store for one test.
type Fixture struct {
	// Store is the store under test.
	Store om.Store
	// Reopen closes Store and opens what it holds again, as a restarted
	// host would; nil for a store that does not outlive its value.
	Reopen func(t *testing.T) om.Store
}

// TestStore runs the conformance suite against the stores open makes.
func TestStore(t *testing.T, open func(t *testing.T) Fixture) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("Events", func(t *testing.T) { testEvents(t, open(t)) })
	t.Run("Cursors", func(t *testing.T) { testCursors(t, open(t)) })
	t.Run("EndedContext", func(t *testing.T) { testEndedContext(t, open(t)) })
	t.Run("ConcurrentReaders", func(t *testing.T) { testConcurrentReaders(t, open(t)) })
	t.Run("Model", func(t *testing.T) { testModel(t, open(t)) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, open(t)) })
}

func bg() context.Context { return context.Background() }

// loadAll returns every commit Load gives.
func loadAll(t *testing.T, s om.Store) []om.Commit {
	t.Helper()
	var got []om.Commit
	if err := s.Load(bg(), func(c om.Commit) error { got = append(got, c); return nil }); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return got
}

func commitAll(t *testing.T, s om.Store, cs []om.Commit) {
	t.Helper()
	for i, c := range cs {
		if err := s.Commit(bg(), c); err != nil {
			t.Fatalf("Commit %d: %v", i, err)
		}
	}
}

// reopen reopens f's store, or returns nil if it cannot.
func reopen(t *testing.T, f *Fixture, what string) om.Store {
	t.Helper()
	if f.Reopen == nil {
		t.Logf("%s: the store has no Reopen; left out", what)
		return nil
	}
	f.Store = f.Reopen(t)
	return f.Store
}

func testRoundTrip(t *testing.T, f Fixture) {
	defer func() { f.Store.Close() }()
	want := richCommits(0, 0)
	commitAll(t, f.Store, want)
	if d := diffCommits(loadAll(t, f.Store), want); d != "" {
		t.Fatalf("Load after Commit: %s", d)
	}
	// The caller may reuse its slices: the store must have copied them.
	want[0].Versions[0].Object.UserKey = "changed by the caller"
	fresh := richCommits(0, 0)
	if got := loadAll(t, f.Store); got[0].Versions[0].Object.UserKey != fresh[0].Versions[0].Object.UserKey {
		t.Fatalf("the store aliases the caller's versions: %q", got[0].Versions[0].Object.UserKey)
	}
	want = richCommits(0, 0)
	for i := range want {
		// Ids are random: keep the committed ones.
		want[i] = loadAll(t, f.Store)[i]
	}
	if s := reopen(t, &f, "round trip after reopen"); s != nil {
		if d := diffCommits(loadAll(t, s), want); d != "" {
			t.Fatalf("Load after reopen: %s", d)
		}
		checkStateLoader(t, s, want)
	}
	checkStateLoader(t, f.Store, want)
	// A Load that fails stops at once and returns fn's error.
	stop := errors.New("stop")
	n := 0
	err := f.Store.Load(bg(), func(om.Commit) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Load with a failing fn: %v after %d calls, want stop after 1", err, n)
	}
}

// checkStateLoader checks that a StateLoader gives the registrations
// Load does, and the position after the last commit.
func checkStateLoader(t *testing.T, s om.Store, want []om.Commit) {
	t.Helper()
	sl, ok := s.(om.StateLoader)
	if !ok {
		return
	}
	var got, regs []om.Commit
	var lastEvent uint64
	var sched timeline.Date
	for _, c := range want {
		if c.Registration != nil {
			c.Events = nil
			regs = append(regs, c)
		}
		if n := len(c.Events); n > 0 {
			lastEvent = c.Events[n-1].Seq
		}
		for _, e := range c.Events {
			lastEvent = max(lastEvent, e.Seq)
		}
		sched = max(sched, c.Scheduled)
	}
	last, sc, err := sl.LoadState(bg(), func(c om.Commit) error { c.Events = nil; got = append(got, c); return nil })
	if err != nil {
		t.Fatalf("LoadState: %v", err)
	}
	if d := diffCommits(got, regs); d != "" {
		t.Fatalf("LoadState: %s", d)
	}
	if last != lastEvent || sc != sched {
		t.Fatalf("LoadState position: event %d, scheduled %v; want %d, %v", last, sc, lastEvent, sched)
	}
}

func testEvents(t *testing.T, f Fixture) {
	defer func() { f.Store.Close() }()
	cs := richCommits(0, 0)
	commitAll(t, f.Store, cs)
	var all []om.Event
	for _, c := range cs {
		all = append(all, c.Events...)
	}
	check := func(s om.Store, when string) {
		for after := uint64(0); after <= uint64(len(all))+1; after++ {
			for _, limit := range []int{0, 1, 2, 5, 1000} {
				got, err := s.Events(bg(), after, limit)
				if err != nil {
					t.Fatalf("%s: Events(%d, %d): %v", when, after, limit, err)
				}
				lo := min(int(after), len(all))
				want := all[lo:min(len(all), lo+limit)]
				if len(got) == 0 && len(want) == 0 {
					continue
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s: Events(%d, %d) = %v, want %v", when, after, limit, got, want)
				}
			}
		}
	}
	check(f.Store, "after commit")
	if s := reopen(t, &f, "events after reopen"); s != nil {
		check(s, "after reopen")
	}
}

func testCursors(t *testing.T, f Fixture) {
	defer func() { f.Store.Close() }()
	s := f.Store
	for _, step := range []struct {
		name string
		set  uint64
		want uint64
	}{{"adsync", 5, 5}, {"adsync", 3, 5}, {"adsync", 9, 9}, {"mail " + hostileText, 2, 2}, {"adsync", 0, 9}} {
		if err := s.SetCursor(bg(), step.name, step.set); err != nil {
			t.Fatalf("SetCursor(%q, %d): %v", step.name, step.set, err)
		}
		if got, err := s.Cursor(bg(), step.name); err != nil || got != step.want {
			t.Fatalf("Cursor(%q) after SetCursor(%d) = %d, %v; want %d", step.name, step.set, got, err, step.want)
		}
	}
	if got, err := s.Cursor(bg(), "nobody"); err != nil || got != 0 {
		t.Fatalf("Cursor of an unknown subscriber = %d, %v; want 0", got, err)
	}
	// Acknowledgements racing each other: the largest wins.
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if err := s.SetCursor(bg(), "race", uint64(100+i)); err != nil {
				t.Errorf("SetCursor: %v", err)
			}
		})
	}
	wg.Wait()
	if got, _ := s.Cursor(bg(), "race"); got != 149 {
		t.Fatalf("Cursor after racing acknowledgements = %d, want 149", got)
	}
	if s := reopen(t, &f, "cursors after reopen"); s != nil {
		for name, want := range map[string]uint64{"adsync": 9, "mail " + hostileText: 2, "race": 149} {
			if got, err := s.Cursor(bg(), name); err != nil || got != want {
				t.Fatalf("Cursor(%q) after reopen = %d, %v; want %d", name, got, err, want)
			}
		}
	}
}

func testEndedContext(t *testing.T, f Fixture) {
	defer func() { f.Store.Close() }()
	ctx, cancel := context.WithCancel(bg())
	cancel()
	c := bulkCommit(1, 1, 3)
	if err := f.Store.Commit(ctx, c); err == nil {
		t.Fatal("Commit with an ended context succeeded")
	}
	if got := loadAll(t, f.Store); len(got) != 0 {
		t.Fatalf("Commit with an ended context stored %d commits", len(got))
	}
	if evs, err := f.Store.Events(bg(), 0, 10); err != nil || len(evs) != 0 {
		t.Fatalf("Commit with an ended context stored events: %v, %v", evs, err)
	}
	// The store is still usable.
	commitAll(t, f.Store, []om.Commit{c})
	if d := diffCommits(loadAll(t, f.Store), []om.Commit{c}); d != "" {
		t.Fatal(d)
	}
}

// testConcurrentReaders commits while readers load and page events: every
// reader sees a prefix of whole commits, events in order with no gaps.
func testConcurrentReaders(t *testing.T, f Fixture) {
	defer func() { f.Store.Close() }()
	const commits, per = 40, 25
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				n := 0
				err := f.Store.Load(bg(), func(c om.Commit) error {
					n++
					if c.Registration == nil || c.Registration.Seq != uint64(n) || len(c.Versions) != per || len(c.Events) != per {
						return errors.New("a partial or out-of-order commit")
					}
					return nil
				})
				if err != nil {
					t.Errorf("Load while committing: %v", err)
					return
				}
			}
		})
		wg.Go(func() {
			var pos uint64
			for {
				evs, err := f.Store.Events(bg(), pos, 7)
				if err != nil {
					t.Errorf("Events while committing: %v", err)
					return
				}
				for _, e := range evs {
					if e.Seq != pos+1 {
						t.Errorf("Events after %d gave %d", pos, e.Seq)
						return
					}
					pos = e.Seq
				}
				if pos == commits*per {
					return
				}
				if len(evs) == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	for i := range commits {
		if err := f.Store.Commit(bg(), bulkCommit(uint64(i+1), uint64(i*per+1), per)); err != nil {
			t.Fatalf("Commit %d: %v", i, err)
		}
	}
	close(done)
	wg.Wait()
	if got := loadAll(t, f.Store); len(got) != commits {
		t.Fatalf("%d commits after the run, want %d", len(got), commits)
	}
}

// testModel writes a small municipality, a change set and a day of the
// scheduler through a Model, and checks that a model opened on the store
// (reopened, where the fixture can) equals the one that wrote it.
func testModel(t *testing.T, f Fixture) {
	today := timeline.MustParseDate("2026-03-01")
	mu, err := synth.Generate(synth.Small(today))
	if err != nil {
		t.Fatal(err)
	}
	m := om.New(om.Options{Store: f.Store})
	clock := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := mu.Load(bg(), m, clock); err != nil {
		t.Fatalf("loading the municipality: %v", err)
	}
	if _, err := m.Tick(bg(), clock.Add(24*time.Hour)); err != nil {
		t.Fatalf("Tick: %v", err)
	}
	want := m.Latest()
	var s om.Store = f.Store
	if r := reopen(t, &f, "model after reopen"); r != nil {
		s = r
	}
	defer func() { s.Close() }()
	m2, err := om.Open(bg(), om.Options{Store: s})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	got := m2.Latest()
	if g, w := got.Registration(), want.Registration(); g.Seq != w.Seq || !g.Time.Equal(w.Time) || g.Actor != w.Actor {
		t.Fatalf("reopened model at registration %+v, want %+v", g, w)
	}
	for k := om.KindPerson; k <= om.KindLeave; k++ {
		var n int
		for o := range want.All(k) {
			n++
			g, ok := got.Object(o.ID)
			if !ok || g.UserKey != o.UserKey || g.Source != o.Source || !g.Timeline.Equal(o.Timeline) {
				t.Fatalf("reopened model: %s %s differs", k, o.ID)
			}
			if a, ok := o.Timeline.Span(0).Value.(om.PersonAttrs); ok && !a.NationalID.IsZero() {
				if p, ok := got.PersonByNationalID(a.NationalID); !ok || p != o.ID {
					t.Fatalf("reopened model: person %s not found by national id", o.ID)
				}
			}
		}
		var gn int
		for range got.All(k) {
			gn++
		}
		if gn != n {
			t.Fatalf("reopened model has %d %ss, want %d", gn, k, n)
		}
	}
	// The reopened model goes on where the first stopped: its events
	// continue the sequence, and the scheduler does not fire again.
	if n, err := m2.Tick(bg(), clock.Add(24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("Tick on the reopened model at the same day fired %d events (%v), want 0", n, err)
	}
	last, _ := s.Events(bg(), 0, 1<<30)
	sub, _ := m2.Subscribe("storetest")
	if len(last) == 0 {
		t.Fatal("no events stored")
	}
	if err := sub.Ack(bg(), last[len(last)-1]); err != nil {
		t.Fatal(err)
	}
}

func testClosed(t *testing.T, f Fixture) {
	if err := f.Store.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := f.Store.Commit(bg(), bulkCommit(1, 1, 1)); err == nil {
		t.Error("Commit after Close succeeded")
	}
	if err := f.Store.Load(bg(), func(om.Commit) error { return nil }); err == nil {
		t.Error("Load after Close succeeded")
	}
	if _, err := f.Store.Events(bg(), 0, 1); err == nil {
		t.Error("Events after Close succeeded")
	}
	if err := f.Store.SetCursor(bg(), "x", 1); err == nil {
		t.Error("SetCursor after Close succeeded")
	}
}
