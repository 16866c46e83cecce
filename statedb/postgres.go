package statedb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

func (postgresDialect) param(i int) string { return "$" + strconv.Itoa(i) }

// kind classifies by SQLSTATE class (postgresql.org/docs/current/errcodes-appendix.html)
// and, for errors before or without a reply, by what the network said.
func (postgresDialect) kind(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return ErrStorage
		case pe.Code[:2] == "08", // connection exception
			pe.Code[:2] == "53",                                        // insufficient resources
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, crash, cannot connect now
			pe.Code == "40001", pe.Code == "40P01", // serialization failure, deadlock
			pe.Code == "55P03": // lock not available
			return ErrTransient
		case pe.Code == "XX001", pe.Code == "XX002": // data or index corrupted
			return ErrCorrupt
		}
		return nil
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, driver.ErrBadConn), pgconn.SafeToRetry(err), pgconn.Timeout(err):
		return ErrTransient
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return ErrTransient
	}
	return nil
}

func (postgresDialect) readOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// migrationLock is the advisory lock key concurrent hosts take to migrate
// one at a time ("orgsync" in ASCII, as a number).
const migrationLock = 0x6f726773796e63

func (postgresDialect) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock))
	return err
}

// openPostgres opens a pool used for reads and writes alike.
func openPostgres(ctx context.Context, db *DB, dsn string) error {
	db.d = postgresDialect{}
	var err error
	if db.w, err = sql.Open("pgx", dsn); err != nil {
		return &Error{Kind: ErrInvalid, Where: db.where, Op: "open", Err: errors.New("the URL is not a PostgreSQL connection string")}
	}
	db.w.SetMaxOpenConns(8)
	db.w.SetMaxIdleConns(8)
	db.w.SetConnMaxIdleTime(5 * time.Minute)
	db.r = db.w
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(pctx); err != nil {
		db.w.Close()
		return db.classify("open", redact(err, dsn))
	}
	return nil
}

// redact removes the password of dsn from err's text, for drivers that
// quote the connection string they failed with.
func redact(err error, dsn string) error {
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return err
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return redactedError{msg: strings.ReplaceAll(err.Error(), pw, "xxxxx"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
