package boardingdb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/statedb"
)

// Secrets is boarding.SecretStore on a state database opened with
// Schema: the sealed one-time secrets, deleted when taken and when they
// expire.
type Secrets struct {
	db  *statedb.DB
	now func() time.Time
}

var _ boarding.SecretStore = (*Secrets)(nil)

// NewSecrets returns the secret store on db; now is the clock that
// expired secrets are purged by (nil: time.Now).
func NewSecrets(db *statedb.DB, now func() time.Time) *Secrets {
	if now == nil {
		now = time.Now
	}
	return &Secrets{db: db, now: now}
}

// Put keeps sealed under id until expires, and purges the secrets that
// have expired.
func (s *Secrets) Put(ctx context.Context, id, sealed []byte, expires time.Time) error {
	return s.db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM boarding_secrets WHERE expires <= $1`, s.now().UTC().UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO boarding_secrets (id, sealed, expires) VALUES ($1, $2, $3)`, id, sealed, expires.UTC().UnixMicro())
		return err
	})
}

// Take returns and deletes what id holds, in one statement, so that of
// two takers one gets it; or boarding.ErrSecretGone.
func (s *Secrets) Take(ctx context.Context, id []byte) ([]byte, time.Time, error) {
	var sealed []byte
	var expires int64
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `DELETE FROM boarding_secrets WHERE id = $1 RETURNING sealed, expires`, id).Scan(&sealed, &expires)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, boarding.ErrSecretGone
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	return sealed, time.UnixMicro(expires).UTC(), nil
}
