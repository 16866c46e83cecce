package statedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
)

// Links is adsync's memory of which account is whose, for one directory,
// kept in the database: an adsync.MapLinks in memory, loaded at
// [DB.Links], and every Set and Forget written through at once.
//
// adsync.Links has no error results (a link is also found again from the
// directory's anchors at the next LoadLinks, so a lost write costs a
// search, never an account): a write that fails is retried while the
// database is unavailable, then logged and kept for [Links.Err].
type Links struct {
	db  *DB
	dir string
	mem *adsync.MapLinks

	mu  sync.Mutex
	err error
}

var _ adsync.Links = (*Links)(nil)

// Links returns the account links of the directory (a name the host
// chooses, such as the domain: "kommune.dk"), loaded from the database.
func (db *DB) Links(ctx context.Context, directory string) (*Links, error) {
	if strings.TrimSpace(directory) == "" {
		return nil, &Error{Kind: ErrInvalid, Where: db.where, Op: "links", Err: errors.New("the directory has no name")}
	}
	l := &Links{db: db, dir: directory, mem: adsync.NewMapLinks()}
	err := db.read(ctx, "links", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT person, account, dn FROM adsync_links WHERE directory = $1`, directory)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p []byte
			var account, dn string
			if err := rows.Scan(&p, &account, &dn); err != nil {
				return err
			}
			person, err := uuid.FromBytes(p)
			if err != nil {
				return fmt.Errorf("a link with a malformed person id: %w", err)
			}
			l.mem.Set(person, connectors.ID(account), dn)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Link returns the objectGUID of the person's account, if known.
func (l *Links) Link(person uuid.UUID) (connectors.ID, bool) { return l.mem.Link(person) }

// Owner returns the person an account is linked to, if any.
func (l *Links) Owner(id connectors.ID) (uuid.UUID, bool) { return l.mem.Owner(id) }

// AccountDN returns the person's account DN, if known.
func (l *Links) AccountDN(person uuid.UUID) (string, bool) { return l.mem.AccountDN(person) }

// Len returns how many persons are linked.
func (l *Links) Len() int { return l.mem.Len() }

// Set records the person's account, in memory and in the database.
func (l *Links) Set(person uuid.UUID, id connectors.ID, dn string) {
	l.mem.Set(person, id, dn)
	l.store("set", func(ctx context.Context, tx *sql.Tx) error {
		// An account has one owner: a link of it to someone else goes.
		if _, err := tx.ExecContext(ctx, `DELETE FROM adsync_links WHERE directory = $1 AND account = $2 AND person <> $3`, l.dir, string(id), person[:]); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO adsync_links (directory, person, account, dn) VALUES ($1, $2, $3, $4)
			ON CONFLICT (directory, person) DO UPDATE SET account = excluded.account, dn = excluded.dn`, l.dir, person[:], string(id), dn)
		return err
	})
}

// Forget drops the person's link.
func (l *Links) Forget(person uuid.UUID) {
	l.mem.Forget(person)
	l.store("forget", func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM adsync_links WHERE directory = $1 AND person = $2`, l.dir, person[:])
		return err
	})
}

func (l *Links) store(op string, fn func(context.Context, *sql.Tx) error) {
	ctx, cancel := context.WithTimeout(context.Background(), retryFor)
	defer cancel()
	err := retry(ctx, func() error {
		return l.db.write(ctx, "links", func(tx *sql.Tx) error { return fn(ctx, tx) })
	}, nil)
	if err != nil {
		l.db.log.Error("an account link was not saved; the next LoadLinks finds it again from the directory", "directory", l.dir, "op", op, "error", err)
		l.mu.Lock()
		if l.err == nil {
			l.err = err
		}
		l.mu.Unlock()
	}
}

// Err returns the first write that failed since the last call, and
// forgets it.
func (l *Links) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.err
	l.err = nil
	return err
}

// Tokens is adsync's change-feed position for one directory, kept in the
// database.
type Tokens struct {
	db  *DB
	dir string
}

var _ adsync.TokenStore = (*Tokens)(nil)

// Tokens returns the change-feed token store of the directory.
func (db *DB) Tokens(directory string) *Tokens { return &Tokens{db: db, dir: directory} }

// Load returns the saved token, "" if there is none.
func (t *Tokens) Load(ctx context.Context) (connectors.Token, error) {
	var tok string
	err := t.db.read(ctx, "token", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT token FROM adsync_tokens WHERE directory = $1`, t.dir).Scan(&tok)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return connectors.Token(tok), err
}

// Save replaces the saved token.
func (t *Tokens) Save(ctx context.Context, tok connectors.Token) error {
	return retry(ctx, func() error {
		return t.db.write(ctx, "token", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO adsync_tokens (directory, token) VALUES ($1, $2)
				ON CONFLICT (directory) DO UPDATE SET token = excluded.token`, t.dir, string(tok))
			return err
		})
	}, nil)
}
