package statedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
)

// fence is this host's claim to lead: once it holds the lease, every
// write transaction checks, first thing, that the lease row still names
// this host with the same epoch and has not expired, and locks the row
// for the rest of the transaction, so that a standby's takeover waits for
// the write or the write sees the takeover. A deposed leader therefore
// writes nothing, whatever its own clock says.
type fence struct {
	mu     sync.Mutex
	active bool
	epoch  int64
	lost   bool
}

func (f *fence) get() (active bool, epoch int64, lost bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active, f.epoch, f.lost
}

func (f *fence) check(ctx context.Context, tx *sql.Tx, db *DB) error {
	active, epoch, lost := f.get()
	if lost {
		return &Error{Kind: ErrNotLeader, Where: db.where, Op: "write", Err: errors.New("this host's lease was taken over")}
	}
	if !active {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM orgsync_lease WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > now() FOR SHARE`,
		db.opts.Holder, epoch).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		f.mu.Lock()
		f.lost = true
		f.mu.Unlock()
		return &Error{Kind: ErrNotLeader, Where: db.where, Op: "write", Err: fmt.Errorf("the lease of epoch %d is no longer this host's", epoch)}
	}
	if err != nil {
		return db.classify("write", err)
	}
	return nil
}

func defaultHolder() string {
	h, err := os.Hostname()
	if err != nil {
		h = "host"
	}
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}
