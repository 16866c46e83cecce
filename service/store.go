package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/boarding/inventory/inventorydb"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report/reportdb"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// defaultStore is the SQLite file a configuration without store.url uses,
// beside the configuration.
const defaultStore = "orgsync.db"

// storeURL is the database the configuration names, as statedb.Open
// takes it (sqlite:PATH or postgres://…).
func (c *Config) storeURL() string {
	u := c.Store.URL
	if u == "" {
		u = relativeTo(c.dir, defaultStore)
	}
	if !strings.Contains(u, "://") && !strings.HasPrefix(u, "sqlite:") {
		u = "sqlite:" + u
	}
	return u
}

// openStore opens the state database with every module's schema, and
// the org model in it, started from the configuration's model if the
// database holds none.
func (s *Service) openStore(ctx context.Context) error {
	url := s.cfg.storeURL()
	key, err := s.storeKey(url)
	if err != nil {
		return &ConfigError{File: s.cfg.file, Key: "store.key", Err: err}
	}
	s.db, err = statedb.Open(ctx, url, statedb.Options{Key: key, Holder: s.opts.Holder,
		Schemas: []statedb.Schema{outboxdb.Schema, reportdb.Schema, boardingdb.Schema, inventorydb.Schema}})
	if err != nil {
		if errors.Is(err, statedb.ErrInvalid) || errors.Is(err, statedb.ErrKey) {
			return &ConfigError{File: s.cfg.file, Key: "store", Err: err}
		}
		return fmt.Errorf("the state database: %w", err)
	}
	s.model, err = orgmodel.Open(ctx, orgmodel.Options{Zone: s.zone, Store: s.db.Model()})
	if err != nil {
		return fmt.Errorf("the org model in %s: %w", s.db, err)
	}
	if len(s.model.Registrations(1)) > 0 {
		return nil
	}
	now := s.opts.Now()
	reg := orgmodel.Registration{Time: now, Actor: "orgsync service: the initial model"}
	switch m := s.cfg.Model; {
	case m.File != "":
		snaps, err := modelfile.ReadFile(m.File)
		if err != nil {
			return &ConfigError{File: s.cfg.file, Key: "model.file", Err: err}
		}
		if err := modelfile.Load(ctx, s.model, snaps, s.zone.Date(now), reg); err != nil {
			return fmt.Errorf("model.file %s: %w", m.File, err)
		}
		s.log.Info("the org model started from its file", "file", m.File)
	case m.Synthetic != nil:
		mu, err := synth.Generate(syntheticConfig(m.Synthetic, s.zone.Date(now)))
		if err != nil {
			return &ConfigError{File: s.cfg.file, Key: "model.synthetic", Err: err}
		}
		if err := mu.Load(ctx, s.model, now); err != nil {
			return fmt.Errorf("the synthetic municipality: %w", err)
		}
		s.log.Info("the org model started as a synthetic municipality", "persons", m.Synthetic.Persons)
	}
	return nil
}

// syntheticConfig sizes a synthetic municipality by its persons, in the
// proportions of synth.Municipal.
func syntheticConfig(c *Synthetic, today timeline.Date) synth.Config {
	seed := c.Seed
	if seed == 0 {
		seed = 1
	}
	n := c.Persons
	units := max(3, n/10)
	return synth.Config{Seed: seed, Persons: n, Units: units, Depth: min(8, max(3, units/3)), Engagements: n + n/5,
		Managers: max(1, units/2), Today: today}
}

// storeKey is the database's key: the configured secret, else
// ORGSYNC_DB_KEY, else (SQLite) the file beside the database, made when
// neither exists yet. A key is never made for a database that exists:
// one without its key cannot be read.
func (s *Service) storeKey(url string) (*statedb.Key, error) {
	k := s.cfg.Store.Key
	if !k.IsZero() {
		v, err := k.Read(s.opts.Getenv, "")
		if err != nil {
			return nil, err
		}
		return statedb.ParseKey([]byte(string(v)))
	}
	if v := s.opts.Getenv(statedb.KeyEnv); v != "" {
		return statedb.ParseKey([]byte(v))
	}
	if strings.Contains(url, "://") {
		return nil, fmt.Errorf("no key for %s: give store.key ({file: PATH} or {env: NAME}) or set %s", redactURL(url), statedb.KeyEnv)
	}
	path := strings.TrimPrefix(url, "sqlite:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	file := path + ".key"
	if _, err := os.Stat(file); err == nil {
		return statedb.KeyFromFile(file)
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s exists but its key %s does not: give store.key, or set %s", path, file, statedb.KeyEnv)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintln(f, statedb.GenerateKey()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	s.log.Info("made the state database's key; back it up with the database", "file", file)
	return statedb.KeyFromFile(file)
}

// redactURL drops a URL's password.
func redactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.LastIndexByte(u, '@'); j > i {
			return u[:i+3] + "…@" + u[j+1:]
		}
	}
	return u
}
