package outboxdb_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/outbox/outboxtest"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/smtp"
	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/internal/smtptest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

const childEnv = "OUTBOXDB_TEST_CHILD" // the database URL the child queues into

// keyText is the databases' key; a child process gets its parent's.
var keyText = func() string {
	if k := os.Getenv("OUTBOXDB_TEST_KEY"); k != "" {
		return k
	}
	return statedb.GenerateKey()
}()

func TestMain(m *testing.M) {
	if dsn := os.Getenv(childEnv); dsn != "" {
		os.Exit(child(dsn))
	}
	os.Exit(pgtest.Main(m))
}

func openDB(t testing.TB, dsn string) *statedb.DB {
	t.Helper()
	db := openDBKeep(t, dsn)
	t.Cleanup(func() { db.Close() })
	return db
}

func sqliteURL(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "orgsync.db") }

func TestConformanceSQLite(t *testing.T) {
	outboxtest.TestStore(t, func(t *testing.T) outbox.Store { return outboxdb.New(openDB(t, sqliteURL(t))) })
}

func TestConformancePostgres(t *testing.T) {
	outboxtest.TestStore(t, func(t *testing.T) outbox.Store { return outboxdb.New(openDB(t, pgtest.DSN(t))) })
}

func TestDigestsSQLite(t *testing.T) {
	outboxtest.TestDigests(t, func(t *testing.T) outboxtest.DigestStore { return outboxdb.New(openDB(t, sqliteURL(t))) })
}

func TestDigestsPostgres(t *testing.T) {
	outboxtest.TestDigests(t, func(t *testing.T) outboxtest.DigestStore { return outboxdb.New(openDB(t, pgtest.DSN(t))) })
}

