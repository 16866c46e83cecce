package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/internal/smtptest"
	"github.com/orgsync/orgsync/statedb"
)

// mailFixture is a mail configuration pointing at a loopback SMTP server
// with STARTTLS and AUTH, its password in a file, and a state database.
type mailFixture struct {
	srv          *smtptest.Server
	dir, config  string
	dbURL, dbKey string
}

func newMailFixture(t *testing.T) *mailFixture {
	t.Helper()
	f := &mailFixture{srv: smtptest.Start(t, smtptest.Options{}), dir: t.TempDir()}
	host, port, _ := net.SplitHostPort(f.srv.Addr)
	pw := filepath.Join(f.dir, "smtp-password")
	require.NoError(t, os.WriteFile(pw, []byte(smtptest.Password+"\n"), 0o600))
	f.config = f.write(t, "mail.yaml", fmt.Sprintf(`smtp:
  host: %s
  port: %s
  ca_file: %s
  server_name: smtp.kommune.test
  auth: plain
  username: %s
  password_file: %s
  connect_timeout: 3s
notify:
  from: {name: Sjølund Kommune, addr: orgsync@sjolund.test}
  rules:
    - name: ny
      trigger: person-created
      to: {addresses: [personale@sjolund.test]}
`, host, port, f.srv.CAFile, smtptest.User, pw))
	f.dbURL = "sqlite:" + filepath.Join(f.dir, "orgsync.db")
	f.dbKey = f.write(t, "db.key", statedb.GenerateKey())
	return f
}

func (f *mailFixture) write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func (f *mailFixture) db(args ...string) []string {
	return append([]string{"--db", f.dbURL, "--db-key-file", f.dbKey}, args...)
}

func TestMailTestSendsThroughTheConfiguredServer(t *testing.T) {
	f := newMailFixture(t)
	out, errOut, status := orgsync("mail", "test", "--config", f.config, "--to", "aase@sjolund.test")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "sent a test message to aase@sjolund.test through 127.0.0.1:")
	got := f.srv.Received()
	require.Len(t, got, 1)
	assert.True(t, got[0].TLS)
	assert.Equal(t, smtptest.User, got[0].User)
	d, err := connectortest.ParseMail(got[0].Data)
	require.NoError(t, err)
	assert.Equal(t, "Prøvebesked fra orgsync", d.Subject)
	assert.Equal(t, []connectors.Address{{Addr: "aase@sjolund.test"}}, d.To)

	bad := f.write(t, "wrong-password", "not-it\n")
	cfg, _ := os.ReadFile(f.config)
	wrong := f.write(t, "wrong.yaml", strings.Replace(string(cfg), filepath.Join(f.dir, "smtp-password"), bad, 1))
	_, errOut, status = orgsync("mail", "test", "--config", wrong, "--to", "aase@sjolund.test")
	assert.Equal(t, 1, status, "the server refused: exit 1")
	assert.Contains(t, errOut, "orgsync mail test: ")
	assert.NotContains(t, errOut, "not-it", "the password is never printed")
	assert.Len(t, f.srv.Received(), 1, "nothing more was delivered")

	_, errOut, status = orgsync("mail", "test", "--config", f.config)
	assert.Equal(t, 2, status)
	assert.Equal(t, "orgsync mail test: give --to ADDRESS: who gets the test message\n", errOut)
	_, errOut, status = orgsync("mail", "test", "--config", f.config, "--to", "Bcc: x@y\r\n")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--to")
}

func TestMailCheckReportsEveryProblemWithItsLine(t *testing.T) {
	f := newMailFixture(t)
	tmpl := filepath.Join(f.dir, "templates")
	require.NoError(t, os.Mkdir(tmpl, 0o700))
	f.write(t, "templates/person-created.tmpl", "{{define \"subject\"}}x{{end}}\n{{define \"text\"}}\n{{.Persn.Name}}{{end}}\n{{define \"html\"}}{{end}}\n")
	cfg := f.write(t, "bad.yaml", `smtp:
  host: smtp.sjolund.test
  tls: sometimes
notify:
  from: {addr: orgsync@sjolund.test}
  templates: `+tmpl+`
  rules:
    - name: ny
      trigger: person-created
      to:
        addresses: [personale@sjolund.test, "ikke en adresse"]
    - name: hvad
      trigger: person-deleted
      to: {manager: true}
`)
	_, errOut, status := orgsync("mail", "check", "--config", cfg)
	assert.Equal(t, 2, status)
	for _, want := range []string{
		// (the paths' temporary directories end in ten digits, which
		// the CPR redaction masks: the file names are checked)
		"bad.yaml:1: smtp: ", "tls \"sometimes\"",
		"bad.yaml:11: notify.rules.0.to.addresses.1: \"ikke en adresse\" is not a mail address",
		"bad.yaml:13: notify.rules.1.trigger: unknown trigger \"person-deleted\"",
		"person-created.tmpl:3",
	} {
		assert.Contains(t, errOut, want)
	}

	out, errOut, status := orgsync("mail", "check", "--config", f.config)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "the configuration holds: 1 rules (ny)")

	_, errOut, status = orgsync("mail", "check", "--config", filepath.Join(f.dir, "missing.yaml"))
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--config: ")
}

