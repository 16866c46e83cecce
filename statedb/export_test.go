package statedb

import (
	"context"
)

// OpenAtSchema opens dsn with the core schema stopped at version limit,
// as an orgsync of that schema would have left it.
func OpenAtSchema(ctx context.Context, dsn string, opts Options, limit int) (*DB, error) {
	opts.schemaLimit = limit
	return Open(ctx, dsn, opts)
}

// WriterExec runs a statement on the write connection outside any
// transaction (for PRAGMAs that fault-injection tests set).
func (db *DB) WriterExec(ctx context.Context, q string) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, q)
	return err
}
