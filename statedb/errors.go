package statedb

import (
	"errors"
	"fmt"
)

// The kinds of error Open and the stores return, for errors.Is. Each says
// what the caller should do next.
var (
	// ErrInvalid: the URL or the options are wrong; fix the configuration.
	ErrInvalid = errors.New("statedb: invalid configuration")
	// ErrKey: the key is missing, malformed or not the database's; start
	// with the key the database was created with.
	ErrKey = errors.New("statedb: wrong or missing key")
	// ErrNewerSchema: a newer orgsync wrote the database; run that version
	// (or newer), never an older one.
	ErrNewerSchema = errors.New("statedb: database written by a newer orgsync")
	// ErrCorrupt: the file is not an orgsync database, or is damaged;
	// restore it from a backup.
	ErrCorrupt = errors.New("statedb: database is corrupt")
	// ErrInUse: another process has the SQLite database open for writing;
	// stop it, or use PostgreSQL to run more than one host.
	ErrInUse = errors.New("statedb: database in use by another process")
	// ErrNotLeader: this host's lease was taken over by another host; stop
	// writing and wait to lead again.
	ErrNotLeader = errors.New("statedb: not the leader")
	// ErrTransient: the database is unreachable or busy for now; retry
	// later. Nothing was written.
	ErrTransient = errors.New("statedb: database unavailable")
	// ErrStorage: the disk is full or the file cannot be written (a
	// read-only directory or file); make room or fix the permissions.
	ErrStorage = errors.New("statedb: cannot write the database")
	// ErrClosed: the database was closed.
	ErrClosed = errors.New("statedb: database closed")
	// ErrStale: a commit was refused because the database holds commits
	// the model has not loaded (another writer, or an earlier commit
	// whose outcome was lost with the connection); reopen the model.
	ErrStale = errors.New("statedb: the model is behind its store")
)

// Error is an error about one database: which one (the file, or the URL
// without its password), what was being done, and its kind.
type Error struct {
	// Kind is one of the Err* values above.
	Kind error
	// Where names the database: a file path or a redacted URL.
	Where string
	// Op is what was being done ("open", "commit", "migrate").
	Op string
	// Err is the underlying error, if any.
	Err error
}

// Error returns the message: where, what was being done, what is wrong.
func (e *Error) Error() string {
	msg := fmt.Sprintf("statedb: %s: %s", e.Where, e.Op)
	if e.Kind != nil {
		msg += ": " + trimPrefix(e.Kind.Error())
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is e's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "statedb: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
