package statedb_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/orgsync/orgsync/internal/pgtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

// outboxSchema is a module's schema, as the mail outbox will add its own.
var outboxSchema = statedb.Schema{Name: "testoutbox", FS: fstest.MapFS{
	"sqlite/0001_outbox.sql":   {Data: []byte(`CREATE TABLE testoutbox_messages (registration INTEGER PRIMARY KEY, subject TEXT NOT NULL)`)},
	"postgres/0001_outbox.sql": {Data: []byte(`CREATE TABLE testoutbox_messages (registration BIGINT PRIMARY KEY, subject TEXT NOT NULL)`)},
}}

// TestModuleSchemaAndCommitHook adds a module's table through its schema
// and writes to it in the org model's commits: a message per
// registration, stored with the registration; a hook that fails fails the
// commit, and neither the registration nor the message is there.
func TestModuleSchemaAndCommitHook(t *testing.T) {
	for _, dsn := range []string{sqliteURL(t), pgtest.DSN(t)} {
		db := openDB(t, dsn, statedb.Options{Schemas: []statedb.Schema{outboxSchema}})
		failNext := false
		db.OnModelCommit(func(ctx context.Context, tx *sql.Tx, c om.Commit) error {
			if c.Registration == nil {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO testoutbox_messages (registration, subject) VALUES ($1, $2)`,
				int64(c.Registration.Seq), "Ny medarbejder: "+c.Registration.Actor); err != nil {
				return err
			}
			if failNext {
				return errors.New("the outbox refuses")
			}
			return nil
		})
		m := fillModel(t, db, 3)
		failNext = true
		if _, err := m.Apply(ctx, childChange(3), om.Registration{Time: time.Now(), Actor: "test"}); err == nil {
			t.Fatal("a commit whose hook failed succeeded")
		}
		if n := len(m.Registrations(1)); n != 3 {
			t.Fatalf("the model advanced to %d past a failed hook", n)
		}
		var messages int
		err := db.Read(ctx, func(tx *sql.Tx) error {
			return tx.QueryRow(`SELECT COUNT(*) FROM testoutbox_messages`).Scan(&messages)
		})
		if err != nil || messages != 3 {
			t.Fatalf("%d messages (%v), want one per stored registration: 3", messages, err)
		}
		db.Close()
		// The schema is recorded: a binary without the module still
		// opens the database; one with it does not migrate again.
		openDB(t, dsn, statedb.Options{}).Close()
		again := openDB(t, dsn, statedb.Options{Schemas: []statedb.Schema{outboxSchema}})
		if m := fillModel(t, again, 0); len(m.Registrations(1)) != 3 {
			t.Fatalf("%d registrations after reopening", len(m.Registrations(1)))
		}
	}
}

// TestBadSchemas: a module's migrations must be numbered from 0001
// without gaps, for both dialects.
func TestBadSchemas(t *testing.T) {
	for name, fs := range map[string]fstest.MapFS{
		"gap":        {"sqlite/0001_a.sql": {Data: []byte("SELECT 1")}, "sqlite/0003_c.sql": {Data: []byte("SELECT 1")}},
		"no number":  {"sqlite/first.sql": {Data: []byte("SELECT 1")}},
		"no dialect": {"postgres/0001_a.sql": {Data: []byte("SELECT 1")}},
	} {
		_, err := statedb.Open(ctx, sqliteURL(t), statedb.Options{Key: testKey, Schemas: []statedb.Schema{{Name: "bad", FS: fs}}})
		if !errors.Is(err, statedb.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	// A migration that fails leaves the database as it was.
	dsn := sqliteURL(t)
	broken := statedb.Schema{Name: "broken", FS: fstest.MapFS{"sqlite/0001_a.sql": {Data: []byte("CREATE TABLE broken_a (x INT); SELECT * FROM no_such_table")}}}
	if _, err := statedb.Open(ctx, dsn, statedb.Options{Key: testKey, Schemas: []statedb.Schema{broken}}); err == nil {
		t.Fatal("a failing migration succeeded")
	}
	db := openDB(t, dsn, statedb.Options{})
	var n int
	db.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'broken_a'`).Scan(&n)
	})
	if n != 0 {
		t.Fatal("a failed migration left its table behind")
	}
}
