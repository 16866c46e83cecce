package inventorydb

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/statedb"
)

//go:embed migrations
var migrations embed.FS

// Schema is the inventory tables; give it to statedb.Open in
// Options.Schemas.
var Schema = statedb.Schema{Name: "inventory", FS: migrations, Dir: "migrations"}

// Store is inventory.Store on a state database opened with Schema.
type Store struct{ db *statedb.DB }

var _ inventory.Store = (*Store)(nil)

// New returns the store on db.
func New(db *statedb.DB) *Store { return &Store{db: db} }

// Add stores a new asset and its entries in one transaction.
func (s *Store) Add(ctx context.Context, a *inventory.Asset, log []inventory.Entry) error {
	if err := inventory.CheckAsset(a); err != nil {
		return err
	}
	if err := inventory.CheckEntries(a.ID, log); err != nil {
		return err
	}
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO inventory_assets (id, kind, serial, status, holder, unit, version, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			a.ID.String(), a.Kind, a.Serial, string(a.Status), a.Holder.String(), a.Unit.String(), a.Version, body)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var existing string
			err := tx.QueryRowContext(ctx, `SELECT id FROM inventory_assets WHERE (kind = $1 AND serial = $2) OR id = $3
				ORDER BY CASE WHEN kind = $1 AND serial = $2 THEN 0 ELSE 1 END LIMIT 1`,
				a.Kind, a.Serial, a.ID.String()).Scan(&existing)
			if err != nil {
				return err
			}
			id, _ := uuid.Parse(existing)
			return &inventory.DuplicateError{Kind: a.Kind, Serial: a.Serial, Existing: id}
		}
		return appendHistory(ctx, tx, log)
	})
}

// appendHistory writes entries to the history.
func appendHistory(ctx context.Context, tx *sql.Tx, log []inventory.Entry) error {
	for i := range log {
		entry, err := json.Marshal(&log[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inventory_history (asset_id, at, entry) VALUES ($1, $2, $3)`,
			log[i].Asset.String(), log[i].At.UTC().UnixMicro(), entry); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the asset.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (*inventory.Asset, error) {
	var body []byte
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT body FROM inventory_assets WHERE id = $1`, id.String()).Scan(&body)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, inventory.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return decode(body)
}

func decode(body []byte) (*inventory.Asset, error) {
	var a inventory.Asset
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("inventorydb: a stored asset does not decode: %w", err)
	}
	return &a, nil
}

// Update stores the asset if it is still at version prev, with its
// entries, in one transaction.
func (s *Store) Update(ctx context.Context, a *inventory.Asset, prev int, log []inventory.Entry) error {
	if err := inventory.CheckUpdate(a, prev, log); err != nil {
		return err
	}
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inventory_assets SET status = $1, holder = $2, unit = $3, version = $4, body = $5
			WHERE id = $6 AND version = $7 AND kind = $8 AND serial = $9`,
			string(a.Status), a.Holder.String(), a.Unit.String(), a.Version, body, a.ID.String(), prev, a.Kind, a.Serial)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var kind, serial string
			err := tx.QueryRowContext(ctx, `SELECT kind, serial FROM inventory_assets WHERE id = $1`, a.ID.String()).Scan(&kind, &serial)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return inventory.ErrNotFound
			case err != nil:
				return err
			case kind != a.Kind || serial != a.Serial:
				return inventory.ErrFixed
			}
			return inventory.ErrConflict
		}
		return appendHistory(ctx, tx, log)
	})
}

// List returns the assets the query selects, by kind and serial.
func (s *Store) List(ctx context.Context, q inventory.Query) ([]inventory.Asset, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	in := func(col string, vs []string) {
		ps := make([]string, len(vs))
		for i, v := range vs {
			ps[i] = arg(v)
		}
		where = append(where, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	if len(q.Kinds) > 0 {
		in("kind", q.Kinds)
	}
	if len(q.Statuses) > 0 {
		sts := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			sts[i] = string(st)
		}
		in("status", sts)
	}
	if q.Holder != uuid.Nil {
		where = append(where, "holder = "+arg(q.Holder.String()))
	}
	if q.Unit != uuid.Nil {
		where = append(where, "unit = "+arg(q.Unit.String()))
	}
	query := `SELECT body FROM inventory_assets`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY kind, serial"
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	var out []inventory.Asset
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		return each(ctx, tx, query, args, func(body []byte) error {
			a, err := decode(body)
			if err == nil {
				out = append(out, *a)
			}
			return err
		})
	})
	return out, err
}

// each calls fn with the one column of each row the query returns.
func each(ctx context.Context, tx *sql.Tx, query string, args []any, fn func([]byte) error) error {
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
		if err := fn(body); err != nil {
			return err
		}
	}
	return rows.Err()
}

// History returns the asset's entries.
func (s *Store) History(ctx context.Context, id uuid.UUID) ([]inventory.Entry, error) {
	var out []inventory.Entry
	err := s.db.Read(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM inventory_assets WHERE id = $1`, id.String()).Scan(&one); err != nil {
			return err
		}
		return each(ctx, tx, `SELECT entry FROM inventory_history WHERE asset_id = $1 ORDER BY seq`, []any{id.String()}, func(body []byte) error {
			var e inventory.Entry
			if err := json.Unmarshal(body, &e); err != nil {
				return fmt.Errorf("inventorydb: a stored history entry does not decode: %w", err)
			}
			out = append(out, e)
			return nil
		})
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, inventory.ErrNotFound
	}
	return out, err
}
