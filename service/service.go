package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// Options are what a host gives New besides the configuration. Every
// field is optional.
type Options struct {
	// Logger gets the service's log lines (default slog.Default()).
	// Nothing logged holds a CPR number in full.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Getenv reads the environment, for secrets (default os.Getenv).
	Getenv func(string) string
	// Directory, if set, is used instead of the configuration's
	// directory section (a host with a connector of its own, a test).
	// The service does not close it.
	Directory connectors.Directory
	// Mailer, if set, is used instead of the configuration's SMTP server.
	// The service does not close it.
	Mailer connectors.Mailer
	// ShutdownGrace bounds what Run does after its context ends: the
	// batch in hand finished, the outbox flushed (default 20 s).
	ShutdownGrace time.Duration
	// Holder names this instance in the PostgreSQL lease that decides
	// which instance runs the jobs (default the host name and process
	// id): two instances in one process need names of their own.
	Holder string
}

// Service is orgsync running: everything the configuration names, wired.
// Make it with New, run it with Run, and Close it after.
type Service struct {
	cfg  *Config
	opts Options
	log  *slog.Logger
	zone timeline.Zone

	db    *statedb.DB
	model *orgmodel.Model

	dir      connectors.Directory
	dirOwned bool
	dirKey   string // the links' and tokens' name for the directory
	engine   *adsync.Engine
	links    adsync.Links
	rec      *adsync.Reconciler
	worker   *adsync.Worker
	rules    *rules.Set

	sources []*source

	outbox   *outboxdb.Store
	mailer   connectors.Mailer
	mailOwn  bool
	sender   *outbox.Worker
	notifier *notify.Notifier
	wake     chan struct{}
	reports  *report.Scheduler

	boarding   *boarding.Engine
	dispatcher *boarding.Dispatcher

	login  *login
	plans  planCache
	fresh  bool // the model was empty when the service started
	mounts []mount

	metrics *metrics
	// batchHook, if set (by tests and benchmarks), hears of every
	// batch of events the worker has done, and when.
	batchHook func(batch []orgmodel.Event, done time.Time)
	status    statusBoard

	mu      sync.Mutex
	running bool
	ready   bool
	leading bool
	closed  bool
}

// New opens the state database, the org model in it (starting it from
// the configuration's model file or synthetic municipality if it holds
// none), the directory, the sources, the mail server and the rest the
// configuration names, and wires them. It reads the secrets, and checks
// what it can before anything runs: a configuration problem is an error
// matching ErrConfig, a part that cannot be reached a connectors.Error
// with its kind. Nothing is written to AD by New.
func New(ctx context.Context, cfg *Config, opts Options) (_ *Service, err error) {
	if cfg == nil {
		return nil, &ConfigError{Err: errors.New("no configuration")}
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 20 * time.Second
	}
	s := &Service{cfg: cfg, opts: opts, log: opts.Logger, metrics: newMetrics(), wake: make(chan struct{}, 1)}
	s.plans.turn = make(chan struct{}, 1)
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.zone, err = timeline.LoadZone(cfg.zoneName()); err != nil {
		return nil, err
	}
	if err := s.openStore(ctx); err != nil {
		return nil, err
	}
	if err := s.openDirectory(ctx); err != nil {
		return nil, err
	}
	if err := s.wireSync(ctx); err != nil {
		return nil, err
	}
	if err := s.openSources(ctx); err != nil {
		return nil, err
	}
	s.fresh = len(s.model.Registrations(1)) == 0
	if err := s.wireMail(); err != nil {
		return nil, err
	}
	if err := s.wireBoarding(); err != nil {
		return nil, err
	}
	if err := s.wireLogin(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Model returns the org model the service keeps.
func (s *Service) Model() *orgmodel.Model { return s.model }

// Reconciler returns the reconciler (plans and applies the whole
// directory).
func (s *Service) Reconciler() *adsync.Reconciler { return s.rec }

// Boarding returns the boarding engine, or nil when not configured.
func (s *Service) Boarding() *boarding.Engine { return s.boarding }

// Status returns every job's status, by name.
func (s *Service) Status() []JobStatus { return s.status.list() }

// Close closes what New opened, in the reverse order. It is safe to call
// more than once, and after Run has returned.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var errs []error
	for _, src := range s.sources {
		errs = append(errs, closeSource(src.conn))
	}
	if s.mailOwn && s.mailer != nil {
		if c, ok := s.mailer.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	if s.dirOwned && s.dir != nil {
		errs = append(errs, s.dir.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// job runs one step of a job, and records it in the status and metrics.
func (s *Service) job(name string, fn func() (string, error)) error {
	start := s.opts.Now()
	summary, err := fn()
	end := s.opts.Now()
	if errors.Is(err, context.Canceled) {
		return err
	}
	s.status.record(name, start, end, summary, err)
	s.metrics.run(name, end.Sub(start), err)
	if err != nil {
		s.log.Warn("job failed", "job", name, "error", redactErr(err))
	}
	return err
}

// redactErr is an error's text with national ids masked, for a log.
func redactErr(err error) string { return oneLine(redact.NationalIDs(err.Error())) }
