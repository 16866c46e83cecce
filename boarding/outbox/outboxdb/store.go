package outboxdb

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/statedb"
)

//go:embed migrations
var migrations embed.FS

// Schema is the outbox's tables; give it to statedb.Open in
// Options.Schemas.
var Schema = statedb.Schema{Name: "outbox", FS: migrations, Dir: "migrations"}

// Store is the outbox on a state database opened with Schema.
type Store struct{ db *statedb.DB }

var _ outbox.Store = (*Store)(nil)

// New returns the outbox of db.
func New(db *statedb.DB) *Store { return &Store{db: db} }

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// Enqueue queues the messages with new keys, in a transaction of its own.
func (s *Store) Enqueue(ctx context.Context, at time.Time, msgs ...connectors.Message) (int, error) {
	var n int
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.EnqueueTx(ctx, tx, at, msgs...)
		return err
	})
	return n, err
}

// EnqueueTx queues the messages with new keys in the caller's
// transaction (a statedb.CommitHook's, or a subscriber's that also
// acknowledges what it handled), and returns how many were new.
func (s *Store) EnqueueTx(ctx context.Context, tx *sql.Tx, at time.Time, msgs ...connectors.Message) (int, error) {
	for i := range msgs {
		if err := connectors.CheckMessage(&msgs[i]); err != nil {
			return 0, err
		}
	}
	n := 0
	for i := range msgs {
		body, err := json.Marshal(&msgs[i])
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox_messages (key, state, attempts, queued_at, next_attempt, last_error, message)
			VALUES ($1, $2, 0, $3, $3, '', $4) ON CONFLICT (key) DO NOTHING`, msgs[i].Key, int(outbox.Queued), micros(at), body)
		if err != nil {
			return 0, err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}

const columns = `key, state, attempts, queued_at, next_attempt, sent_at, last_error, message`

func scan(rows *sql.Rows) ([]outbox.Entry, error) {
	defer rows.Close()
	var out []outbox.Entry
	for rows.Next() {
		var e outbox.Entry
		var key string
		var state int
		var queued, next int64
		var sent sql.NullInt64
		var body []byte
		if err := rows.Scan(&key, &state, &e.Attempts, &queued, &next, &sent, &e.LastError, &body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &e.Message); err != nil {
			return nil, fmt.Errorf("outbox: message %q does not decode: %w", key, err)
		}
		e.State, e.QueuedAt, e.NextAttempt = outbox.State(state), fromMicros(queued), fromMicros(next)
		if sent.Valid {
			e.SentAt = fromMicros(sent.Int64)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Due returns the queued messages due at now, oldest first.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]outbox.Entry, error) {
	var out []outbox.Entry
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+columns+` FROM outbox_messages WHERE state = $1 AND next_attempt <= $2
			ORDER BY next_attempt, queued_at, key LIMIT $3`, int(outbox.Queued), micros(now), max(limit, 0))
		if err != nil {
			return err
		}
		out, err = scan(rows)
		return err
	})
	return out, err
}

// mark runs an UPDATE of key in state from (0: any) and reports an
// unknown key.
func (s *Store) mark(ctx context.Context, key string, from outbox.State, q string, args ...any) error {
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		cond := ` WHERE key = $1`
		if from != 0 {
			cond += fmt.Sprintf(" AND state = %d", from)
		}
		res, err := tx.ExecContext(ctx, q+cond, append([]any{key}, args...)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q", outbox.ErrUnknownKey, key)
		}
		return nil
	})
}

// MarkSent records a send.
func (s *Store) MarkSent(ctx context.Context, key string, at time.Time) error {
	return s.mark(ctx, key, 0, `UPDATE outbox_messages SET state = 2, sent_at = $2, last_error = '', attempts = attempts + 1`, micros(at))
}

// MarkRetry records a failed attempt.
func (s *Store) MarkRetry(ctx context.Context, key string, next time.Time, reason string) error {
	return s.mark(ctx, key, outbox.Queued, `UPDATE outbox_messages SET next_attempt = $2, last_error = $3, attempts = attempts + 1`, micros(next), reason)
}

// MarkFailed parks a message.
func (s *Store) MarkFailed(ctx context.Context, key string, reason string) error {
	return s.mark(ctx, key, outbox.Queued, `UPDATE outbox_messages SET state = 3, last_error = $2, attempts = attempts + 1`, reason)
}

// Requeue makes a failed message due again.
func (s *Store) Requeue(ctx context.Context, key string, at time.Time) error {
	return s.mark(ctx, key, outbox.Failed, `UPDATE outbox_messages SET state = 1, attempts = 0, next_attempt = $2`, micros(at))
}

// List returns entries in a state (0 for all), oldest first.
func (s *Store) List(ctx context.Context, state outbox.State, limit int) ([]outbox.Entry, error) {
	var out []outbox.Entry
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		q := `SELECT ` + columns + ` FROM outbox_messages`
		args := []any{max(limit, 0)}
		if state != 0 {
			q += ` WHERE state = $2`
			args = append(args, int(state))
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY queued_at, key LIMIT $1`, args...)
		if err != nil {
			return err
		}
		out, err = scan(rows)
		return err
	})
	return out, err
}

// Next returns when the next queued message is due.
func (s *Store) Next(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT MIN(next_attempt) FROM outbox_messages WHERE state = $1`, int(outbox.Queued)).Scan(&next)
	})
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return fromMicros(next.Int64), true, nil
}
