package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
)

// ErrRunning is Run called while the service runs, or after Close.
var ErrRunning = errors.New("service: already running, or closed")

// Run runs the service until ctx ends: once it leads (at once on SQLite;
// on PostgreSQL when it holds the lease, standing by while another host
// does), the worker with its reconcile and read-back, the org model's day
// scheduler, each source on its schedule, the mail notifier and outbox,
// the reports and the boarding engine. A job that fails is logged,
// counted, and started again after a wait that grows to a minute; the
// service does not stop for it.
//
// When ctx ends, Run stops the jobs (the worker finishes the batch in
// hand first), delivers what the outbox holds within Options.ShutdownGrace,
// and returns nil. It returns an error only when it cannot run at all.
func (s *Service) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.running || s.closed {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running, s.ready = true, true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.ready = false
		s.mu.Unlock()
	}()
	for ctx.Err() == nil {
		lead, err := s.db.Lead(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return fmt.Errorf("taking the lead: %w", err)
		}
		s.setLeading(true)
		s.log.Info("leading: the jobs run here")
		s.runJobs(lead)
		s.setLeading(false)
		if ctx.Err() == nil {
			s.log.Warn("lost the lease to another host; standing by")
		}
	}
	s.flush()
	s.log.Info("stopped")
	return nil
}

func (s *Service) setLeading(on bool) {
	s.mu.Lock()
	s.leading = on
	s.mu.Unlock()
	if on {
		s.metrics.leader.Set(1)
	} else {
		s.metrics.leader.Set(0)
	}
}

// runJobs runs every job until ctx ends, and waits for them.
func (s *Service) runJobs(ctx context.Context) {
	var wg sync.WaitGroup
	start := func(name string, fn func(context.Context) error) {
		wg.Go(func() { s.supervise(ctx, name, fn) })
	}
	start("worker", s.worker.Run)
	start("scheduler", func(ctx context.Context) error {
		return s.model.RunScheduler(ctx, clock{s.opts.Now}, func(err error) { s.metrics.errors.WithLabelValues("scheduler").Inc() })
	})
	// In a new deployment (the model empty at start) the first import of
	// each source is the initial load, not news: the followers that start
	// at the present (the notifier, boarding) start after it, so that
	// nobody is mailed about, or ordered for, the whole municipality.
	var initial sync.WaitGroup
	for _, src := range s.sources {
		first := func() {}
		if s.fresh {
			initial.Add(1)
			first = sync.OnceFunc(initial.Done)
		}
		start("source "+src.cfg.Name, func(ctx context.Context) error { return s.runSource(ctx, src, first) })
	}
	followers := func(fn func()) {
		wg.Go(func() {
			waited := make(chan struct{})
			go func() { initial.Wait(); close(waited) }()
			select {
			case <-waited:
				fn()
			case <-ctx.Done():
			}
		})
	}
	if s.sender != nil {
		start("outbox", func(ctx context.Context) error { return s.sender.Run(ctx, s.wake) })
		followers(func() { s.supervise(ctx, "notify", s.notifier.Run) })
	}
	if s.reports != nil {
		start("reports", func(ctx context.Context) error { return s.reports.Run(ctx, time.Minute) })
	}
	if s.boarding != nil {
		followers(func() {
			s.supervise(ctx, "boarding", func(ctx context.Context) error { return s.boarding.Run(ctx, "boarding") })
		})
		start("boarding rounds", s.boardingRounds)
	}
	start("gauges", s.gauges)
	wg.Wait()
}

// supervise runs fn until ctx ends, starting it again after it fails.
func (s *Service) supervise(ctx context.Context, name string, fn func(context.Context) error) {
	wait := time.Second
	for {
		err := fn(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("stopped without an error")
		}
		s.metrics.errors.WithLabelValues(name).Inc()
		now := s.opts.Now()
		s.status.record(name, now, now, "", err)
		s.log.Error("a job stopped; starting it again", "job", name, "in", wait, "error", redactErr(err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// boardingRounds sweeps the orders and dispatches their work every
// Schedule.Boarding (default a minute).
func (s *Service) boardingRounds(ctx context.Context) error {
	every := orDefault(s.cfg.Schedule.Boarding, time.Minute)
	for {
		s.job("boarding sweep", func() (string, error) {
			r, err := s.boarding.Sweep(ctx)
			return fmt.Sprintf("%d open, %d activated, %d expired, %d reminded, %d escalated", r.Seen, r.Activated, r.Expired, r.Reminded, r.Escalated), err
		})
		s.job("boarding dispatch", func() (string, error) {
			r, err := s.dispatcher.Dispatch(ctx)
			if r.Mails > 0 {
				s.signal()
			}
			return fmt.Sprintf("%d mail(s), %d granted, %d revoked, %d retried, %d failed", r.Mails, r.Granted, r.Revoked, r.Retried, r.Failed), err
		})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

// signal wakes the outbox's sender without blocking.
func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// gauges keeps the gauges that are read rather than counted.
func (s *Service) gauges(ctx context.Context) error {
	for {
		s.metrics.registered.Set(float64(s.model.Latest().Registration().Seq))
		if n, err := s.outboxDepth(ctx); err == nil {
			s.metrics.outbox.Set(float64(n))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(15 * time.Second):
		}
	}
}

// outboxDepth counts the messages waiting in the outbox.
func (s *Service) outboxDepth(ctx context.Context) (int, error) {
	es, err := s.outbox.List(ctx, outbox.Queued, 1_000_000)
	return len(es), err
}

// flush delivers what the outbox holds, within the shutdown's grace.
func (s *Service) flush() {
	if s.sender == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownGrace)
	defer cancel()
	for ctx.Err() == nil {
		r, err := s.sender.RunOnce(ctx)
		if err != nil {
			s.log.Warn("flushing the outbox at shutdown", "error", redactErr(err))
			return
		}
		if r.Sent+r.Retried+r.Failed == 0 {
			return
		}
	}
}

// clock is the model's scheduler's clock over Options.Now.
type clock struct{ now func() time.Time }

func (c clock) Now() time.Time                         { return c.now() }
func (c clock) After(d time.Duration) <-chan time.Time { return time.After(d) }
