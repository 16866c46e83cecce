package adsync

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// Worker keeps AD current in near real time: it follows the org model's
// events, works out which persons they concern (a unit's event concerns
// everyone employed in its subtree: their department, OU or inherited
// manager may change), coalesces them, and plans and applies each person,
// several at a time but never one person twice at once. It acknowledges
// a batch of events only after its persons are done, so a crash repeats
// work and never loses it; plans are idempotent, so repeating is harmless.
type Worker struct {
	// Model is the org model.
	Model *orgmodel.Model
	// Name is the worker's subscription, whose cursor survives restarts.
	Name string
	// Engine and Applier plan and apply.
	Engine *Engine
	// Applier applies; its Names are replaced per batch by the day's
	// graph.
	Applier Applier
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Parallel is how many persons are processed at once (default 4).
	Parallel int
	// Batch is the most events taken in one batch (default 500).
	Batch int
	// OnResult, if set, hears about every person processed.
	OnResult func(person uuid.UUID, rep *Report, err error)
	// Reconciler, if set, runs a full reconciliation when the worker
	// starts and every Every (default one hour) after, between batches:
	// the safety net for anything an event did not say, and the run that
	// hands leavers to the chapel under its mass-action breaker.
	Reconciler *Reconciler
	// Every is the time between reconciliations.
	Every time.Duration
	// OnReconcile, if set, hears about every reconciliation.
	OnReconcile func(rep *RunReport, err error)
	// ReadBack, if set, follows AD's change feed every ReadBackEvery
	// (default 10 seconds), between batches: AD's own changes reach the
	// org model, and drift is corrected or reported, without racing the
	// worker's own writes.
	ReadBack *ReadBack
	// ReadBackEvery is the time between passes of the change feed.
	ReadBackEvery time.Duration
	// OnReadBack, if set, hears about every pass.
	OnReadBack func(rep *ReadBackReport, err error)
	// OnBatch, if set, hears about every batch of events once its
	// persons are done and it is acknowledged (for the event lag: each
	// event names its registration).
	OnBatch func(batch []orgmodel.Event)
}

// chore is work the worker does between batches on a schedule.
type chore struct {
	every time.Duration
	due   time.Time // zero: at once
	run   func(ctx context.Context)
}

// chores returns the worker's scheduled work.
func (w *Worker) chores() []*chore {
	var out []*chore
	if w.Reconciler != nil {
		out = append(out, &chore{every: orDefault(w.Every, time.Hour), run: func(ctx context.Context) {
			rep, err := w.Reconciler.Reconcile(ctx)
			if w.OnReconcile != nil && ctx.Err() == nil {
				w.OnReconcile(rep, err)
			}
		}})
	}
	if w.ReadBack != nil {
		out = append(out, &chore{every: orDefault(w.ReadBackEvery, 10*time.Second), run: func(ctx context.Context) {
			rep, err := w.ReadBack.Sync(ctx)
			if w.OnReadBack != nil && ctx.Err() == nil {
				w.OnReadBack(rep, err)
			}
		}})
	}
	return out
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Run processes events until ctx ends. A batch begun when ctx ends is
// finished and acknowledged first (its persons' operations are not cut
// off halfway), bounded by the connector's own timeouts; a chore under
// way (a reconciliation) is stopped, and runs again after a restart.
func (w *Worker) Run(ctx context.Context) error {
	sub, err := w.Model.Subscribe(w.Name)
	if err != nil {
		return err
	}
	chores := w.chores()
	for {
		var next time.Time
		for _, c := range chores {
			if !time.Now().Before(c.due) {
				c.run(ctx)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.due = time.Now().Add(c.every)
			}
			if next.IsZero() || c.due.Before(next) {
				next = c.due
			}
		}
		wait, cancel := ctx, context.CancelFunc(func() {})
		if !next.IsZero() {
			wait, cancel = context.WithDeadline(ctx, next)
		}
		batch, err := w.next(ctx, wait, sub)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			continue // time for a chore
		}
		if err != nil {
			return err
		}
		work := context.WithoutCancel(ctx)
		if err := w.process(work, batch); err != nil {
			return err
		}
		if err := sub.Ack(work, batch[len(batch)-1]); err != nil {
			return err
		}
		if w.OnBatch != nil {
			w.OnBatch(batch)
		}
	}
}

// next waits for an event until wait ends, and takes what else is ready,
// up to Batch.
func (w *Worker) next(ctx, wait context.Context, sub *orgmodel.Subscription) ([]orgmodel.Event, error) {
	e, err := sub.Next(wait)
	if err != nil {
		return nil, err
	}
	batch := []orgmodel.Event{e}
	limit := w.Batch
	if limit <= 0 {
		limit = 500
	}
	for len(batch) < limit {
		c, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
		e, err := sub.Next(c)
		cancel()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				break
			}
			return nil, err
		}
		batch = append(batch, e)
	}
	return batch, nil
}

// process plans and applies every person the batch concerns.
func (w *Worker) process(ctx context.Context, batch []orgmodel.Event) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	g := w.Model.Latest().Today(now())
	persons := Concerned(g, batch, w.Engine.cfg.Mapping.EnableDaysBefore)
	n := w.Parallel
	if n <= 0 {
		n = 4
	}
	work := make(chan uuid.UUID)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				a := w.Applier
				a.Engine = w.Engine
				a.Names = GraphNames{Graph: g}
				rep, err := w.one(ctx, g, &a, p)
				if w.OnResult != nil {
					w.OnResult(p, rep, err)
				}
			}
		}()
	}
	for _, p := range persons {
		select {
		case work <- p:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return ctx.Err()
}

func (w *Worker) one(ctx context.Context, g orgmodel.Graph, a *Applier, person uuid.UUID) (*Report, error) {
	if _, ok := g.Person(person); !ok {
		// Not valid on the day (registered ahead of their first day, or
		// gone): nothing to do now. The day scheduler's event on their
		// day, and the reconcile, take them up then.
		return &Report{}, nil
	}
	plan, err := w.Engine.Plan(ctx, g, []uuid.UUID{person})
	if err != nil {
		return nil, err
	}
	if len(plan.Errors) > 0 {
		return nil, plan.Errors[0]
	}
	return a.Apply(ctx, plan)
}

// Concerned returns the persons a batch of events concerns on the graph's
// day, each once, in a stable order: the owner of a person-owned event;
// everyone employed in the subtree of a unit-owned one, on the day or in
// the following window days (new employees whose accounts are prepared).
func Concerned(g orgmodel.Graph, events []orgmodel.Event, window int) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	units := map[uuid.UUID]bool{}
	for _, e := range events {
		switch e.OwnerKind {
		case orgmodel.KindPerson:
			seen[e.Owner] = true
		case orgmodel.KindUnit:
			units[e.Owner] = true
		}
	}
	for u := range units {
		for k := 0; k <= window; k++ {
			day := g
			if k > 0 {
				day = g.View().At(g.Day().AddDays(k))
			}
			for _, sub := range day.Subtree(u) {
				for _, eng := range day.UnitEngagements(sub.ID) {
					seen[eng.Person] = true
				}
			}
		}
	}
	out := make([]uuid.UUID, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
