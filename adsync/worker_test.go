package adsync_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestWorkerFollowsTheModel(t *testing.T) {
	f := newPlanFx(t)
	now := timeline.DefaultZone().Start(d("2026-06-01")).Add(9 * time.Hour)
	a := f.applier(t, f.o.m.Latest().At(d("2026-06-01")))
	done := make(chan uuid.UUID, 100)
	var mu sync.Mutex
	var errs []error
	w := &adsync.Worker{
		Model: f.o.m, Name: "adsync", Engine: f.eng, Applier: *a,
		Now: func() time.Time { return now },
		OnResult: func(p uuid.UUID, rep *adsync.Report, err error) {
			mu.Lock()
			if err != nil {
				errs = append(errs, err)
			} else if rep.Failed() > 0 {
				errs = append(errs, rep.Results[0].Err)
			}
			mu.Unlock()
			done <- p
		},
	}
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = w.Run(c) }()

	// The first batch is the model's history: every person is processed
	// (those without an engagement plan nothing).
	wait := func(n int) {
		for range n {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the worker did not process the persons")
			}
		}
	}
	wait(4)
	mu.Lock()
	require.Empty(t, errs)
	mu.Unlock()
	id, ok := f.links.Link(f.o.bo)
	require.True(t, ok, "Bo's account was created and linked")

	// Renaming Skolen concerns everyone in it: Bo's department follows.
	var cs orgmodel.ChangeSet
	cs.Update(f.o.skolen, timeline.Since(d("2026-01-01")), orgmodel.UnitPatch{Name: new("Nordskolen")})
	_, err := f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	wait(2) // Bo, and Eva who starts in the week
	e, err := f.dir.Read(ctx, id, []string{"department"})
	require.NoError(t, err)
	assert.Equal(t, "Nordskolen", e.First("department"))
	assert.Contains(t, e.DN, "OU=Nordskolen", "moved to the renamed unit's OU")
}

func TestConcernedPersons(t *testing.T) {
	o := newOrg(t)
	g := o.m.Latest().At(d("2026-06-10"))
	events := []orgmodel.Event{{OwnerKind: orgmodel.KindUnit, Owner: o.kommune}, {OwnerKind: orgmodel.KindPerson, Owner: o.bo}}
	assert.ElementsMatch(t, []uuid.UUID{o.dorte, o.bo, o.eva}, adsync.Concerned(g, events, 0), "the unit's subtree, and the person once")
	g = o.m.Latest().At(d("2026-06-01"))
	assert.ElementsMatch(t, []uuid.UUID{o.dorte, o.bo}, adsync.Concerned(g, events, 0))
	assert.ElementsMatch(t, []uuid.UUID{o.dorte, o.bo, o.eva}, adsync.Concerned(g, events, 7), "Eva starts within the window")
}

func TestWorkerReconcilesAtStartAndOnSchedule(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	reports := make(chan *adsync.RunReport, 10)
	w := &adsync.Worker{
		Model: f.o.m, Name: "adsync", Engine: f.eng, Applier: f.rec.Applier,
		Now: f.rec.Now, Reconciler: f.rec, Every: 50 * time.Millisecond,
		OnReconcile: func(rep *adsync.RunReport, err error) {
			if err != nil {
				t.Error(err)
			}
			reports <- rep
		},
	}
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(c) }()
	next := func() *adsync.RunReport {
		select {
		case r := <-reports:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no reconciliation")
			return nil
		}
	}
	first := next()
	assert.Len(t, first.Accounts.Created, 3, "the run at start creates the accounts")
	// The model's history comes next as a batch of events (nothing to
	// do); batches and runs take turns, so after the next run the worker
	// has nothing else in hand.
	assert.Empty(t, next().Accounts.Results)
	// Someone deletes Bo's account in AD; no event says so, and the next
	// scheduled run puts it back.
	id, _ := f.links.Link(f.o.bo)
	require.NoError(t, f.dir.Delete(ctx, id))
	var again *adsync.RunReport
	for range 5 {
		if again = next(); len(again.Accounts.Created) > 0 {
			break
		}
	}
	assert.Contains(t, again.Accounts.Created, f.o.bo, "%v\n%+v", again.Plan, again.Accounts.Results)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

func TestWorkerReadsBackBetweenBatches(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	f.reconcile(t)
	passes := make(chan *adsync.ReadBackReport, 100)
	w := &adsync.Worker{
		Model: f.o.m, Name: "adsync", Engine: f.eng, Applier: f.rec.Applier, Now: f.rec.Now,
		ReadBack: f.readBack(adsync.DriftCorrect), ReadBackEvery: 20 * time.Millisecond,
		OnReadBack: func(rep *adsync.ReadBackReport, err error) {
			if err != nil {
				t.Error(err)
			}
			passes <- rep
		},
	}
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = w.Run(c) }()
	first := <-passes
	assert.Len(t, first.Recorded, 3, "the first pass records every account in the model")

	// An edit by hand is put right: by the read-back's drift correction,
	// or by the worker itself if the model's events from the first pass
	// (the recorded accounts) bring Bo up first; either way between
	// batches, never at the same time.
	id, _ := f.links.Link(f.o.bo)
	require.NoError(t, f.dir.Modify(ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: "title", Values: []string{"Rektor"}}}))
	deadline := time.After(10 * time.Second)
	seen := 0
	for {
		select {
		case rep := <-passes:
			seen += rep.Changes
			e, err := f.dir.Read(ctx, id, []string{"title"})
			require.NoError(t, err)
			if seen > 0 && e.First("title") == "Lærer" {
				return
			}
		case <-deadline:
			t.Fatalf("the edit was not put right (%d changes read)", seen)
		}
	}
}

// A person registered today who is valid only from a later day is not an
// error for the worker: there is nothing to do yet, and the day scheduler
// and the reconcile take them up on their day.
func TestWorkerPassesOverAPersonNotYetValid(t *testing.T) {
	f := newPlanFx(t)
	now := timeline.DefaultZone().Start(d("2026-06-01")).Add(9 * time.Hour)
	a := f.applier(t, f.o.m.Latest().At(d("2026-06-01")))
	type result struct {
		person uuid.UUID
		err    error
	}
	done := make(chan result, 100)
	w := &adsync.Worker{
		Model: f.o.m, Name: "adsync", Engine: f.eng, Applier: *a,
		Now:      func() time.Time { return now },
		OnResult: func(p uuid.UUID, rep *adsync.Report, err error) { done <- result{p, err} },
	}
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = w.Run(c) }()
	var cs orgmodel.ChangeSet
	later := cs.Add("LATER", timeline.Since(d("2026-09-01")), orgmodel.PersonAttrs{GivenNames: "Senere", Surname: "Ansat"})
	_, err := f.o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	for {
		select {
		case r := <-done:
			if r.person != later {
				continue
			}
			assert.NoError(t, r.err)
			return
		case <-time.After(10 * time.Second):
			t.Fatal("the worker did not process the person")
		}
	}
}
