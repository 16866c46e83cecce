package outboxdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
)

var _ outbox.Digests = (*Store)(nil)

// Hold keeps the notices with new keys, in a transaction of its own.
func (s *Store) Hold(ctx context.Context, notices ...outbox.Held) (int, error) {
	var n int
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.HoldTx(ctx, tx, notices...)
		return err
	})
	return n, err
}

// HoldTx keeps the notices with new keys in the caller's transaction.
func (s *Store) HoldTx(ctx context.Context, tx *sql.Tx, notices ...outbox.Held) (int, error) {
	if err := outbox.CheckHeld(notices); err != nil {
		return 0, err
	}
	n := 0
	for i := range notices {
		h := &notices[i]
		body, err := json.Marshal(&h.Message)
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox_held (key, grp, held_at, due, message)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`, h.Message.Key, h.Group, micros(h.HeldAt), micros(h.Due), body)
		if err != nil {
			return 0, err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}

// Ready returns the groups whose earliest held notice is due.
func (s *Store) Ready(ctx context.Context, now time.Time, limit int) ([][]outbox.Held, error) {
	var out [][]outbox.Held
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT grp FROM outbox_held WHERE released IS NULL
			GROUP BY grp HAVING MIN(due) <= $1 ORDER BY MIN(due), grp LIMIT $2`, micros(now), max(limit, 0))
		if err != nil {
			return err
		}
		var groups []string
		for rows.Next() {
			var g string
			if err := rows.Scan(&g); err != nil {
				rows.Close()
				return err
			}
			groups = append(groups, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, g := range groups {
			held, err := heldOf(ctx, tx, g)
			if err != nil {
				return err
			}
			out = append(out, held)
		}
		return nil
	})
	return out, err
}

// heldOf reads a group's held notices in Ready's order.
func heldOf(ctx context.Context, tx *sql.Tx, group string) ([]outbox.Held, error) {
	rows, err := tx.QueryContext(ctx, `SELECT key, held_at, due, message FROM outbox_held
		WHERE grp = $1 AND released IS NULL ORDER BY due, held_at, key`, group)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []outbox.Held
	for rows.Next() {
		var key string
		var held, due int64
		var body []byte
		if err := rows.Scan(&key, &held, &due, &body); err != nil {
			return nil, err
		}
		h := outbox.Held{Group: group, HeldAt: fromMicros(held), Due: fromMicros(due)}
		if err := json.Unmarshal(body, &h.Message); err != nil {
			return nil, fmt.Errorf("outbox: held notice %q does not decode: %w", key, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Release queues the digest and marks its notices released, in one
// transaction.
func (s *Store) Release(ctx context.Context, at time.Time, msg connectors.Message, keys ...string) error {
	if err := connectors.CheckMessage(&msg); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			res, err := tx.ExecContext(ctx, `UPDATE outbox_held SET released = $2 WHERE key = $1 AND released IS NULL`, k, micros(at))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("%w: no notice %q is held", outbox.ErrUnknownKey, k)
			}
		}
		_, err := s.EnqueueTx(ctx, tx, at, msg)
		return err
	})
}
