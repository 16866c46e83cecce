package statedb_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/internal/pgtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

// crashRounds is how many times the crash tests kill a committing child.
const crashRounds = 200

func TestCrashSQLite(t *testing.T)   { testCrash(t, sqliteURL(t)) }
func TestCrashPostgres(t *testing.T) { testCrash(t, pgtest.DSN(t)) }

// testCrash SIGKILLs a child process while it commits registrations in a
// loop, crashRounds times: after each kill, the database must hold every
// registration the child saw acknowledged, plus at most the one in
// flight, each whole (its objects and its events), and the model must
// load from it.
func testCrash(t *testing.T, dsn string) {
	var have uint64 // registrations in the database
	inFlight := 0   // rounds whose kill left the commit in flight stored
	for round := range crashRounds {
		c := startChild(t, "commit", dsn, fmt.Sprint("crash-", round))
		var acked uint64
		for range 1 + rand.IntN(3) {
			acked = ackSeq(t, c.await(t, "ack ", time.Minute))
		}
		// Kill it at some moment within its next commits.
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		c.kill()
		for l := range c.lines {
			if strings.HasPrefix(l, "ack ") {
				acked = ackSeq(t, l)
			}
		}
		if acked <= have {
			t.Fatalf("round %d: the child acknowledged %d, but %d were there before it", round, acked, have)
		}
		db := openDB(t, dsn, statedb.Options{})
		m, err := om.Open(ctx, om.Options{Store: db.Model()})
		if err != nil {
			t.Fatalf("round %d: the model does not load after the kill: %v", round, err)
		}
		n := uint64(len(m.Registrations(1)))
		if n < acked || n > acked+1 {
			t.Fatalf("round %d: %d registrations after the kill; the child had %d acknowledged", round, n, acked)
		}
		objects := 0
		for k := om.KindPerson; k <= om.KindLeave; k++ {
			for range m.Latest().All(k) {
				objects++
			}
		}
		evs, err := db.Model().Events(ctx, 0, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if objects != int(n)*perRegistration || len(evs) != int(n)*perRegistration {
			t.Fatalf("round %d: %d registrations, but %d objects and %d events (want %d of each): a commit is torn",
				round, n, objects, len(evs), int(n)*perRegistration)
		}
		if n == acked+1 {
			inFlight++
		}
		have = n
		db.Close()
	}
	t.Logf("%d rounds, %d registrations, %d kills after a commit stored but before its acknowledgement", crashRounds, have, inFlight)
}

func ackSeq(t *testing.T, line string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(strings.TrimPrefix(line, "ack "), 10, 64)
	if err != nil {
		t.Fatalf("child printed %q", line)
	}
	return n
}
