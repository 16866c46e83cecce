package inventorydb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/boarding/inventory/inventorydb"
	"github.com/orgsync/orgsync/boarding/inventory/inventorytest"
	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/statedb"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, dsn string) inventory.Store {
	t.Helper()
	key, err := statedb.ParseKey([]byte(statedb.GenerateKey()))
	if err != nil {
		t.Fatal(err)
	}
	db, err := statedb.Open(context.Background(), dsn, statedb.Options{Key: key, Schemas: []statedb.Schema{inventorydb.Schema}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return inventorydb.New(db)
}

func TestStoreSQLite(t *testing.T) {
	inventorytest.TestStore(t, func(t *testing.T) inventory.Store {
		return open(t, "sqlite:"+filepath.Join(t.TempDir(), "orgsync.db"))
	})
}

func TestStorePostgres(t *testing.T) {
	inventorytest.TestStore(t, func(t *testing.T) inventory.Store { return open(t, pgtest.DSN(t)) })
}