// mailer opens the SMTP connector on srv.
func mailer(t testing.TB, srv *smtptest.Server) *smtp.Mailer {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	m, err := smtp.Open(smtp.Config{Host: host, Port: p, CAFile: srv.CAFile, ServerName: "smtp.kommune.test",
		Auth: "plain", Username: smtptest.User, Password: smtptest.Password, ConnectTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// clock is a fake clock the test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestWorker delivers through a real SMTP server: a server down at first
// and then up (delivered once), a 421 and then 250 (retried after the
// backoff), a 550 (failed, not retried, the reply kept, requeued by an
// operator), a batch over one connection.
func TestWorker(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{})
	store := outboxdb.New(openDB(t, sqliteURL(t)))
	c := &clock{t: time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)}
	w := &outbox.Worker{Store: store, Mailer: mailer(t, srv), Now: c.now, Backoff: time.Minute}
	if _, err := store.Enqueue(ctx, c.t, outboxtest.Message("down-then-up")); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	rep, err := w.RunOnce(ctx)
	if err != nil || rep.Retried != 1 || rep.Sent != 0 {
		t.Fatalf("with the server down: %+v, %v", rep, err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if rep, _ := w.RunOnce(ctx); rep.Sent != 0 {
		t.Fatal("a message was retried before its backoff")
	}
	c.t = c.t.Add(time.Minute)
	if rep, err := w.RunOnce(ctx); err != nil || rep.Sent != 1 {
		t.Fatalf("with the server up again: %+v, %v", rep, err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Fatalf("%d delivered, want 1", n)
	}

	srv.Refuse(smtptest.Refusal{Stage: "mail", Code: 421, Message: "Service not available, closing channel"})
	store.Enqueue(ctx, c.t, outboxtest.Message("421-then-250"))
	if rep, _ := w.RunOnce(ctx); rep.Retried != 1 {
		t.Fatalf("after a 421: %+v", rep)
	}
	entry, _ := store.Due(ctx, c.t.Add(time.Hour), 10)
	if len(entry) != 1 || !strings.Contains(entry[0].LastError, "421") {
		t.Fatalf("the retried entry: %+v", entry)
	}
	c.t = c.t.Add(2 * time.Minute)
	if rep, _ := w.RunOnce(ctx); rep.Sent != 1 {
		t.Fatalf("after the backoff: %+v", rep)
	}

	srv.Refuse(smtptest.Refusal{Stage: "rcpt", Code: 550, Message: "5.1.1 Mailbox unavailable"})
	store.Enqueue(ctx, c.t, outboxtest.Message("550"))
	if rep, _ := w.RunOnce(ctx); rep.Failed != 1 {
		t.Fatalf("after a 550: %+v", rep)
	}
	failed, _ := store.List(ctx, outbox.Failed, 10)
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "550") || !strings.Contains(failed[0].LastError, "Mailbox unavailable") {
		t.Fatalf("the failed entry: %+v", failed)
	}
	c.t = c.t.Add(48 * time.Hour)
	if rep, _ := w.RunOnce(ctx); rep.Sent+rep.Failed+rep.Retried != 0 {
		t.Fatalf("a failed message was tried again: %+v", rep)
	}
	if err := store.Requeue(ctx, "550", c.t); err != nil {
		t.Fatal(err)
	}
	if rep, _ := w.RunOnce(ctx); rep.Sent != 1 {
		t.Fatalf("after the operator's requeue: %+v", rep)
	}
	// The keys are remembered: offering them again queues nothing.
	if n, _ := store.Enqueue(ctx, c.t, outboxtest.Message("down-then-up"), outboxtest.Message("550")); n != 0 {
		t.Fatalf("%d sent keys queued again", n)
	}

	before := srv.Connections()
	for i := range 25 {
		store.Enqueue(ctx, c.t, outboxtest.Message(fmt.Sprint("batch/", i)))
	}
	if rep, _ := w.RunOnce(ctx); rep.Sent != 25 {
		t.Fatalf("the batch: %+v", rep)
	}
	if n := srv.Connections() - before; n > 1 {
		t.Fatalf("the batch took %d connections, want at most 1", n)
	}
	if n := len(srv.Received()); n != 3+25 {
		t.Fatalf("%d delivered in all, want %d", n, 3+25)
	}
}

// TestGivesUp: a message that keeps failing transiently is parked after
// MaxAttempts, with the count in the reason.
func TestGivesUp(t *testing.T) {
	ctx := context.Background()
	store := outbox.NewMemStore()
	twin := inmemMailer()
	c := &clock{t: time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)}
	w := &outbox.Worker{Store: store, Mailer: twin, Now: c.now, Backoff: time.Second, MaxBackoff: 4 * time.Second, MaxAttempts: 5}
	store.Enqueue(ctx, c.t, outboxtest.Message("flaky"))
	for range 5 {
		twin.Refuse(connectors.Errorf(connectors.Transient, "send", "421 busy"))
	}
	var waits []time.Duration
	for range 5 {
		before := c.t
		w.RunOnce(ctx)
		if next, ok, _ := store.Next(ctx); ok {
			waits = append(waits, next.Sub(before))
			c.t = next
		}
	}
	if fmt.Sprint(waits) != "[1s 2s 4s 4s]" {
		t.Fatalf("backoff %v, want [1s 2s 4s 4s]", waits)
	}
	failed, _ := store.List(ctx, outbox.Failed, 10)
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "gave up after 5 attempts") {
		t.Fatalf("after 5 transient failures: %+v", failed)
	}
}

// TestKilledBetweenQueueAndSend: a host queues messages in a transaction
// with the change that causes them and is SIGKILLed before it sends them;
// after the restart they are delivered, each once.
func TestKilledBetweenQueueAndSend(t *testing.T) {
	dsn := sqliteURL(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dsn, "OUTBOXDB_TEST_KEY="+keyText)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "queued") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child said %q", buf[:n])
	}
	cmd.Process.Kill()
	cmd.Wait()

	srv := smtptest.Start(t, smtptest.Options{})
	db := openDB(t, dsn)
	store := outboxdb.New(db)
	now := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	w := &outbox.Worker{Store: store, Mailer: mailer(t, srv), Now: func() time.Time { return now }}
	if rep, err := w.RunOnce(context.Background()); err != nil || rep.Sent != 5 {
		t.Fatalf("after the restart: %+v, %v", rep, err)
	}
	if rep, _ := w.RunOnce(context.Background()); rep.Sent != 0 {
		t.Fatal("a second round sent again")
	}
	if n := len(srv.Received()); n != 5 {
		t.Fatalf("%d delivered, want 5", n)
	}
	// The model's registration is there with them.
	m, err := om.Open(context.Background(), om.Options{Store: db.Model()})
	if err != nil || len(m.Registrations(1)) != 1 {
		t.Fatalf("the registration that caused the mail: %v", err)
	}
}

// child registers a change in the org model and queues five messages in
// the same transaction (a commit hook), says so, and waits to be killed
// before any worker runs.
func child(dsn string) int {
	key, _ := statedb.ParseKey([]byte(keyText))
	ctx := context.Background()
	db, err := statedb.Open(ctx, dsn, statedb.Options{Key: key, Schemas: []statedb.Schema{outboxdb.Schema}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	store := outboxdb.New(db)
	db.OnModelCommit(func(ctx context.Context, tx *sql.Tx, c om.Commit) error {
		var msgs []connectors.Message
		for i := range 5 {
			msgs = append(msgs, outboxtest.Message(fmt.Sprintf("registration/%d/%d", c.Registration.Seq, i)))
		}
		_, err := store.EnqueueTx(ctx, tx, time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC), msgs...)
		return err
	})
	m, err := om.Open(ctx, om.Options{Store: db.Model()})
	if err != nil {
		return 2
	}
	var cs om.ChangeSet
	cs.Add("U1", timeline.Since(timeline.MustParseDate("2027-01-01")), om.UnitAttrs{Name: "Ældreplejen"})
	if _, err := m.Apply(ctx, &cs, om.Registration{Time: time.Now(), Actor: "child"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println("queued")
	time.Sleep(time.Minute)
	return 0
}
