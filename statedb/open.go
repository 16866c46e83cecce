package statedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Options configure Open.
type Options struct {
	// Key encrypts the national ids; required. A database remembers a
	// check value of the key it was created with and refuses any other.
	Key *Key
	// Schemas are the schemas of other modules (the mail outbox,
	// boarding, reports) to migrate along with the core one.
	Schemas []Schema
	// CheckpointEvery is how many commits the org model's store lets pass
	// before it writes a checkpoint in the background (default 512); below
	// zero, it never does (Checkpoint still can).
	CheckpointEvery int
	// BusyTimeout is how long a SQLite statement waits for a lock held by
	// a reader's checkpoint before failing (default 5 s).
	BusyTimeout time.Duration
	// Holder names this host in the HA lease (default host name and pid).
	Holder string
	// LeaseTTL is how long a lease lasts without renewal (default 6 s):
	// a standby takes over at most this long (plus one poll) after the
	// leader dies.
	LeaseTTL time.Duration
	// Logger gets what happens in the background (checkpoints, lease
	// changes, failed link writes); default none.
	Logger hclog.Logger

	// schemaLimit stops the core schema at a version (tests only).
	schemaLimit int
}

// DB is a deployment's database: one SQLite file or one PostgreSQL
// database holding the state of every engine. It hands out each engine's
// store ([DB.Model], [DB.Links], [DB.Tokens]) and lets other modules run
// their own statements ([DB.Write], [DB.Read]) on the tables their
// [Schema] made. A DB is safe for concurrent use.
type DB struct {
	where string // the file, or the URL without its password
	d     dialect
	w     *sql.DB // writes; a single connection for SQLite
	r     *sql.DB // reads
	key   *Key
	opts  Options
	log   hclog.Logger

	fence fence // the HA lease's epoch, once this host leads

	hooksMu sync.RWMutex
	hooks   []CommitHook

	// checkpointing lets one checkpoint be written at a time: on
	// PostgreSQL two would race for the next segment.
	checkpointing sync.Mutex

	mu     sync.Mutex
	closed bool
	closer []func() error
}

// Open opens (creating it if need be) the database at dsn and migrates it:
//
//	sqlite:/var/lib/orgsync/orgsync.db   a SQLite file (the embedded default)
//	postgres://user@host/db?sslmode=…    a PostgreSQL database (also postgresql://)
//
// It refuses a database written by a newer orgsync ([ErrNewerSchema]), one
// created with another key or opened without one ([ErrKey]), a file that is
// not an orgsync database or is damaged ([ErrCorrupt]), a SQLite file
// another process has open ([ErrInUse]), and a file it cannot write
// ([ErrStorage]); every error names the database.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	db, err := open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := db.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.CheckpointEvery == 0 {
		opts.CheckpointEvery = 512
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 6 * time.Second
	}
	if opts.Holder == "" {
		opts.Holder = defaultHolder()
	}
	db := &DB{opts: opts, key: opts.Key, log: opts.Logger}
	if db.log == nil {
		db.log = hclog.NewNullLogger()
	}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		db.where = path
		if path == "" {
			return nil, &Error{Kind: ErrInvalid, Where: dsn, Op: "open", Err: errors.New("no file named (sqlite:/path/to/orgsync.db)")}
		}
		if err := openSQLite(ctx, db, path); err != nil {
			return nil, err
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, &Error{Kind: ErrInvalid, Where: "postgres URL", Op: "open", Err: errors.New("the URL does not parse")}
		}
		db.where = u.Redacted()
		if err := openPostgres(ctx, db, dsn); err != nil {
			return nil, err
		}
	default:
		where := dsn
		if u, err := url.Parse(dsn); err == nil {
			where = u.Redacted()
		}
		return nil, &Error{Kind: ErrInvalid, Where: where, Op: "open", Err: errors.New("the database URL must start with sqlite: or postgres://")}
	}
	return db, nil
}

