package reportdb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/statedb"
)

//go:embed migrations
var migrations embed.FS

// Schema is the reports' table; give it to statedb.Open in
// Options.Schemas, with outboxdb.Schema.
var Schema = statedb.Schema{Name: "report", FS: migrations, Dir: "migrations"}

// Ledger is report.Ledger on a state database opened with Schema and
// outboxdb.Schema.
type Ledger struct {
	db     *statedb.DB
	outbox *outboxdb.Store
}

var _ report.Ledger = (*Ledger)(nil)

// New returns the ledger on db, queueing into outbox (on the same db).
func New(db *statedb.DB, outbox *outboxdb.Store) *Ledger { return &Ledger{db: db, outbox: outbox} }

// Last returns the end of the schedule's last window.
func (l *Ledger) Last(ctx context.Context, schedule string) (time.Time, bool, error) {
	var v int64
	err := l.db.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT last_to FROM report_windows WHERE schedule = $1`, schedule).Scan(&v)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return time.UnixMicro(v).UTC(), true, nil
}

// Advance queues msg and moves the schedule on, in one transaction.
func (l *Ledger) Advance(ctx context.Context, schedule string, from, to time.Time, msg connectors.Message) error {
	return l.db.Write(ctx, func(tx *sql.Tx) error {
		var cur int64
		err := tx.QueryRowContext(ctx, `SELECT last_to FROM report_windows WHERE schedule = $1`, schedule).Scan(&cur)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if !from.IsZero() {
				return report.ErrMoved
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO report_windows (schedule, last_to) VALUES ($1, $2)`, schedule, to.UnixMicro())
		case err != nil:
			return err
		case from.IsZero() || cur != from.UnixMicro():
			return report.ErrMoved
		default:
			_, err = tx.ExecContext(ctx, `UPDATE report_windows SET last_to = $2 WHERE schedule = $1`, schedule, to.UnixMicro())
		}
		if err != nil {
			return err
		}
		_, err = l.outbox.EnqueueTx(ctx, tx, to, msg)
		return err
	})
}
