package notify_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/smtp"
	"github.com/orgsync/orgsync/internal/smtptest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

// personTemplate overrides the shipped person-created template, as a
// municipality does from its own directory, and shows the masked CPR.
const personTemplate = `{{define "subject"}}Ny på {{.Engagement.Unit.Name}}: {{.Person.Name}}{{end}}
{{define "text"}}{{.Person.Name}} ({{.Person.CPR}}) begynder {{dato .Engagement.From}}.{{end}}
{{define "html"}}<p>{{.Person.Name}} ({{.Person.CPR}}) begynder {{dato .Engagement.From}}.</p>{{end}}
`

// TestFromTheModelToTheMailServerAcrossARestart runs the whole path on
// real parts: an org model on SQLite, the Notifier following its events,
// the outbox in the same database, the worker sending through the SMTP
// connector over STARTTLS to a loopback server. The host stops between a
// hire and the next; after the restart the second hire is notified, the
// first is not notified again, and each mail arrives once, as a multipart
// message with an encoded UTF-8 subject and the CPR masked.
func TestFromTheModelToTheMailServerAcrossARestart(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "person-created.tmpl"), []byte(personTemplate), 0o600))
	rs, err := notify.Compile(notify.Config{From: from, Templates: dir, Rules: []notify.Rule{{
		Name: "ny", Trigger: notify.PersonCreated,
		To: notify.Recipients{Manager: true}, Cc: notify.Recipients{Addresses: []string{"it@sjolund.test"}},
	}}})
	require.NoError(t, err)

	key, err := statedb.ParseKey([]byte(statedb.GenerateKey()))
	require.NoError(t, err)
	url := "sqlite:" + filepath.Join(t.TempDir(), "orgsync.db")
	open := func() (*statedb.DB, *om.Model) {
		db, err := statedb.Open(bg, url, statedb.Options{Key: key, Schemas: []statedb.Schema{outboxdb.Schema}})
		require.NoError(t, err)
		m, err := om.Open(bg, om.Options{Store: db.Model(), Zone: zone})
		require.NoError(t, err)
		return db, m
	}
	clock := func() time.Time { return t0.Add(time.Hour) }

	// run starts a Notifier on the model and returns its stop.
	run := func(m *om.Model, store *outboxdb.Store) (stop func()) {
		ctx, cancel := context.WithCancel(bg)
		done := make(chan error, 1)
		n := &notify.Notifier{Rules: rs, Model: m, Outbox: store, Digests: store, Now: clock,
			Logger: slog.New(slog.DiscardHandler)}
		go func() { done <- n.Run(ctx) }()
		return func() {
			cancel()
			assert.ErrorIs(t, <-done, context.Canceled)
		}
	}
	waitQueued := func(store *outboxdb.Store, want int) {
		t.Helper()
		for range 500 {
			es, err := store.List(bg, 0, 10)
			require.NoError(t, err)
			if len(es) >= want {
				require.Len(t, es, want)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("the notifier did not queue %d messages", want)
	}

	db, m := open()
	w := seedWorld(t, m)
	store := outboxdb.New(db)
	// The notifier is added to a model with a history: it starts at the
	// present (as Run does itself; done here so that the hire below is
	// not taken for history by a Run that subscribes after it).
	sub, err := m.Subscribe("notify")
	require.NoError(t, err)
	_, err = sub.StartAtPresent(bg)
	require.NoError(t, err)
	stop := run(m, store)
	w.hire(t, "Per", "Prik", w.school, day("2027-03-01"), "Månedsløn")
	waitQueued(store, 1)
	stop()
	w.hire(t, "Åse", "Ødegård", w.school, day("2027-04-01"), "Månedsløn") // while the host is down
	require.NoError(t, db.Close())

	db, m = open()
	defer db.Close()
	w.m = m
	store = outboxdb.New(db)
	stop = run(m, store)
	waitQueued(store, 2)
	stop()

	worker := &outbox.Worker{Store: store, Mailer: mailer(t, srv), Now: clock}
	rep, err := worker.RunOnce(bg)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Sent)
	rep, err = worker.RunOnce(bg)
	require.NoError(t, err)
	assert.Zero(t, rep.Sent, "nothing is sent twice")

	got := srv.Received()
	require.Len(t, got, 2)
	subjects := map[string]connectortest.Delivered{}
	for _, r := range got {
		assert.True(t, r.TLS, "delivered over STARTTLS")
		assert.ElementsMatch(t, []string{"soeren@sjolund.test", "it@sjolund.test"}, r.To)
		assert.NotContains(t, string(r.Data), "5001", "the CPR's last four digits never travel")
		assert.NotContains(t, string(r.Data), "5002")
		d, err := connectortest.ParseMail(r.Data)
		require.NoError(t, err)
		subjects[d.Subject] = d
		assert.Contains(t, d.Headers, "=?UTF-8?", "the subject's Danish letters are encoded")
		assert.Contains(t, d.Headers, "multipart/alternative")
		assert.Equal(t, connectors.Address{Name: "Søren Øster", Addr: "soeren@sjolund.test"}, d.To[0])
		assert.NotEmpty(t, d.MessageID)
	}
	per, ok := subjects["Ny på Skolen ved Søen: Per Prik"]
	require.True(t, ok, "subjects: %v", keys(subjects))
	assert.Equal(t, "Per Prik (010190-xxxx) begynder 1. marts 2027.", strings.TrimSpace(per.Text))
	assert.Contains(t, per.HTML, "<p>Per Prik (010190-xxxx) begynder 1. marts 2027.</p>")
	_, ok = subjects["Ny på Skolen ved Søen: Åse Ødegård"]
	assert.True(t, ok, "the hire made while the host was down is notified after the restart: %v", keys(subjects))
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// mailer opens the SMTP connector on srv over STARTTLS with AUTH PLAIN.
func mailer(t *testing.T, srv *smtptest.Server) *smtp.Mailer {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	m, err := smtp.Open(smtp.Config{Host: host, Port: p, CAFile: srv.CAFile, ServerName: "smtp.kommune.test",
		Auth: "plain", Username: smtptest.User, Password: smtptest.Password, ConnectTimeout: 3 * time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}
