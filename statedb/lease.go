package statedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// fence is this host's claim to lead: once it holds the lease, every
// write transaction checks, first thing, that the lease row still names
// this host with the same epoch and has not expired, and locks the row
// for the rest of the transaction, so that a standby's takeover waits for
// the write or the write sees the takeover. A deposed leader therefore
// writes nothing, whatever its own clock says. The row is locked FOR KEY
// SHARE, which the leader's renewals do not wait for, and a takeover (FOR
// UPDATE) does.
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
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM orgsync_lease WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > now() FOR KEY SHARE`,
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

// Lead blocks until this host leads, and returns a context that ends
// when it stops leading: when another host took the lease over (this one
// could not renew it in time), when ctx ends, or at Close. Run the
// engines under that context, and call Lead again after it ends.
//
// On PostgreSQL the lease is a row with a holder, an epoch and an expiry
// in the database's own clock; the leader renews it every third of
// Options.LeaseTTL, a standby tries to take it every second, and a lease
// that has expired goes to the first standby that tries, with the epoch
// one higher. From then on every write of the deposed host fails with
// [ErrNotLeader] (see DB.Write). Close gives the lease up at once, so a
// standby need not wait for it to expire.
//
// A SQLite database has one host (Open holds its lock), which leads from
// the start.
func (db *DB) Lead(ctx context.Context) (context.Context, error) {
	lctx, cancel := context.WithCancelCause(ctx)
	db.onClose(func() error { cancel(ErrClosed); return nil })
	if db.d.name() != "postgres" {
		return lctx, nil
	}
	poll := min(time.Second, db.opts.LeaseTTL/3)
	for {
		epoch, ok, err := db.acquire(ctx)
		if err != nil && !errors.Is(err, ErrTransient) {
			cancel(err)
			return nil, err
		}
		if ok {
			db.fence.mu.Lock()
			db.fence.active, db.fence.epoch, db.fence.lost = true, epoch, false
			db.fence.mu.Unlock()
			db.log.Info("leading", "db", db.where, "holder", db.opts.Holder, "epoch", epoch)
			db.onClose(func() error { return db.release(epoch) })
			go db.renew(lctx, cancel, epoch)
			return lctx, nil
		}
		select {
		case <-lctx.Done():
			return nil, context.Cause(lctx)
		case <-time.After(poll):
		}
	}
}

// acquire takes the lease if it is free, expired, or already this
// host's, and returns its new epoch. It locks the lease row FOR UPDATE,
// which waits for the writes in flight (they hold it FOR KEY SHARE, see
// fence.check): a takeover never overtakes a write of the old leader.
// Renewals (a plain UPDATE) do not conflict with writes.
func (db *DB) acquire(ctx context.Context) (int64, bool, error) {
	var epoch int64
	var ok bool
	err := db.writeTx(ctx, "lead", false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO orgsync_lease (id, holder, epoch, expires_at) VALUES (1, '', 0, '-infinity') ON CONFLICT (id) DO NOTHING`); err != nil {
			return err
		}
		var holder string
		var expired bool
		if err := tx.QueryRowContext(ctx, `SELECT holder, epoch, expires_at < clock_timestamp() FROM orgsync_lease WHERE id = 1 FOR UPDATE`).Scan(&holder, &epoch, &expired); err != nil {
			return err
		}
		if !expired && holder != db.opts.Holder {
			return nil
		}
		epoch++
		ok = true
		_, err := tx.ExecContext(ctx, `UPDATE orgsync_lease SET holder = $1, epoch = $2, expires_at = clock_timestamp() + make_interval(secs => $3) WHERE id = 1`,
			db.opts.Holder, epoch, db.opts.LeaseTTL.Seconds())
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return epoch, ok, nil
}

// renew keeps the lease until it cannot: a renewal finding the lease
// taken, or no renewal succeeding before the lease would have expired,
// ends the leadership.
func (db *DB) renew(ctx context.Context, cancel context.CancelCauseFunc, epoch int64) {
	ttl := db.opts.LeaseTTL
	valid := time.Now().Add(ttl) // by this host's clock, conservatively
	tick := time.NewTicker(ttl / 3)
	defer tick.Stop()
	lose := func(why error) {
		db.fence.mu.Lock()
		db.fence.lost = true
		db.fence.mu.Unlock()
		db.log.Warn("no longer leading", "db", db.where, "epoch", epoch, "why", why)
		cancel(&Error{Kind: ErrNotLeader, Where: db.where, Op: "lead", Err: why})
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		started := time.Now()
		rctx, rcancel := context.WithTimeout(ctx, ttl/3)
		res, err := db.w.ExecContext(rctx, `UPDATE orgsync_lease SET expires_at = clock_timestamp() + make_interval(secs => $3)
			WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > clock_timestamp()`, db.opts.Holder, epoch, ttl.Seconds())
		rcancel()
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				lose(fmt.Errorf("the lease of epoch %d expired or was taken over", epoch))
				return
			}
			valid = started.Add(ttl)
			continue
		}
		if time.Now().After(valid) {
			lose(fmt.Errorf("the lease could not be renewed before it expired: %v", err))
			return
		}
	}
}

// release gives the lease up, if this host still holds it.
func (db *DB) release(epoch int64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db.fence.mu.Lock()
	db.fence.lost = true
	db.fence.mu.Unlock()
	_, err := db.w.ExecContext(ctx, `UPDATE orgsync_lease SET expires_at = clock_timestamp() WHERE id = 1 AND holder = $1 AND epoch = $2`, db.opts.Holder, epoch)
	if err != nil {
		db.log.Warn("giving the lease up failed; a standby takes over when it expires", "db", db.where, "error", err)
	}
	return nil
}
