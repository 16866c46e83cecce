package statedb_test

import (
	"os"
	"testing"

	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/orgmodel/storetest"
	"github.com/orgsync/orgsync/statedb"
)

// The PostgreSQL tests share one cluster per test binary (internal/pgtest
// starts it, installing PostgreSQL where missing), a fresh database each.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		// The child's key comes from the parent's environment.
		os.Exit(child())
	}
	os.Exit(pgtest.Main(m))
}

func TestPostgresConformance(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) storetest.Fixture {
		return storeFixture(pgtest.DSN(t), statedb.Options{})(t)
	})
}

func TestPostgresConformanceCheckpointed(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) storetest.Fixture {
		return storeFixture(pgtest.DSN(t), statedb.Options{CheckpointEvery: 1})(t)
	})
}
