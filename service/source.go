package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// source is a configured source with its connector open.
type source struct {
	cfg  Source
	conn any
	kick chan struct{} // ImportNow's signal
}

// openSources opens every source's connector, so that a bad connector
// section fails New rather than the first poll.
func (s *Service) openSources(ctx context.Context) error {
	for i, sc := range s.cfg.Sources {
		conn, err := OpenSource(ctx, sc.Kind, &sc.Connector, s.cfg.dir)
		if err != nil {
			if connectors.KindOf(err) == connectors.Configuration {
				return &ConfigError{File: s.cfg.file, Key: fmt.Sprintf("sources.%d.connector", i), Err: err}
			}
			return fmt.Errorf("source %s: %w", sc.Name, err)
		}
		s.sources = append(s.sources, &source{cfg: sc, conn: conn, kick: make(chan struct{}, 1)})
	}
	return nil
}

// importOnce imports the source's snapshot into the model and, after a
// payroll, runs the org rules. A source that cannot be reached leaves the
// model as it was, and the next poll tries again.
func (s *Service) importOnce(ctx context.Context, src *source) (string, error) {
	now := s.opts.Now()
	today := s.zone.Date(now)
	var summary string
	for attempt := 0; ; attempt++ {
		plan, err := PlanImport(ctx, s.model, src.cfg, src.conn, today)
		if err != nil {
			return "", err
		}
		if n := len(plan.Skipped); n > 0 {
			s.metrics.skipped.WithLabelValues(src.cfg.Name).Add(float64(n))
			for _, r := range plan.Skipped {
				s.log.Warn("a source's record was skipped as malformed", "source", src.cfg.Name, "record", r.String())
			}
		}
		_, err = plan.Apply(ctx, s.model, "orgsync service: import of "+src.cfg.Name, now)
		if err == ErrStalePlan && attempt < 3 {
			continue // another writer came first: plan again from its result
		}
		if err != nil {
			return "", err
		}
		st := plan.Stats
		summary = fmt.Sprintf("%d created, %d updated, %d terminated, %d unchanged, %d skipped", st.Created, st.Updated, st.Terminated, st.Unchanged, len(plan.Skipped))
		if !plan.Payroll || s.rules == nil {
			return summary, nil
		}
		break
	}
	res, err := RunRules(ctx, s.model, s.rules, today, "orgsync service: the org rules after "+src.cfg.Name, now)
	if err != nil {
		return summary, fmt.Errorf("the org rules after the import: %w", err)
	}
	s.metrics.conflicts.Set(float64(len(res.Conflicts)))
	return summary + fmt.Sprintf("; the org rules changed %d object(s), %d conflict(s)", len(res.By), len(res.Conflicts)), nil
}

// runSource imports the source every Every (default an hour), the first
// time at once;
// first is called after each import that succeeds. ImportNow cuts the
// wait short.
func (s *Service) runSource(ctx context.Context, src *source, first func()) error {
	every := orDefault(src.cfg.Every, time.Hour)
	for {
		if s.job("source "+src.cfg.Name, func() (string, error) { return s.importOnce(ctx, src) }) == nil {
			first()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-src.kick:
		case <-time.After(every):
		}
	}
}

// ErrNoSource is ImportNow of a source the configuration does not name.
var ErrNoSource = errors.New("service: no such source")

// ImportNow makes the source's next import start at once rather than at
// its time (the import itself runs in the service, as scheduled ones do;
// its status says how it went).
func (s *Service) ImportNow(name string) error {
	for _, src := range s.sources {
		if src.cfg.Name == name {
			select {
			case src.kick <- struct{}{}:
			default: // one is waiting already
			}
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrNoSource, name)
}
