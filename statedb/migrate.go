package statedb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Schema is one module's tables, added to a database by migrations: for
// each dialect a directory ("sqlite", "postgres") of files named
// NNNN_what.sql, numbered from 0001 without gaps, applied in order, each
// once, in one transaction with the record of it. The core schema (the org
// model, adsync's links and tokens) is one; the mail outbox, boarding and
// reports add theirs the same way, through Options.Schemas.
//
// A migration is never edited once released: a change is a new file.
type Schema struct {
	// Name is the module's name ("outbox"): the key its versions are
	// recorded under. Its tables should start with it.
	Name string
	// FS holds the sqlite and postgres directories, below Dir.
	FS fs.FS
	// Dir is the directory of FS that holds them ("" for its root), so
	// that an embed.FS of "migrations" is given as it is.
	Dir string
}

//go:embed migrations
var coreFS embed.FS

// Core is the schema of this package's own tables.
var Core = Schema{Name: "core", FS: coreFS, Dir: "migrations"}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the schema's migrations for a dialect, checked.
func (s Schema) migrations(dialect string) ([]migration, error) {
	if s.Name == "" || s.FS == nil {
		return nil, fmt.Errorf("%w: a schema needs a name and an FS", ErrInvalid)
	}
	files, err := fs.Glob(s.FS, path.Join(s.Dir, dialect, "*.sql"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var ms []migration
	for i, f := range files {
		base := path.Base(f)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("%w: schema %s: migration %s is not number %04d", ErrInvalid, s.Name, f, i+1)
		}
		b, err := fs.ReadFile(s.FS, f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%w: schema %s has no migrations for %s", ErrInvalid, s.Name, dialect)
	}
	return ms, nil
}

// migrate brings every schema up to date, or refuses a database that a
// newer orgsync has migrated further than this one knows. limit, if above
// 0, stops the core schema at that version (for the upgrade test).
func (db *DB) migrate(ctx context.Context, schemas []Schema, limit int) error {
	return db.write(ctx, "migrate", func(tx *sql.Tx) error {
		if err := db.d.lockMigrations(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS orgsync_schema (
			module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,
			PRIMARY KEY (module, version))`); err != nil {
			return err
		}
		for _, s := range schemas {
			ms, err := s.migrations(db.d.name())
			if err != nil {
				return err
			}
			var have int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM orgsync_schema WHERE module = $1`, s.Name).Scan(&have); err != nil {
				return err
			}
			if have > len(ms) {
				return &Error{Kind: ErrNewerSchema, Where: db.where, Op: "open",
					Err: fmt.Errorf("schema %s is at version %d; this orgsync knows versions up to %d", s.Name, have, len(ms))}
			}
			for _, m := range ms[have:] {
				if limit > 0 && s.Name == Core.Name && m.version > limit {
					break
				}
				if _, err := tx.ExecContext(ctx, m.sql); err != nil {
					return fmt.Errorf("migration %s/%s: %w", s.Name, m.name, err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO orgsync_schema (module, version, name, applied_at) VALUES ($1, $2, $3, $4)`,
					s.Name, m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
