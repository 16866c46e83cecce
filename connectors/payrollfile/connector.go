package payrollfile

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
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
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Options are the connector's few settings. The zero value is ready to
// use.
type Options struct {
	// Logger receives the connector's few log lines (a delivery read, an
	// incomplete delivery passed over); default slog.Default(). No line
	// holds personal data.
	Logger *slog.Logger
}

// Connector reads the deliveries in a folder. It implements
// connectors.Payroll and connectors.PayrollChangeReader, and is safe for
// concurrent use. It keeps the last two deliveries it parsed in memory,
// so that a step of the change feed parses one delivery, not two; a
// delivery is always read and hashed again, so a replaced file is never
// missed.
type Connector struct {
	dir    string
	log    *slog.Logger
	closed atomic.Bool

	mu    sync.Mutex
	cache []*loaded // the deliveries parsed last, newest last
}

// Compile-time checks that the connector has what it claims.
var (
	_ connectors.Payroll             = (*Connector)(nil)
	_ connectors.PayrollChangeReader = (*Connector)(nil)
)

// cacheSize is how many parsed deliveries a connector keeps: a step of
// the change feed needs two, and the next step one of them again.
const cacheSize = 2

// loaded is a parsed delivery. Its snapshot is shared by the cache and
// never handed out: callers get copies.
type loaded struct {
	token connectors.Token
	snap  *connectors.PayrollSnapshot
}

// Open returns a connector for the deliveries in folder dir. It fails
// with a Configuration error if dir is not a folder it can read; it does
// not need a delivery to be there yet (Snapshot says whether one is).
func Open(dir string, opts Options) (*Connector, error) {
	const op = "open"
	if dir == "" {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: op, Err: errors.New("no folder given")}
	}
	dir = filepath.Clean(dir)
	if _, err := os.ReadDir(dir); err != nil {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: op, Object: dir, Err: err}
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Connector{dir: dir, log: log.With("connector", "payrollfile", "dir", dir)}, nil
}

// Dir returns the folder the connector reads.
func (c *Connector) Dir() string { return c.dir }

var errClosed = errors.New("the connector is closed")

// Close makes every later call fail. It always returns nil.
func (c *Connector) Close() error {
	c.closed.Store(true)
	c.mu.Lock()
	c.cache = nil
	c.mu.Unlock()
	return nil
}

// begin checks what every call checks first: the connector is open and
// the context has not ended.
func (c *Connector) begin(ctx context.Context, op string) error {
	if c.closed.Load() {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.dir, Err: errClosed}
	}
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, c.dir)
	}
	return nil
}

// Ping checks that the folder can be read: a Configuration error if it
// cannot. A folder without a complete delivery yet is not an error here
// (the first may come tonight); Snapshot reports it as NotFound. Ping
// does not read the deliveries' files.
func (c *Connector) Ping(ctx context.Context) error {
	const op = "ping"
	if err := c.begin(ctx, op); err != nil {
		return err
	}
	_, err := c.deliveries(op)
	return err
}

// Deliveries returns the deliveries in the folder by day, complete or
// not, so that an operator can see a delivery the connector passes over
// because a file is missing.
func (c *Connector) Deliveries(ctx context.Context) ([]Delivery, error) {
	const op = "deliveries"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	return c.deliveries(op)
}

func (c *Connector) deliveries(op string) ([]Delivery, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: op, Object: c.dir, Err: err}
	}
	return list(entries), nil
}

// latest returns the last complete delivery.
func latest(ds []Delivery) (Delivery, bool) {
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Complete() {
			return ds[i], true
		}
	}
	return Delivery{}, false
}

// noDelivery is the NotFound error of a folder without a complete
// delivery.
func (c *Connector) noDelivery(op string, ds []Delivery) error {
	err := errors.New("no complete delivery (four files units-, persons-, engagements- and leaves-YYYY-MM-DD.csv of one day)")
	if len(ds) > 0 {
		d := ds[len(ds)-1]
		err = fmt.Errorf("%w; the delivery of %s lacks %v", err, d.Day, d.Missing)
	}
	return &connectors.Error{Kind: connectors.NotFound, Op: op, Object: c.dir, Err: err}
}

