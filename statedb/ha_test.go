package statedb_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/internal/pgtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

// TestFailover runs a leader and a standby as two processes on one
// PostgreSQL database, SIGKILLs the leader while it commits, and checks
// that the standby leads within 10 s and goes on from every commit the
// leader had acknowledged.
func TestFailover(t *testing.T) {
	dsn := pgtest.DSN(t)
	a := startChild(t, "lead", dsn, "host-a")
	a.await(t, "leader", 30*time.Second)
	var acked uint64
	for range 5 {
		acked = ackSeq(t, a.await(t, "ack ", 30*time.Second))
	}
	b := startChild(t, "lead", dsn, "host-b")
	// The standby waits while the leader lives.
	select {
	case l := <-b.lines:
		t.Fatalf("the standby printed %q while the leader lived", l)
	case <-time.After(2 * time.Second):
	}
	a.kill()
	killed := time.Now()
	for l := range a.lines {
		if strings.HasPrefix(l, "ack ") {
			acked = ackSeq(t, l)
		}
	}
	b.await(t, "leader", 20*time.Second)
	took := time.Since(killed)
	t.Logf("the standby led %v after the leader was killed", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Fatalf("the standby took %v to lead, want at most 10 s", took)
	}
	first := ackSeq(t, b.await(t, "ack ", 30*time.Second))
	if first != acked+1 && first != acked+2 {
		t.Fatalf("the new leader's first registration is %d; the old one had %d acknowledged", first, acked)
	}
	b.kill()
}

// TestDeposedLeader lets a leader's lease lapse (as in a long pause) and
// another host take it: every write of the old leader is refused from
// then on, its leadership context ends, and its model does not advance.
func TestDeposedLeader(t *testing.T) {
	dsn := pgtest.DSN(t)
	db1 := openDB(t, dsn, statedb.Options{Holder: "host-1", LeaseTTL: 2 * time.Second})
	lead1, err := db1.Lead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m1 := fillModel(t, db1, 3)
	// The lease lapses: expire it in the database, as if host-1 had
	// not renewed it for longer than its TTL.
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE orgsync_lease SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	db2 := openDB(t, dsn, statedb.Options{Holder: "host-2", LeaseTTL: 2 * time.Second})
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	lead2, err := db2.Lead(lctx)
	if err != nil {
		t.Fatalf("the standby did not take the lapsed lease: %v", err)
	}
	_, err = m1.Apply(ctx, childChange(3), om.Registration{Time: time.Now(), Actor: "host-1"})
	if !errors.Is(err, statedb.ErrNotLeader) {
		t.Fatalf("the deposed leader's commit: %v, want ErrNotLeader", err)
	}
	if n := len(m1.Registrations(1)); n != 3 {
		t.Fatalf("the deposed leader's model advanced to %d", n)
	}
	if err := db1.Write(ctx, func(*sql.Tx) error { return nil }); !errors.Is(err, statedb.ErrNotLeader) {
		t.Fatalf("the deposed leader's write: %v, want ErrNotLeader", err)
	}
	select {
	case <-lead1.Done():
		if !errors.Is(context.Cause(lead1), statedb.ErrNotLeader) {
			t.Fatalf("the leadership ended with %v", context.Cause(lead1))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the deposed leader's context did not end")
	}
	// The new leader goes on from what is stored.
	m2 := fillModel(t, db2, 5)
	if n := len(m2.Registrations(1)); n != 5 {
		t.Fatalf("the new leader has %d registrations", n)
	}
	if lead2.Err() != nil {
		t.Fatal("the new leader lost its lease")
	}
	// Close gives the lease up at once.
	db2.Close()
	db3 := openDB(t, dsn, statedb.Options{Holder: "host-3", LeaseTTL: 2 * time.Second})
	start := time.Now()
	if _, err := db3.Lead(lctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("taking a given-up lease took %v", took)
	}
}

// TestPostgresRestart restarts the server under a host that commits: the
// outage gives typed transient errors to reads, commits wait it out
// (retrying), and afterwards the database holds each acknowledged commit
// exactly once.
func TestPostgresRestart(t *testing.T) {
	srv := pgtest.Start(t)
	if !srv.Own() {
		t.Skip("the server at " + pgtest.EnvDSN + " is not the harness's to restart")
	}
	dsn := pgtest.DSN(t)
	db := openDB(t, dsn, statedb.Options{CheckpointEvery: 4})
	m := fillModel(t, db, 2)
	done := make(chan error, 1)
	acked := make(chan uint64, 1000)
	stop := make(chan struct{})
	go func() {
		for i := 2; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			reg, err := m.Apply(ctx, childChange(i), om.Registration{Time: time.Now(), Actor: "test"})
			if err != nil {
				done <- err
				return
			}
			acked <- reg.Seq
		}
	}()
	time.Sleep(200 * time.Millisecond)
	srv.Stop()
	// While it is down, reads fail as transient, naming the database.
	_, err := db.Model().Events(ctx, 0, 1)
	wantErr(t, err, statedb.ErrTransient, "127.0.0.1")
	time.Sleep(time.Second)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Let it commit some more after the restart.
	before := len(acked)
	for deadline := time.Now().Add(30 * time.Second); len(acked) < before+5 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("a commit across the restart failed: %v", err)
	}
	close(acked)
	var last uint64
	n := 0
	for seq := range acked {
		if seq != last+1 && last != 0 {
			t.Fatalf("acknowledged %d after %d", seq, last)
		}
		last = seq
		n++
	}
	if n < 5 {
		t.Fatalf("only %d commits acknowledged around the restart", n)
	}
	db.Close()
	db = openDB(t, dsn, statedb.Options{})
	m2 := fillModel(t, db, 0)
	if got := uint64(len(m2.Registrations(1))); got != last {
		t.Fatalf("%d registrations stored, %d acknowledged", got, last)
	}
	evs, err := db.Model().Events(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != int(last)*perRegistration {
		t.Fatalf("%d events stored for %d registrations: a commit was lost or doubled", len(evs), last)
	}
}
