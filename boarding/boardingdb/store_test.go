package boardingdb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/boarding/boardingtest"
	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/statedb"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, dsn string) boarding.Store {
	t.Helper()
	return boardingdb.New(openDB(t, dsn))
}

func TestStoreSQLite(t *testing.T) {
	boardingtest.TestStore(t, func(t *testing.T) boarding.Store {
		return open(t, "sqlite:"+filepath.Join(t.TempDir(), "orgsync.db"))
	})
}

func TestStorePostgres(t *testing.T) {
	boardingtest.TestStore(t, func(t *testing.T) boarding.Store { return open(t, pgtest.DSN(t)) })
}

func openDB(t *testing.T, dsn string) *statedb.DB {
	t.Helper()
	key, err := statedb.ParseKey([]byte(statedb.GenerateKey()))
	if err != nil {
		t.Fatal(err)
	}
	db, err := statedb.Open(context.Background(), dsn, statedb.Options{Key: key, Schemas: []statedb.Schema{boardingdb.Schema}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSecretsSQLite(t *testing.T) {
	boardingtest.TestSecretStore(t, func(t *testing.T) boarding.SecretStore {
		return boardingdb.NewSecrets(openDB(t, "sqlite:"+filepath.Join(t.TempDir(), "orgsync.db")), nil)
	})
}

func TestSecretsPostgres(t *testing.T) {
	boardingtest.TestSecretStore(t, func(t *testing.T) boarding.SecretStore {
		return boardingdb.NewSecrets(openDB(t, pgtest.DSN(t)), nil)
	})
}
