package statedb_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/storetest"
	"github.com/orgsync/orgsync/statedb"
)

var ctx = context.Background()

// testKey is the key of every test database.
var (
	testKeyText = statedb.GenerateKey()
	testKey     = mustKey(testKeyText)
)

func mustKey(s string) *statedb.Key {
	k, err := statedb.ParseKey([]byte(s))
	if err != nil {
		panic(err)
	}
	return k
}

// openDB opens dsn with the test key, closed at the end of the test.
func openDB(t testing.TB, dsn string, opts statedb.Options) *statedb.DB {
	t.Helper()
	if opts.Key == nil {
		opts.Key = testKey
	}
	db, err := statedb.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func sqliteURL(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "orgsync.db") }

// storeFixture is the conformance fixture for a database URL: reopening
// closes the database and opens it again.
func storeFixture(dsn string, opts statedb.Options) func(t *testing.T) storetest.Fixture {
	return func(t *testing.T) storetest.Fixture {
		db := openDB(t, dsn, opts)
		return storetest.Fixture{Store: db.Model(), Reopen: func(t *testing.T) om.Store {
			db.Close()
			db = openDB(t, dsn, opts)
			return db.Model()
		}}
	}
}

func TestSQLiteConformance(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) storetest.Fixture {
		return storeFixture(sqliteURL(t), statedb.Options{})(t)
	})
}

// TestSQLiteConformanceCheckpointed runs the suite with a checkpoint
// after every commit, so that loads go through the segments.
func TestSQLiteConformanceCheckpointed(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) storetest.Fixture {
		return storeFixture(sqliteURL(t), statedb.Options{CheckpointEvery: 1})(t)
	})
}

// uuidFor returns a fixed uuid for n, for tests that need stable ids.
func uuidFor(n int) uuid.UUID {
	var id uuid.UUID
	id[15] = byte(n)
	id[14] = byte(n >> 8)
	id[6], id[8] = 0x40, 0x80
	return id
}
