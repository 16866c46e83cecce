package service

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// slowTwin is the twin with the first Modify of one account held until
// released: a stop that comes while it is under way.
type slowTwin struct {
	*inmem.Directory
	target  atomic.Value // the connectors.ID whose Modify is held
	started chan struct{}
	release chan struct{}
	held    atomic.Bool
}

func (d *slowTwin) Modify(ctx context.Context, id connectors.ID, mods []connectors.Modification) error {
	if t, _ := d.target.Load().(connectors.ID); t == id && d.held.CompareAndSwap(false, true) {
		close(d.started)
		<-d.release
	}
	return d.Directory.Modify(ctx, id, mods)
}

// A stop while the worker applies a change lets the change finish and be
// acknowledged: it is in the directory, and the worker's position is past
// it, so a restart does not do it again.
func TestStopFinishesTheBatchInHand(t *testing.T) {
	cfg := twinConfig(t)
	cfg.Schedule.ReadBack = time.Hour // the worker makes the change, not the read-back's drift correction
	twin, err := newTwin(context.Background(), cfg)
	require.NoError(t, err)
	slow := &slowTwin{Directory: twin, started: make(chan struct{}), release: make(chan struct{})}
	s, stop := started(t, cfg, Options{Directory: slow})
	waitFor(t, "the first reconcile and read-back", func() bool { return jobOK(s, "reconcile") && jobOK(s, "read-back") })

	var person uuid.UUID
	for o := range s.Model().Latest().All(orgmodel.KindPerson) {
		if _, ok := s.links.Link(o.ID); ok {
			person = o.ID
			break
		}
	}
	id, _ := s.links.Link(person)
	slow.target.Store(id)
	var cs orgmodel.ChangeSet
	cs.Update(person, timeline.Since(s.zone.Date(time.Now())), orgmodel.PersonPatch{Surname: new("Afslutningsen")})
	reg, err := s.Model().Apply(context.Background(), &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	select {
	case <-slow.started:
	case <-time.After(time.Minute):
		t.Fatal("the worker did not start the change")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(100 * time.Millisecond) // the stop is under way, the modify still held
	close(slow.release)
	require.NoError(t, <-stopped)

	e, err := twin.Read(context.Background(), id, []string{"sn"})
	require.NoError(t, err)
	assert.Equal(t, "Afslutningsen", e.First("sn"), "the change in hand was finished")
	pos, err := s.db.Model().Cursor(context.Background(), "adsync")
	require.NoError(t, err)
	events, err := s.db.Model().Events(context.Background(), pos, 1000)
	require.NoError(t, err)
	for _, ev := range events {
		// Events of the change owned by others may be in a batch not yet
		// begun when the stop came; the person's own was in hand.
		if ev.Registration == reg.Seq {
			assert.NotEqual(t, person, ev.Owner, "the person's event is still waiting: it was not acknowledged")
		}
	}
}

// countingTwin counts the twin's searches.
type countingTwin struct {
	*inmem.Directory
	searches atomic.Int64
}

func (d *countingTwin) Search(ctx context.Context, req connectors.SearchRequest, fn func(*connectors.Entry) error) error {
	d.searches.Add(1)
	return d.Directory.Search(ctx, req, fn)
}

// Many plan requests at once make one plan and share it; after a change
// to the model the next request plans afresh.
func TestPlansAreShared(t *testing.T) {
	cfg := twinConfig(t)
	cfg.Schedule.ReadBack = time.Hour
	twin, err := newTwin(context.Background(), cfg)
	require.NoError(t, err)
	count := &countingTwin{Directory: twin}
	s, _ := started(t, cfg, Options{Directory: count})
	waitFor(t, "the first reconcile and read-back", func() bool { return jobOK(s, "reconcile") && jobOK(s, "read-back") })
	change := func(name string) {
		var person uuid.UUID
		for o := range s.Model().Latest().All(orgmodel.KindPerson) {
			person = o.ID
			break
		}
		var cs orgmodel.ChangeSet
		cs.Update(person, timeline.Since(s.zone.Date(time.Now())), orgmodel.PersonPatch{Surname: new(name)})
		at := time.Now()
		_, err := s.Model().Apply(context.Background(), &cs, orgmodel.Registration{Time: at, Actor: "test"})
		require.NoError(t, err)
		// The worker's own searches for the change are not the plans'.
		waitFor(t, "the worker to take the change", func() bool {
			for _, j := range s.Status() {
				if j.Job == "worker" && j.LastEnd.After(at) {
					return true
				}
			}
			return false
		})
	}
	plan := func(n int) int64 {
		before := count.searches.Load()
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := s.Plan(context.Background())
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		return count.searches.Load() - before
	}
	change("Enplan")
	one := plan(1)
	require.Positive(t, one)
	assert.Zero(t, plan(10), "the plan just made is shared")
	change("Toplan")
	assert.Equal(t, one, plan(10), "ten requests after a change make one plan")
}
