package statedb_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/statedb"
)

// A read or a write whose context ends while it runs fails with the
// context's error, not as a transient fault of the database: a caller
// polling with a short deadline (adsync's worker waits 5 ms for more
// events) must tell its own deadline from the database failing. It used
// to come back as "database unavailable: transaction has already been
// committed or rolled back", and the worker stopped on it.
func TestContextEndingMidTransactionIsTheContextsError(t *testing.T) {
	db, err := statedb.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "x.db"), statedb.Options{Key: testKey})
	require.NoError(t, err)
	defer db.Close()
	for name, do := range map[string]func(context.Context, func(*sql.Tx) error) error{"read": db.Read, "write": db.Write} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err := do(ctx, func(tx *sql.Tx) error {
			<-ctx.Done()
			time.Sleep(10 * time.Millisecond) // database/sql rolls the transaction back
			return nil
		})
		cancel()
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "%s: %v", name, err)
		assert.False(t, errors.Is(err, statedb.ErrTransient), "%s: not the database's fault: %v", name, err)
	}
}