func TestMailPreviewShowsARulesMailOnTheSample(t *testing.T) {
	out, errOut, status := orgsync("mail", "preview", "--rule", "kommende")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "Subject: Kommende medarbejder: Åse Ørsted starter 1. februar 2027\n")
	assert.Contains(t, out, "To: it@sjolund.dk\n")
	out, _, status = orgsync("mail", "preview", "--rule", "digest", "--html")
	require.Equal(t, 0, status)
	assert.Contains(t, out, "<")
	_, errOut, status = orgsync("mail", "preview", "--rule", "ingen")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "no rule ingen (the rules are ny-medarbejder, ny-konto")
}

func TestMailOutboxListRequeueAndSend(t *testing.T) {
	f := newMailFixture(t)
	ctx := context.Background()
	db, err := openStateDB(ctx, f.dbURL, f.dbKey)
	require.NoError(t, err)
	store := outboxdb.New(db)
	msg := func(key, to string) connectors.Message {
		return connectors.Message{Key: key, From: connectors.Address{Addr: "orgsync@sjolund.test"},
			To: []connectors.Address{{Addr: to}}, Subject: "Ny medarbejder: Åse", Text: "Åse begynder.\n"}
	}
	_, err = store.Enqueue(ctx, time.Now().Add(-time.Minute), msg("notify/ny/a", "a@sjolund.test"), msg("notify/ny/b", "b@sjolund.test"))
	require.NoError(t, err)
	require.NoError(t, db.Close())

	f.srv.Refuse(smtptest.Refusal{Stage: "rcpt", Code: 550, Message: "5.1.1 no such mailbox"})
	out, errOut, status := orgsync(append([]string{"mail", "send", "--config", f.config}, f.db()...)...)
	assert.Equal(t, 1, status, errOut)
	assert.Contains(t, out, "sent 1, to be retried 0, failed 1\n")
	require.Len(t, f.srv.Received(), 1)
	assert.Equal(t, []string{"b@sjolund.test"}, f.srv.Received()[0].To)

	out, errOut, status = orgsync(append([]string{"mail", "outbox", "--state", "failed"}, f.db()...)...)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "notify/ny/a")
	assert.Contains(t, out, "no such mailbox", "the server's reply is shown")
	assert.NotContains(t, out, "notify/ny/b")
	assert.Contains(t, out, "1 messages\n")

	_, errOut, status = orgsync(append([]string{"mail", "requeue", "notify/ny/b"}, f.db()...)...)
	assert.Equal(t, 1, status, "a sent message is not requeued")
	assert.Contains(t, errOut, "notify/ny/b: no failed message has this key")
	out, errOut, status = orgsync(append([]string{"mail", "requeue", "notify/ny/a"}, f.db()...)...)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "requeued 1 messages")

	out, errOut, status = orgsync(append([]string{"mail", "send", "--config", f.config}, f.db()...)...)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "sent 1, to be retried 0, failed 0\n")
	require.Len(t, f.srv.Received(), 2, "each message delivered once")

	out, errOut, status = orgsync(append([]string{"mail", "outbox", "--json"}, f.db()...)...)
	require.Equal(t, 0, status, errOut)
	var states []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var l outboxLine
		require.NoError(t, json.Unmarshal([]byte(line), &l))
		states = append(states, l.Key+"="+l.State)
		assert.False(t, l.SentAt.IsZero())
	}
	assert.ElementsMatch(t, []string{"notify/ny/a=sent", "notify/ny/b=sent"}, states)

	_, errOut, status = orgsync("mail", "outbox", "--state", "lost", "--db", f.dbURL)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, `--state "lost": want queued, sent or failed`)
	_, errOut, status = orgsync("mail", "requeue", "--db", f.dbURL)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--failed")
}
