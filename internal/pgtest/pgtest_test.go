package pgtest_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/orgsync/orgsync/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestDSN gets two databases and checks that they are apart and empty,
// and that the server survives a restart.
func TestDSN(t *testing.T) {
	a, b := pgtest.DSN(t), pgtest.DSN(t)
	if a == b {
		t.Fatal("two tests got the same database")
	}
	exec := func(dsn, q string) error {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(context.Background(), q)
		return err
	}
	if err := exec(a, "CREATE TABLE x (n int)"); err != nil {
		t.Fatal(err)
	}
	if err := exec(b, "CREATE TABLE x (n int)"); err != nil {
		t.Fatalf("the second database is not empty: %v", err)
	}
	if s := pgtest.Start(t); s.Own() {
		if err := s.Restart(); err != nil {
			t.Fatal(err)
		}
		if err := exec(a, "INSERT INTO x VALUES (1)"); err != nil {
			t.Fatalf("after a restart: %v", err)
		}
	}
}
