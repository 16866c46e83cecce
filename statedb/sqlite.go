package statedb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"modernc.org/sqlite"
)

// SQLite's primary result codes (sqlite.org/rescode.html); stable across
// versions. An extended code carries the primary one in its low byte.
const (
	sqlitePerm     = 3
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }

func (sqliteDialect) param(int) string { return "?" }

func (sqliteDialect) kind(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() & 0xff {
	case sqliteBusy, sqliteLocked:
		return ErrTransient
	case sqliteCorrupt, sqliteNotADB:
		return ErrCorrupt
	case sqliteFull, sqliteReadOnly, sqliteCantOpen, sqliteIOErr, sqlitePerm:
		return ErrStorage
	}
	return nil
}

// readOptions: a deferred transaction on the read pool, whose snapshot
// starts at its first read (WAL).
func (sqliteDialect) readOptions() *sql.TxOptions { return nil }

// lockMigrations: the write connection's transactions are immediate, so
// the migrating one already excludes every other writer.
func (sqliteDialect) lockMigrations(context.Context, *sql.Tx) error { return nil }

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// openSQLite opens the file with one write connection and a pool of
// readers, after taking the single-instance lock.
func openSQLite(ctx context.Context, db *DB, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return &Error{Kind: ErrInvalid, Where: path, Op: "open", Err: err}
	}
	db.where, db.d = abs, sqliteDialect{}
	if err := checkSQLiteFile(abs); err != nil {
		return err
	}
	unlock, err := lockFile(abs)
	if err != nil {
		return err
	}
	db.onClose(unlock)
	base := "file:" + escapeSQLitePath(abs) + "?_pragma=busy_timeout(" + strconv.FormatInt(db.opts.BusyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	if db.w, err = sql.Open("sqlite", base+"&_txlock=immediate"); err != nil {
		unlock()
		return &Error{Kind: ErrInvalid, Where: abs, Op: "open", Err: err}
	}
	// One writer: SQLite has one, and a second connection would only wait
	// for the first's lock.
	db.w.SetMaxOpenConns(1)
	db.w.SetConnMaxLifetime(0)
	if err := db.w.PingContext(ctx); err != nil {
		db.w.Close()
		unlock()
		return db.classify("open", err)
	}
	if db.r, err = sql.Open("sqlite", base+"&_pragma=query_only(1)"); err != nil {
		db.w.Close()
		unlock()
		return &Error{Kind: ErrInvalid, Where: abs, Op: "open", Err: err}
	}
	db.r.SetMaxOpenConns(4)
	return nil
}

// checkSQLiteFile refuses, before SQLite sees it, a file that is not a
// SQLite database: SQLite would report it only at the first read, and
// less plainly.
func checkSQLiteFile(path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return &Error{Kind: ErrStorage, Where: path, Op: "open", Err: fmt.Errorf("the directory %s does not exist", dir)}
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // a new database
	}
	if err != nil {
		return &Error{Kind: ErrStorage, Where: path, Op: "open", Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &Error{Kind: ErrStorage, Where: path, Op: "open", Err: err}
	}
	if st.IsDir() {
		return &Error{Kind: ErrInvalid, Where: path, Op: "open", Err: errors.New("is a directory")}
	}
	if st.Size() == 0 {
		return nil // SQLite makes a database of an empty file
	}
	head := make([]byte, 100) // the database header
	if _, err := io.ReadFull(f, head); err != nil {
		return &Error{Kind: ErrCorrupt, Where: path, Op: "open", Err: fmt.Errorf("the file is %d bytes, shorter than a SQLite header: truncated, or not a database", st.Size())}
	}
	if !bytes.HasPrefix(head, sqliteMagic) {
		return &Error{Kind: ErrCorrupt, Where: path, Op: "open", Err: errors.New("the file is not a SQLite database")}
	}
	// The page size (big-endian at 16; 1 means 65536) times the page
	// count (at 28) is the size the header promises.
	pageSize := int64(head[16])<<8 | int64(head[17])
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(head[28])<<24 | int64(head[29])<<16 | int64(head[30])<<8 | int64(head[31])
	if pageSize >= 512 && pages > 0 && st.Size() < pageSize*pages {
		if _, err := os.Stat(path + "-wal"); err != nil {
			return &Error{Kind: ErrCorrupt, Where: path, Op: "open", Err: fmt.Errorf("the file is %d bytes but its header says %d: it was truncated", st.Size(), pageSize*pages)}
		}
	}
	return nil
}

// escapeSQLitePath makes a path safe in a file: URI.
func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// lockFile takes the single-instance lock on path: an exclusive flock on
// path+".lock", which holds the pid of the process holding it. The kernel
// drops the lock when the process dies, however it dies.
func lockFile(path string) (func() error, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, &Error{Kind: ErrStorage, Where: path, Op: "open", Err: fmt.Errorf("creating the lock file: %w", err)}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another process"
			if p := strings.TrimSpace(string(pid)); p != "" {
				holder = "process " + p
			}
			return nil, &Error{Kind: ErrInUse, Where: path, Op: "open",
				Err: fmt.Errorf("%s has it open for writing; a SQLite database serves one orgsync host (use PostgreSQL for a standby)", holder)}
		}
		return nil, &Error{Kind: ErrStorage, Where: path, Op: "open", Err: fmt.Errorf("locking %s: %w", name, err)}
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() error {
		f.Truncate(0)
		return f.Close() // closing drops the flock
	}, nil
}
