package main

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

//go:embed migrations
var migrations embed.FS

// schema is the quickstart's table of runs, added to the deployment's
// database the way every module adds its tables.
var schema = statedb.Schema{Name: "quickstart", FS: migrations, Dir: "migrations"}

// state is what --db keeps between runs: the org model, the account
// links, the change-feed token and the worker's cursor (statedb's), and
// the quickstart's runs: the day the last one lived through, and, without
// a domain controller, the twin's contents.
type state struct {
	db   *statedb.DB
	last *run // the previous run; nil for the first
}

// run is one row of quickstart_runs.
type run struct {
	n         int
	persons   int
	seed      uint64
	day       timeline.Date
	clock     time.Time
	directory string
}

// databaseURL makes a URL of --db's value: a path is a SQLite file.
func databaseURL(db string) string {
	if strings.HasPrefix(db, "sqlite:") || strings.Contains(db, "://") {
		return db
	}
	return "sqlite:" + db
}

// openState opens the database --db names, with the key from
// --db-key-file or $ORGSYNC_DB_KEY; for a SQLite file without either it
// uses PATH.key, made on the first run (a demo's convenience: a
// deployment keeps its key apart from the database).
func openState(ctx context.Context, o options, w io.Writer) (*state, error) {
	url := databaseURL(o.db)
	key, err := demoKey(url, o.dbKeyFile, w)
	if err != nil {
		return nil, err
	}
	db, err := statedb.Open(ctx, url, statedb.Options{Key: key, Schemas: []statedb.Schema{schema}})
	if err != nil {
		return nil, err
	}
	s := &state{db: db}
	err = db.Read(ctx, func(tx *sql.Tx) error {
		var r run
		var day, clock string
		err := tx.QueryRowContext(ctx, `SELECT run, persons, seed, day, clock, directory FROM quickstart_runs ORDER BY run DESC LIMIT 1`).
			Scan(&r.n, &r.persons, &r.seed, &day, &clock, &r.directory)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.day, err = timeline.ParseDate(day); err != nil {
			return err
		}
		if r.clock, err = time.Parse(time.RFC3339Nano, clock); err != nil {
			return err
		}
		s.last = &r
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	if r := s.last; r != nil && (r.persons != o.persons || r.seed != o.seed) {
		db.Close()
		return nil, fmt.Errorf("--db %s holds the municipality of %d persons with seed %d; run with --persons %d --seed %d, or use another file",
			o.db, r.persons, r.seed, r.persons, r.seed)
	}
	return s, nil
}

// demoKey returns the database's key.
func demoKey(url, file string, w io.Writer) (*statedb.Key, error) {
	if file != "" {
		return statedb.KeyFromFile(file)
	}
	if _, ok := os.LookupEnv(statedb.KeyEnv); ok {
		return statedb.KeyFromEnv("")
	}
	path, ok := strings.CutPrefix(url, "sqlite:")
	if !ok {
		return nil, fmt.Errorf("--db %s needs its key: --db-key-file FILE or $%s", url, statedb.KeyEnv)
	}
	file = path + ".key"
	if _, err := os.Stat(file); err == nil {
		return statedb.KeyFromFile(file)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("making the database's key: %w", err)
	}
	if _, err := fmt.Fprintln(f, statedb.GenerateKey()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "key         made %s: it encrypts the national ids in the database; keep it apart from the database in a real deployment\n", file)
	return statedb.KeyFromFile(file)
}

// twin returns the twin the previous run left, if it ran on one.
func (s *state) twin(ctx context.Context) (*inmem.Directory, error) {
	var snap []byte
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT snapshot FROM quickstart_twin WHERE id = 1`).Scan(&snap)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return inmem.Restore(inmem.Options{BaseDN: twinRoot}, bytes.NewReader(snap))
}

// save records the run, and the twin's contents if it ran on one, in one
// transaction.
func (s *state) save(ctx context.Context, r run, twin *inmem.Directory) error {
	var snap bytes.Buffer
	if twin != nil {
		if err := twin.Snapshot(&snap); err != nil {
			return err
		}
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO quickstart_runs (run, persons, seed, day, clock, directory) VALUES ($1, $2, $3, $4, $5, $6)`,
			r.n, r.persons, int64(r.seed), r.day.String(), r.clock.UTC().Format(time.RFC3339Nano), r.directory); err != nil {
			return err
		}
		if twin == nil {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO quickstart_twin (id, snapshot) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot`, snap.Bytes())
		return err
	})
}

// close closes the database.
func (s *state) close() error {
	if s == nil {
		return nil
	}
	return s.db.Close()
}
