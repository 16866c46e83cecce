package outboxdb_test

// The benchmarks measure the outbox on SQLite against a raw baseline in the
// same run:
//
//   - BenchmarkDeliver: 200 queued messages delivered by the worker to the
//     loopback SMTP server (STARTTLS, AUTH) over one connection, beside a
//     bare go-mail client sending the same messages over one connection;
//     "msgs/s" and "x-raw".
//   - BenchmarkEnqueueInCommit: an org-model registration of 100 new units
//     with a commit hook that queues one message for it, beside the same
//     registration without the hook; "x-plain" is the hook's share.
//   - BenchmarkDedup: queueing a key already sent, with 1,000,000 sent keys
//     in the table (built once per run, outside the timer).
//
//	go test ./boarding/outbox/outboxdb -run '^$' -bench 'Deliver|Dedup' -benchtime 3x -count 5
//	go test ./boarding/outbox/outboxdb -run '^$' -bench EnqueueInCommit -benchtime 300x -count 5
//
// (EnqueueInCommit needs many commits a run: with a few, the first ones,
// into an empty database, dominate.)

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/outbox/outboxtest"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/smtptest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const deliverBatch = 200

func BenchmarkDeliver(b *testing.B) {
	ctx := context.Background()
	srv := smtptest.Start(b, smtptest.Options{})
	var rawRate float64
	b.Run("raw", func(b *testing.B) {
		host, port, _ := net.SplitHostPort(srv.Addr)
		p, _ := strconv.Atoi(port)
		c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.TLSMandatory),
			gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(smtptest.User), gomail.WithPassword(smtptest.Password))
		if err != nil {
			b.Fatal(err)
		}
		c.SetTLSConfig(tlsFor(srv))
		if err := c.DialWithContext(ctx); err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		for b.Loop() {
			for i := range deliverBatch {
				m := gomail.NewMsg()
				msg := outboxtest.Message(fmt.Sprint("raw/", i))
				m.FromFormat(msg.From.Name, msg.From.Addr)
				m.AddToFormat(msg.To[0].Name, msg.To[0].Addr)
				m.Subject(msg.Subject)
				m.SetBodyString(gomail.TypeTextPlain, msg.Text)
				m.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
				a := msg.Attachments[0]
				m.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
				if err := c.Send(m); err != nil {
					b.Fatal(err)
				}
			}
		}
		rawRate = float64(b.N*deliverBatch) / time.Since(start).Seconds()
		b.ReportMetric(rawRate, "msgs/s")
	})
	b.Run("outbox", func(b *testing.B) {
		store := outboxdb.New(openDB(b, sqliteURL(b)))
		now := time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)
		w := &outbox.Worker{Store: store, Mailer: mailer(b, srv), Now: func() time.Time { return now }, Batch: deliverBatch}
		var elapsed time.Duration
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			var msgs []connectors.Message
			for j := range deliverBatch {
				msgs = append(msgs, outboxtest.Message(fmt.Sprintf("bench/%d/%d", i, j)))
			}
			if _, err := store.Enqueue(ctx, now, msgs...); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			rep, err := w.RunOnce(ctx)
			elapsed += time.Since(start)
			if err != nil || rep.Sent != deliverBatch {
				b.Fatalf("%+v %v", rep, err)
			}
		}
		rate := float64(b.N*deliverBatch) / elapsed.Seconds()
		b.ReportMetric(rate, "msgs/s")
		if rawRate > 0 {
			b.ReportMetric(rate/rawRate, "x-raw")
		}
	})
}

func BenchmarkEnqueueInCommit(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, hook bool) time.Duration {
		db := openDB(b, sqliteURL(b))
		store := outboxdb.New(db)
		if hook {
			db.OnModelCommit(func(ctx context.Context, tx *sql.Tx, c om.Commit) error {
				if c.Registration == nil {
					return nil
				}
				_, err := store.EnqueueTx(ctx, tx, c.Registration.Time, outboxtest.Message(fmt.Sprint("registration/", c.Registration.Seq)))
				return err
			})
		}
		m, err := om.Open(ctx, om.Options{Store: db.Model()})
		if err != nil {
			b.Fatal(err)
		}
		since := timeline.Since(timeline.MustParseDate("2027-01-01"))
		var elapsed time.Duration
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			var cs om.ChangeSet
			for j := range 100 {
				cs.Add(fmt.Sprintf("U%d-%d", i, j), since, om.UnitAttrs{Name: fmt.Sprintf("Enhed %d", j)})
			}
			b.StartTimer()
			start := time.Now()
			if _, err := m.Apply(ctx, &cs, om.Registration{Time: time.Now(), Actor: "bench"}); err != nil {
				b.Fatal(err)
			}
			elapsed += time.Since(start)
		}
		per := elapsed / time.Duration(b.N)
		b.ReportMetric(float64(per.Microseconds())/1000, "ms/commit")
		return per
	}
	var plain time.Duration
	b.Run("plain", func(b *testing.B) { plain = run(b, false) })
	b.Run("hook", func(b *testing.B) {
		d := run(b, true)
		if plain > 0 {
			b.ReportMetric(float64(d)/float64(plain), "x-plain")
		}
	})
}

var dedupOnce struct {
	sync.Once
	store *outboxdb.Store
}

func BenchmarkDedup(b *testing.B) {
	ctx := context.Background()
	dedupOnce.Do(func() {
		// Not b.TempDir: it goes with the first run, and the table is for
		// all of them. The file is removed when the process ends… or left
		// in the temporary directory, which the system cleans.
		dir, err := os.MkdirTemp("", "outbox-dedup-")
		if err != nil {
			b.Fatal(err)
		}
		db := openDBKeep(b, "sqlite:"+filepath.Join(dir, "orgsync.db"))
		dedupOnce.store = outboxdb.New(db)
		// A million sent keys, written in big transactions.
		const total, per = 1_000_000, 20_000
		now := time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)
		for i := 0; i < total; i += per {
			msgs := make([]connectors.Message, per)
			for j := range msgs {
				msgs[j] = outboxtest.Message(fmt.Sprintf("sent/%07d", i+j))
				msgs[j].Attachments = nil
			}
			if _, err := dedupOnce.store.Enqueue(ctx, now, msgs...); err != nil {
				b.Fatal(err)
			}
		}
		db.Write(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(`UPDATE outbox_messages SET state = 2`); return err })
	})
	s := dedupOnce.store
	at := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		n, err := s.Enqueue(ctx, at, outboxtest.Message(fmt.Sprintf("sent/%07d", (i*7919)%1_000_000)))
		if err != nil || n != 0 {
			b.Fatalf("a sent key was queued again: %d %v", n, err)
		}
	}
}
