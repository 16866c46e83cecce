package opus

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Connector reads the OPUS dumps in a folder. It implements
// connectors.Payroll and connectors.PayrollChangeReader, and is safe for
// concurrent use. It keeps the last few dumps it parsed in memory; a dump
// is always read and hashed again, so a replaced file is never missed.
type Connector struct {
	cfg    Config
	log    *slog.Logger
	closed atomic.Bool

	mu     sync.Mutex
	dumps  []*dump  // parsed last, newest use last
	states []*state // built last, likewise
}

// Compile-time checks that the connector has what it claims.
var (
	_ connectors.Payroll             = (*Connector)(nil)
	_ connectors.PayrollChangeReader = (*Connector)(nil)
)

// cacheSize is how many parsed dumps, and states, a connector keeps: a
// step of the change feed needs three dumps (the two it compares and the
// one before the first).
const cacheSize = 3

// Open validates the configuration and returns a connector for the dumps
// in cfg.Dir. It fails with a Configuration error if the configuration is
// not valid or the folder cannot be read; it does not need a dump to be
// there yet (Snapshot says whether one is).
func Open(cfg Config, opts Options) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Dir = filepath.Clean(cfg.Dir)
	cfg.Units = slices.Clone(cfg.Units)
	if _, err := os.ReadDir(cfg.Dir); err != nil {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: "open", Object: cfg.Dir, Err: err}
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Connector{cfg: cfg, log: log.With("connector", "opus", "dir", cfg.Dir)}, nil
}

// Dir returns the folder the connector reads.
func (c *Connector) Dir() string { return c.cfg.Dir }

var errClosed = errors.New("the connector is closed")

// Close makes every later call fail. It always returns nil.
func (c *Connector) Close() error {
	c.closed.Store(true)
	c.mu.Lock()
	c.dumps, c.states = nil, nil
	c.mu.Unlock()
	return nil
}

// begin checks what every call checks first: the connector is open and
// the context has not ended.
func (c *Connector) begin(ctx context.Context, op string) error {
	if c.closed.Load() {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.cfg.Dir, Err: errClosed}
	}
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, c.cfg.Dir)
	}
	return nil
}

// Ping checks that the folder can be read: a Configuration error if it
// cannot. A folder without a dump yet is not an error here; Snapshot
// reports it as NotFound. Ping does not read the dumps.
func (c *Connector) Ping(ctx context.Context) error {
	const op = "ping"
	if err := c.begin(ctx, op); err != nil {
		return err
	}
	_, err := c.list(op)
	return err
}

// Dumps returns the files in the folder named as dumps, oldest first,
// complete or not, for an operator to see what is there.
func (c *Connector) Dumps(ctx context.Context) ([]Dump, error) {
	const op = "dumps"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	return c.list(op)
}

func (c *Connector) list(op string) ([]Dump, error) {
	entries, err := os.ReadDir(c.cfg.Dir)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: op, Object: c.cfg.Dir, Err: err}
	}
	return listDumps(entries), nil
}

// Snapshot returns the state of the latest complete dump, its rows sorted
// by key and then by start, with a Token for Changes. Its Managers are
// the roles of the employees marked isManager (see [Manager]). Its Skipped are the
// records of the dump that were left out, and the newer dumps passed over
// as not complete. A folder without a complete dump gives NotFound.
func (c *Connector) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	const op = "snapshot"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	st, notes, err := c.latestWithNotes(ctx, op)
	if err != nil {
		return nil, err
	}
	s := st.copy()
	s.Skipped = connectors.CapSkipped(slices.Concat(st.skipped, notes))
	return s, nil
}

// copy returns the state's snapshot with slices of its own and its token.
func (st *state) copy() *connectors.PayrollSnapshot {
	return &connectors.PayrollSnapshot{
		Units:       slices.Clone(st.snap.Units),
		Persons:     slices.Clone(st.snap.Persons),
		Engagements: slices.Clone(st.snap.Engagements),
		Leaves:      slices.Clone(st.snap.Leaves),
		Managers:    slices.Clone(st.snap.Managers),
		Token:       st.token,
	}
}

// latest returns the state of the latest complete dump.
func (c *Connector) latest(ctx context.Context, op string) (*state, error) {
	st, _, err := c.latestWithNotes(ctx, op)
	return st, err
}