// init migrates the schemas and checks the key.
func (db *DB) init(ctx context.Context) error {
	if db.key == nil {
		return &Error{Kind: ErrKey, Where: db.where, Op: "open",
			Err: fmt.Errorf("no key given: the database keeps national ids encrypted; give it with Options.Key (from a file, or $%s)", KeyEnv)}
	}
	if err := db.migrate(ctx, append([]Schema{Core}, db.opts.Schemas...), db.opts.schemaLimit); err != nil {
		return err
	}
	return db.write(ctx, "open", func(tx *sql.Tx) error {
		var check string
		err := tx.QueryRowContext(ctx, `SELECT value FROM orgsync_meta WHERE name = 'key_check'`).Scan(&check)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO orgsync_meta (name, value) VALUES ('key_check', $1), ('created_at', $2)`,
				db.key.check, time.Now().UTC().Format(time.RFC3339))
			return err
		case err != nil:
			return err
		case !db.key.matches(check):
			return &Error{Kind: ErrKey, Where: db.where, Op: "open", Err: errors.New("the key is not the one this database was created with")}
		}
		return nil
	})
}

// Dialect returns "sqlite" or "postgres", for modules whose statements
// differ between the two.
func (db *DB) Dialect() string { return db.d.name() }

// String returns where the database is (without a password).
func (db *DB) String() string { return db.where }

// Write runs fn in a write transaction and commits it if fn returns nil.
// On PostgreSQL, once this host leads, the transaction first checks that
// the lease is still this host's and fails with [ErrNotLeader] if not, so
// a deposed leader writes nothing. Errors are classified (errors.Is with
// ErrTransient, ErrStorage, …). Statements use $1, $2, … placeholders in
// both dialects.
func (db *DB) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.write(ctx, "write", fn)
}

// Read runs fn in a read-only transaction: a consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.read(ctx, "read", fn)
}

func (db *DB) write(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	return db.writeTx(ctx, op, true, fn)
}

// writeTx is write, with the lease check (fenced) or without it (for
// taking the lease).
func (db *DB) writeTx(ctx context.Context, op string, fenced bool, fn func(*sql.Tx) error) error {
	if db.isClosed() {
		return &Error{Kind: ErrClosed, Where: db.where, Op: op}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.classify(op, err)
	}
	if fenced {
		if err := db.fence.check(ctx, tx, db); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return db.ended(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.ended(ctx, op, err)
	}
	return nil
}

func (db *DB) read(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	if db.isClosed() {
		return &Error{Kind: ErrClosed, Where: db.where, Op: op}
	}
	tx, err := db.r.BeginTx(ctx, db.d.readOptions())
	if err != nil {
		return db.classify(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return db.ended(ctx, op, err)
	}
	return db.ended(ctx, op, tx.Commit())
}

// ended is classify, except that a failure after ctx ended is ctx's
// error: database/sql rolls a transaction back when its context ends, and
// the commit that follows fails with ErrTxDone, which is the caller's
// deadline, not a fault of the database.
func (db *DB) ended(ctx context.Context, op string, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return db.classify(op, err)
}

// classify wraps err in an *Error of the right kind; errors that already
// are one, context errors and nil pass through.
func (db *DB) classify(op string, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrTxDone) || errors.Is(err, sql.ErrConnDone) {
		return &Error{Kind: ErrTransient, Where: db.where, Op: op, Err: err}
	}
	return &Error{Kind: db.d.kind(err), Where: db.where, Op: op, Err: err}
}

func (db *DB) isClosed() bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.closed
}

// onClose registers fn to run at Close, before the connections close.
func (db *DB) onClose(fn func() error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.closer = append(db.closer, fn)
}

// Close waits for background work (a checkpoint being written), gives up
// the lease, and closes the database. The stores it handed out fail after
// it with ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	closers := db.closer
	db.mu.Unlock()
	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		errs = append(errs, closers[i]())
	}
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// dialect is what differs between SQLite and PostgreSQL.
type dialect interface {
	name() string
	// kind returns the error kind of a driver error.
	kind(err error) error
	// param is the placeholder of the i-th argument (from 1) in
	// statements built with many: SQLite looks "$N" up by name, which
	// costs per parameter what the whole statement is worth, and binds
	// "?" by position.
	param(i int) string
	// readOptions are the options of a read transaction.
	readOptions() *sql.TxOptions
	// lockMigrations serialises migrations of concurrent hosts.
	lockMigrations(ctx context.Context, tx *sql.Tx) error
}
