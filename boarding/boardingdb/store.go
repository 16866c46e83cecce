package boardingdb

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/statedb"
)

//go:embed migrations
var migrations embed.FS

// Schema is the boarding tables; give it to statedb.Open in
// Options.Schemas.
var Schema = statedb.Schema{Name: "boarding", FS: migrations, Dir: "migrations"}

// Store is boarding.Store on a state database opened with Schema.
type Store struct{ db *statedb.DB }

var _ boarding.Store = (*Store)(nil)

// New returns the store on db.
func New(db *statedb.DB) *Store { return &Store{db: db} }

// Create stores a new order and its entries in one transaction.
func (s *Store) Create(ctx context.Context, o *boarding.Order, log []boarding.AuditEntry) error {
	if err := boarding.CheckNew(o); err != nil {
		return err
	}
	body, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO boarding_orders (id, key, kind, state, person, unit, version, body, due)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			o.ID.String(), o.Key, string(o.Kind), string(o.State), o.Person.String(), o.Unit.String(), o.Version, body, due(o))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var existing string
			err := tx.QueryRowContext(ctx, `SELECT id FROM boarding_orders WHERE key = $1 OR id = $2`, o.Key, o.ID.String()).Scan(&existing)
			if err != nil {
				return err
			}
			id, _ := uuid.Parse(existing)
			return &boarding.DuplicateError{Key: o.Key, Existing: id}
		}
		return appendLog(ctx, tx, log)
	})
}

// appendLog writes entries to the audit log.
func appendLog(ctx context.Context, tx *sql.Tx, log []boarding.AuditEntry) error {
	for i := range log {
		entry, err := json.Marshal(&log[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO boarding_audit (order_id, at, entry) VALUES ($1, $2, $3)`,
			log[i].Order.String(), log[i].At.UTC().UnixMicro(), entry); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the order.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (*boarding.Order, error) {
	var body []byte
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT body FROM boarding_orders WHERE id = $1`, id.String()).Scan(&body)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boarding.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return decode(body)
}

// due is the order's due column.
func due(o *boarding.Order) int {
	if o.Due() {
		return 1
	}
	return 0
}

func decode(body []byte) (*boarding.Order, error) {
	var o boarding.Order
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, fmt.Errorf("boardingdb: a stored order does not decode: %w", err)
	}
	return &o, nil
}

// Update stores the order if it is still at version prev, with its
// entries, in one transaction.
func (s *Store) Update(ctx context.Context, o *boarding.Order, prev int, log []boarding.AuditEntry) error {
	body, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE boarding_orders SET state = $1, person = $2, unit = $3, version = $4, body = $5, due = $6
			WHERE id = $7 AND version = $8 AND key = $9`,
			string(o.State), o.Person.String(), o.Unit.String(), o.Version, body, due(o), o.ID.String(), prev, o.Key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM boarding_orders WHERE id = $1`, o.ID.String()).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return boarding.ErrNotFound
			}
			if err != nil {
				return err
			}
			return boarding.ErrConflict
		}
		return appendLog(ctx, tx, log)
	})
}

// List returns the orders the query selects, in creation order.
func (s *Store) List(ctx context.Context, q boarding.Query) ([]boarding.Order, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(q.States) > 0 {
		var ps []string
		for _, st := range q.States {
			ps = append(ps, arg(string(st)))
		}
		where = append(where, "state IN ("+strings.Join(ps, ", ")+")")
	}
	if q.Open {
		var ps []string
		for _, st := range boarding.OrderStates {
			if st.Terminal() {
				ps = append(ps, arg(string(st)))
			}
		}
		where = append(where, "state NOT IN ("+strings.Join(ps, ", ")+")")
	}
	if q.Person != uuid.Nil {
		where = append(where, "person = "+arg(q.Person.String()))
	}
	if q.Unit != uuid.Nil {
		where = append(where, "unit = "+arg(q.Unit.String()))
	}
	if q.Kind != "" {
		where = append(where, "kind = "+arg(string(q.Kind)))
	}
	if q.Key != "" {
		where = append(where, "key = "+arg(q.Key))
	}
	if q.Due {
		where = append(where, "due = 1")
	}
	if q.Unmatched {
		where = append(where, "person = "+arg(uuid.Nil.String()))
	}
	query := `SELECT body FROM boarding_orders`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY n"
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	var out []boarding.Order
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var body []byte
			if err := rows.Scan(&body); err != nil {
				return err
			}
			o, err := decode(body)
			if err != nil {
				return err
			}
			out = append(out, *o)
		}
		return rows.Err()
	})
	return out, err
}

// Audit returns the order's log.
func (s *Store) Audit(ctx context.Context, id uuid.UUID) ([]boarding.AuditEntry, error) {
	var out []boarding.AuditEntry
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM boarding_orders WHERE id = $1`, id.String()).Scan(&one); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT entry FROM boarding_audit WHERE order_id = $1 ORDER BY seq`, id.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var body []byte
			if err := rows.Scan(&body); err != nil {
				return err
			}
			var e boarding.AuditEntry
			if err := json.Unmarshal(body, &e); err != nil {
				return fmt.Errorf("boardingdb: a stored audit entry does not decode: %w", err)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boarding.ErrNotFound
	}
	return out, err
}