// latestWithNotes returns the state of the latest complete dump and the
// notes on the newer dumps it passed over.
func (c *Connector) latestWithNotes(ctx context.Context, op string) (*state, []connectors.SkippedRecord, error) {
	ds, err := c.list(op)
	if err != nil {
		return nil, nil, err
	}
	var notes []connectors.SkippedRecord
	for i := len(ds) - 1; i >= 0; i-- {
		d, note, err := c.load(ctx, op, ds[i])
		if err != nil {
			return nil, nil, err
		}
		if note != nil {
			notes = append(notes, *note)
			continue
		}
		st, err := c.stateOf(ctx, op, ds, i, d)
		return st, notes, err
	}
	msg := "no complete OPUS dump (ZLPE<YYYYmmddHHMMSS>….xml) in the folder"
	if len(notes) > 0 {
		msg += fmt.Sprintf("; %d passed over: %s", len(notes), notes[0])
	}
	return nil, nil, &connectors.Error{Kind: connectors.NotFound, Op: op, Object: c.cfg.Dir, Err: errors.New(msg)}
}

// read reads a dump's file and returns its bytes and token.
func (c *Connector) read(ctx context.Context, op string, d Dump) ([]byte, connectors.Token, error) {
	if ctx.Err() != nil {
		return nil, "", connectors.ContextError(ctx, op, c.cfg.Dir)
	}
	b, err := os.ReadFile(filepath.Join(c.cfg.Dir, d.Name))
	if err != nil {
		kind := connectors.Transient // gone while read, an I/O error: try again
		if errors.Is(err, fs.ErrPermission) {
			kind = connectors.Configuration
		}
		return nil, "", &connectors.Error{Kind: kind, Op: op, Object: c.cfg.Dir, Err: err}
	}
	sum := sha256.Sum256(b)
	return b, makeToken(d.Name, sum[:]), nil
}

// load returns a dump parsed, from the cache or read and parsed now; or,
// for a dump that is not complete XML, a note saying so.
func (c *Connector) load(ctx context.Context, op string, d Dump) (*dump, *connectors.SkippedRecord, error) {
	data, token, err := c.read(ctx, op, d)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	for _, p := range c.dumps {
		if p.token == token {
			c.mu.Unlock()
			return p, nil, nil
		}
	}
	c.mu.Unlock()
	start := time.Now()
	p, err := parseDump(ctx, d, token, data)
	var de *dumpError
	switch {
	case errors.As(err, &de):
		note := passedOver(d, de)
		c.log.Warn("OPUS dump passed over", "dump", d.Name, "problem", note.Problem)
		return nil, &note, nil
	case err != nil:
		return nil, nil, connectors.ContextError(ctx, op, c.cfg.Dir)
	}
	c.log.Info("OPUS dump read", "dump", d.Name, "units", len(p.units), "employees", len(p.emps),
		"skipped", len(p.skipped), "took", time.Since(start))
	c.mu.Lock()
	if !c.closed.Load() {
		c.dumps = append(c.dumps, p)
		if len(c.dumps) > cacheSize {
			c.dumps = slices.Delete(c.dumps, 0, len(c.dumps)-cacheSize)
		}
	}
	c.mu.Unlock()
	return p, nil, nil
}

// passedOver is the note on a dump that is not read.
func passedOver(d Dump, de *dumpError) connectors.SkippedRecord {
	where := d.Name
	if de.line > 0 {
		where = at{d.Name, de.line}.String()
	}
	what := "not an OPUS dump that can be read"
	if de.incomplete {
		what = "not complete (being written?); read when it is"
	}
	return connectors.SkippedRecord{Where: where, Kind: "dump", Problem: what + ": " + maskedText(de.err)}
}

// stateOf returns the state of dump cur, which is ds[i]: built with the
// complete dump before it, from the cache or now.
func (c *Connector) stateOf(ctx context.Context, op string, ds []Dump, i int, cur *dump) (*state, error) {
	var prev *dump
	for j := i - 1; j >= 0 && prev == nil; j-- {
		p, note, err := c.load(ctx, op, ds[j])
		if err != nil {
			return nil, err
		}
		if note == nil {
			prev = p
		}
	}
	key := string(cur.token)
	if prev != nil {
		key += "<" + string(prev.token)
	}
	c.mu.Lock()
	for _, st := range c.states {
		if st.cacheKey == key {
			c.mu.Unlock()
			return st, nil
		}
	}
	c.mu.Unlock()
	st := build(cur, prev, c.cfg.Units)
	st.cacheKey = key
	if st.filtered > 0 {
		c.log.Debug("OPUS engagement rows outside the configured units left out", "dump", cur.Name, "rows", st.filtered)
	}
	c.mu.Lock()
	if !c.closed.Load() {
		c.states = append(c.states, st)
		if len(c.states) > cacheSize {
			c.states = slices.Delete(c.states, 0, len(c.states)-cacheSize)
		}
	}
	c.mu.Unlock()
	return st, nil
}