// Snapshot returns the latest complete delivery, parsed and checked, its
// rows sorted by key and then by start, with a Token for Changes.
//
// A delivery with problems is refused with an Invalid error that holds
// every problem as a *Error (file, line, column); Snapshot does not fall
// back to an older delivery, so that the operator learns of it. A folder
// without a complete delivery gives NotFound.
func (c *Connector) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	const op = "snapshot"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	ds, err := c.deliveries(op)
	if err != nil {
		return nil, err
	}
	d, ok := latest(ds)
	if !ok {
		return nil, c.noDelivery(op, ds)
	}
	for _, inc := range ds {
		if inc.Day > d.Day {
			c.log.Debug("incomplete payroll delivery passed over", "day", inc.Day.String(), "missing", inc.Missing)
		}
	}
	data, token, err := c.read(ctx, op, d.Day)
	if err != nil {
		return nil, err
	}
	l, err := c.parse(ctx, op, d.Day, data, token)
	if err != nil {
		return nil, err
	}
	return l.copy(), nil
}

// copy returns the snapshot with slices of its own.
func (l *loaded) copy() *connectors.PayrollSnapshot {
	return &connectors.PayrollSnapshot{
		Units:       slices.Clone(l.snap.Units),
		Persons:     slices.Clone(l.snap.Persons),
		Engagements: slices.Clone(l.snap.Engagements),
		Leaves:      slices.Clone(l.snap.Leaves),
		Token:       l.token,
	}
}

// read reads a delivery's four files and returns their contents and the
// delivery's token.
func (c *Connector) read(ctx context.Context, op string, day timeline.Date) (*[4][]byte, connectors.Token, error) {
	var data [4][]byte
	h := sha256.New()
	for k := range specs {
		if ctx.Err() != nil {
			return nil, "", connectors.ContextError(ctx, op, c.dir)
		}
		name := fileName(k, day)
		b, err := os.ReadFile(filepath.Join(c.dir, name))
		if err != nil {
			kind := connectors.Transient // gone while read, an I/O error: try again
			if errors.Is(err, fs.ErrPermission) {
				kind = connectors.Configuration
			}
			return nil, "", &connectors.Error{Kind: kind, Op: op, Object: c.dir, Err: err}
		}
		data[k] = b
		hashFile(h, name, b)
	}
	return &data, makeToken(day, h.Sum(nil)), nil
}

// hashFile adds a file to a delivery's hash: its name and length, then
// its bytes, so that no two deliveries hash the same by moving bytes from
// one file to the next.
func hashFile(h interface{ Write([]byte) (int, error) }, name string, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write([]byte(name))
	h.Write(n[:])
	h.Write(b)
}

// parse returns the delivery with the given token, from the cache or
// parsed from data.
func (c *Connector) parse(ctx context.Context, op string, day timeline.Date, data *[4][]byte, token connectors.Token) (*loaded, error) {
	c.mu.Lock()
	for _, l := range c.cache {
		if l.token == token {
			c.mu.Unlock()
			return l, nil
		}
	}
	c.mu.Unlock()
	start := time.Now()
	s, err := parse(ctx, day, data)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, connectors.ContextError(ctx, op, c.dir)
		}
		c.log.Warn("payroll delivery refused", "day", day.String(), "problems", problemCount(err))
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.dir,
			Err: fmt.Errorf("the delivery of %s has problems; it is not read, and no older delivery is read in its place: %w", day, err)}
	}
	c.log.Info("payroll delivery read", "day", day.String(), "units", len(s.Units), "persons", len(s.Persons),
		"engagements", len(s.Engagements), "leaves", len(s.Leaves), "took", time.Since(start))
	l := &loaded{token: token, snap: s}
	c.mu.Lock()
	if !c.closed.Load() {
		c.cache = append(c.cache, l)
		if len(c.cache) > cacheSize {
			c.cache = slices.Delete(c.cache, 0, len(c.cache)-cacheSize)
		}
	}
	c.mu.Unlock()
	return l, nil
}

// problemCount counts the problems a parse reported.
func problemCount(err error) int {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}
