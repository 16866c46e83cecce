package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/yamlpos"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/username"
)

// wireSync makes the engine over the directory with the links in the
// store, the username generator (the directory's names, live, and every
// name the model's accounts have had), the chapel, the reconciler, the
// read-back and the worker that runs them.
func (s *Service) wireSync(ctx context.Context) error {
	cfg := s.cfg
	links, err := s.db.Links(ctx, s.dirKey)
	if err != nil {
		return fmt.Errorf("the links in %s: %w", s.db, err)
	}
	s.links = links
	p := SyncParts{Model: s.model, Directory: s.dir, Links: links, Tokens: s.db.Tokens(s.dirKey), Sync: cfg.Sync, Username: cfg.Username,
		Taken: []username.Taken{username.NewDirectoryTaken(s.dir, "")}, Now: s.opts.Now, Actor: "orgsync service: AD read-back"}
	if ch := cfg.Chapel; ch != nil {
		policy := cfg.chapelPolicy()
		p.Chapel = &policy
		p.Breaker = chapel.Breaker{MaxActions: ch.MaxActions, MaxShare: ch.MaxShare}
		if p.Breaker.MaxActions == 0 {
			p.Breaker.MaxActions = 25
		}
		if p.Breaker.MaxShare == 0 {
			p.Breaker.MaxShare = 0.05
		}
	}
	w, err := WireSync(ctx, p)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.File, ce.Line = cfg.file, yamlpos.Line(cfg.root, ce.Key)
		}
		return err
	}
	s.engine, s.rec = w.Engine, w.Reconciler
	if cfg.Rules != "" {
		if s.rules, err = loadRules(cfg.Rules); err != nil {
			return &ConfigError{File: cfg.file, Key: "rules", Err: err}
		}
	}
	sc := cfg.Schedule
	s.worker = &adsync.Worker{
		Model: s.model, Name: "adsync", Engine: s.engine, Applier: s.rec.Applier, Now: s.opts.Now,
		Parallel: sc.Parallel, Reconciler: s.rec, Every: orDefault(sc.Reconcile, time.Hour),
		ReadBack: w.ReadBack, ReadBackEvery: orDefault(sc.ReadBack, 2*time.Second),
		OnResult:    s.onResult,
		OnReconcile: s.onReconcile,
		OnReadBack:  s.onReadBack,
		OnBatch:     s.onBatch,
	}
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// onResult records a person the worker processed.
func (s *Service) onResult(person uuid.UUID, rep *adsync.Report, err error) {
	s.metrics.applied(rep)
	if err != nil {
		s.metrics.errors.WithLabelValues("worker").Inc()
		s.log.Warn("a person's accounts failed", "person", person, "error", redactErr(err))
	}
}

// onReconcile records a reconciliation.
func (s *Service) onReconcile(rep *adsync.RunReport, err error) {
	now := s.opts.Now()
	start := now
	summary := ""
	if rep != nil && rep.Plan != nil {
		start = rep.Plan.Now
		summary = fmt.Sprintf("%d operation(s), %d failed", len(rep.Plan.Accounts.Ops), rep.Failed())
		if len(rep.Plan.Missing) > 0 {
			summary += fmt.Sprintf("; %d prerequisite(s) missing, nothing applied", len(rep.Plan.Missing))
		}
	}
	s.metrics.reconciled(rep, err)
	s.status.record("reconcile", start, now, summary, err)
	s.metrics.run("reconcile", now.Sub(start), err)
	if err != nil {
		s.log.Warn("the reconciliation failed", "error", redactErr(err))
	}
}

// onReadBack records a pass of AD's change feed.
func (s *Service) onReadBack(rep *adsync.ReadBackReport, err error) {
	summary := ""
	if rep != nil {
		summary = fmt.Sprintf("%d change(s) read, %d drift(s), %d deleted", rep.Changes, len(rep.Drift), len(rep.Deleted))
	}
	now := s.opts.Now()
	s.status.record("read-back", now, now, summary, err)
	s.metrics.run("read-back", 0, err)
}

// onBatch records the lag from each event's registration to its batch
// done.
func (s *Service) onBatch(batch []orgmodel.Event) {
	now := s.opts.Now()
	seen := map[uint64]bool{}
	for _, e := range batch {
		if seen[e.Registration] || e.Registration == 0 {
			continue
		}
		seen[e.Registration] = true
		if regs := s.model.Registrations(e.Registration); len(regs) > 0 && regs[0].Seq == e.Registration {
			s.metrics.eventLag.Observe(now.Sub(regs[0].Time).Seconds())
		}
	}
	s.status.record("worker", now, now, fmt.Sprintf("%d event(s)", len(batch)), nil)
	if h := s.batchHook; h != nil {
		h(batch, now)
	}
}
