package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/smtp"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// mailSampleConfig is the sample configuration; preview uses it without
// --config.
//
//go:embed testdata/mail/mail.yaml
var mailSampleConfig []byte

const mailUsage = `usage: orgsync mail check|test|preview|outbox|requeue|send [flags]

The mail a municipality's systems get from orgsync: notifications of
org-model events (package boarding/notify), delivered through a durable
outbox (boarding/outbox) by SMTP with TLS (connectors/smtp).

  check    --config FILE
           read the configuration and report every problem in it: the SMTP
           section, each rule, each template tried on sample data (a
           template's problems with its file and line)
  test     --config FILE --to ADDRESS
           connect to the mail server (TLS, AUTH) and send one test message
           now, not through the outbox; say what the server answered
  preview  [--config FILE] [--rule NAME] [--html]
           write a rule's mail on the sample notice (rule "digest": the
           digest template), as someone editing a template wants to see it;
           without --config, the sample configuration
  outbox   --db URL [--state queued|sent|failed] [--limit N] [--json]
           list the outbox: each message's state, attempts, when it is due
           or was sent, and the server's last reply
  requeue  --db URL KEY... | --db URL --failed
           make failed messages due again, attempts counted from zero
  send     --config FILE --db URL
           deliver the messages that are due, once, as the service's worker
           does (for a host that runs it from cron)

The SMTP password is read from the file smtp.password_file names, or from
ORGSYNC_SMTP_PASSWORD; never from the configuration or a flag. The state
database's key is read from --db-key-file or ORGSYNC_DB_KEY.

The exit status is 0 when the command did what it says, 1 when the mail
server or the database refused (the reason is printed), and 2 for a usage
or configuration error.

flags:
`

// mailCmd is one run of the mail command.
type mailCmd struct {
	sub            string
	stdout, stderr io.Writer
	configFile     string
	db, dbKeyFile  string
}

func (c *mailCmd) fail(code int, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintf(c.stderr, "orgsync mail %s: %s\n", c.sub, redact.NationalIDs(msg))
	return code
}

// runMail is the mail command.
func runMail(args []string, stdout, stderr io.Writer) int {
	subs := map[string]bool{"check": true, "test": true, "preview": true, "outbox": true, "requeue": true, "send": true}
	if len(args) == 0 || !subs[args[0]] {
		fmt.Fprint(stderr, mailUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	c := &mailCmd{sub: args[0], stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("orgsync mail "+c.sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), mailUsage); fs.PrintDefaults() }
	fs.StringVar(&c.configFile, "config", "", "the mail configuration, a YAML `FILE` (see testdata/mail/mail.yaml)")
	fs.StringVar(&c.db, "db", "", "the state database holding the outbox, at `URL` (sqlite:PATH or postgres://…)")
	fs.StringVar(&c.dbKeyFile, "db-key-file", "", "a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
	var (
		to     = fs.String("to", "", "test: the `ADDRESS` to send the test message to")
		rule   = fs.String("rule", "", "preview: the rule's `NAME` (default: the first rule)")
		html   = fs.Bool("html", false, "preview: write the HTML part instead of the plain one")
		state  = fs.String("state", "", "outbox: list only the messages in this `state`: queued, sent or failed")
		limit  = fs.Int("limit", 100, "outbox: list at most this many messages (0: all)")
		asJSON = fs.Bool("json", false, "outbox: one JSON object a message")
		failed = fs.Bool("failed", false, "requeue: every failed message")
	)
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(pos) > 0 && c.sub != "requeue" {
		return c.fail(2, "unexpected argument %q (see -h)", clip(pos[0]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch c.sub {
	case "check":
		return c.check()
	case "test":
		return c.test(ctx, *to)
	case "preview":
		return c.preview(*rule, *html)
	case "outbox":
		return c.list(ctx, *state, *limit, *asJSON)
	case "requeue":
		return c.requeue(ctx, pos, *failed)
	default:
		return c.send(ctx)
	}
}

// load reads the configuration: --config, or the sample with sample.
func (c *mailCmd) load(sample bool) (*mailSetup, int) {
	name, data := "(sample) testdata/mail/mail.yaml", mailSampleConfig
	if c.configFile == "" && !sample {
		return nil, c.fail(2, "no configuration: give --config FILE (testdata/mail/mail.yaml is a sample)")
	}
	if c.configFile != "" {
		var err error
		if data, err = os.ReadFile(c.configFile); err != nil {
			return nil, c.fail(2, "--config: %v", err)
		}
		name = c.configFile
	}
	s, err := loadMailConfig(name, data, !sample)
	if err != nil {
		for _, e := range flatten(err) {
			fmt.Fprintf(c.stderr, "orgsync mail %s: %s\n", c.sub, redact.NationalIDs(e.Error()))
		}
		return nil, 2
	}
	return s, 0
}

func (c *mailCmd) check() int {
	s, code := c.load(false)
	if s == nil {
		return code
	}
	fmt.Fprintf(c.stdout, "%s: the configuration holds: %d rules (%s), mail to %s:%d over %s\n",
		c.configFile, len(s.rules.RuleNames()), strings.Join(s.rules.RuleNames(), ", "),
		s.smtp.Host, smtpPort(s.smtp), or(s.smtp.TLS, "starttls"))
	return 0
}

// smtpPort is the port the connector will use.
func smtpPort(c smtp.Config) int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.TLS == "implicit":
		return 465
	case c.TLS == "none":
		return 25
	}
	return 587
}

func (c *mailCmd) test(ctx context.Context, to string) int {
	if to == "" {
		return c.fail(2, "give --to ADDRESS: who gets the test message")
	}
	s, code := c.load(false)
	if s == nil {
		return code
	}
	m, err := smtp.Open(s.smtp)
	if err != nil {
		return c.fail(2, "%v", err)
	}
	defer m.Close()
	if err := m.Ping(ctx); err != nil {
		return c.fail(1, "%v", err)
	}
	now := time.Now()
	host, _ := os.Hostname()
	msg := &connectors.Message{
		Key:     "orgsync/mail-test/" + now.UTC().Format("20060102T150405.000000000Z"),
		From:    s.rules.From(),
		To:      []connectors.Address{{Addr: to}},
		Subject: "Prøvebesked fra orgsync",
		Text: fmt.Sprintf("Denne besked er sendt af orgsync mail test fra %s %s,\ngennem %s:%d.\n\nNår den er nået frem, kan orgsync sende post til jer.\n",
			host, now.Format("2006-01-02 15:04:05 -0700"), s.smtp.Host, smtpPort(s.smtp)),
	}
	if err := connectors.CheckMessage(msg); err != nil {
		return c.fail(2, "--to: %v", err)
	}
	if err := m.Send(ctx, msg); err != nil {
		return c.fail(1, "%v", err)
	}
	fmt.Fprintf(c.stdout, "sent a test message to %s through %s:%d (from %s); the server took it\n",
		to, s.smtp.Host, smtpPort(s.smtp), msg.From.Addr)
	return 0
}

func (c *mailCmd) preview(rule string, html bool) int {
	s, code := c.load(true)
	if s == nil {
		return code
	}
	if rule == "" {
		rule = s.rules.RuleNames()[0]
	}
	msg, err := s.rules.Preview(rule)
	if err != nil {
		return c.fail(2, "%v (the rules are %s, and digest)", err, strings.Join(s.rules.RuleNames(), ", "))
	}
	fmt.Fprintf(c.stdout, "From: %s\nTo: %s\nSubject: %s\n\n", showAddr(msg.From), joinAddrs(msg.To), msg.Subject)
	if html {
		fmt.Fprintln(c.stdout, msg.HTML)
	} else {
		fmt.Fprint(c.stdout, msg.Text)
	}
	return 0
}

// showAddr writes an address for a person to read: the name unencoded.
func showAddr(a connectors.Address) string {
	if a.Name == "" {
		return a.Addr
	}
	return a.Name + " <" + a.Addr + ">"
}

func joinAddrs(as []connectors.Address) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = showAddr(a)
	}
	return strings.Join(s, ", ")
}

// outboxStore opens the database's outbox; close closes the database.
func (c *mailCmd) outboxStore(ctx context.Context) (*outboxdb.Store, func(), int) {
	if c.db == "" {
		return nil, nil, c.fail(2, "give --db URL: the state database the outbox is in")
	}
	db, err := openStateDB(ctx, c.db, c.dbKeyFile)
	if err != nil {
		return nil, nil, c.fail(1, "--db: %v", err)
	}
	return outboxdb.New(db), func() { db.Close() }, 0
}

// outboxLine is one message of the outbox listing, as JSON.
type outboxLine struct {
	Key         string    `json:"key"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	QueuedAt    time.Time `json:"queued_at"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	To          []string  `json:"to"`
	Subject     string    `json:"subject"`
	LastError   string    `json:"last_error,omitempty"`
}

func (c *mailCmd) list(ctx context.Context, stateName string, limit int, asJSON bool) int {
	var st outbox.State
	switch stateName {
	case "":
	case "queued":
		st = outbox.Queued
	case "sent":
		st = outbox.Sent
	case "failed":
		st = outbox.Failed
	default:
		return c.fail(2, "--state %q: want queued, sent or failed", clip(stateName))
	}
	if limit < 0 {
		return c.fail(2, "--limit cannot be negative")
	}
	store, closeDB, code := c.outboxStore(ctx)
	if store == nil {
		return code
	}
	defer closeDB()
	if limit == 0 {
		limit = 1 << 30
	}
	es, err := store.List(ctx, st, limit)
	if err != nil {
		return c.fail(1, "%v", err)
	}
	loc := timeline.DefaultZone().Location()
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	if !asJSON {
		fmt.Fprintln(tw, "STATE\tTRIES\tQUEUED\tDUE OR SENT\tTO\tSUBJECT\tKEY\tLAST ERROR")
	}
	enc := json.NewEncoder(c.stdout)
	for _, e := range es {
		l := outboxLine{Key: e.Message.Key, State: e.State.String(), Attempts: e.Attempts, QueuedAt: e.QueuedAt.In(loc),
			Subject: redact.NationalIDs(e.Message.Subject), LastError: redact.NationalIDs(e.LastError)}
		for _, a := range append(append([]connectors.Address{}, e.Message.To...), e.Message.Cc...) {
			l.To = append(l.To, a.Addr)
		}
		when := ""
		switch e.State {
		case outbox.Queued:
			l.NextAttempt = e.NextAttempt.In(loc)
			when = "due " + l.NextAttempt.Format("2006-01-02 15:04")
		case outbox.Sent:
			l.SentAt = e.SentAt.In(loc)
			when = "sent " + l.SentAt.Format("2006-01-02 15:04")
		}
		if asJSON {
			if err := enc.Encode(l); err != nil {
				return c.fail(1, "%v", err)
			}
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", l.State, l.Attempts, l.QueuedAt.Format("2006-01-02 15:04"), when,
			clip(strings.Join(l.To, ",")), clip(l.Subject), l.Key, oneLineText(l.LastError)) // last: the server's reply whole
	}
	if !asJSON {
		tw.Flush()
		fmt.Fprintf(c.stdout, "%d messages\n", len(es))
	}
	return 0
}

// oneLineText puts a server's multi-line reply on one line for a table.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *mailCmd) requeue(ctx context.Context, keys []string, allFailed bool) int {
	if allFailed == (len(keys) > 0) {
		return c.fail(2, "give the keys of the failed messages to requeue, or --failed for all of them (see orgsync mail outbox --state failed)")
	}
	store, closeDB, code := c.outboxStore(ctx)
	if store == nil {
		return code
	}
	defer closeDB()
	if allFailed {
		es, err := store.List(ctx, outbox.Failed, 1<<30)
		if err != nil {
			return c.fail(1, "%v", err)
		}
		for _, e := range es {
			keys = append(keys, e.Message.Key)
		}
	}
	now, status := time.Now(), 0
	n := 0
	for _, k := range keys {
		if err := store.Requeue(ctx, k, now); err != nil {
			if errors.Is(err, outbox.ErrUnknownKey) {
				err = fmt.Errorf("%s: no failed message has this key", clip(k))
			}
			c.fail(1, "%v", err)
			status = 1
			continue
		}
		n++
	}
	fmt.Fprintf(c.stdout, "requeued %d messages; the next send delivers them\n", n)
	return status
}

func (c *mailCmd) send(ctx context.Context) int {
	s, code := c.load(false)
	if s == nil {
		return code
	}
	store, closeDB, code := c.outboxStore(ctx)
	if store == nil {
		return code
	}
	defer closeDB()
	m, err := smtp.Open(s.smtp)
	if err != nil {
		return c.fail(2, "%v", err)
	}
	defer m.Close()
	w := &outbox.Worker{Store: store, Mailer: m, Now: time.Now}
	var total outbox.Report
	for {
		rep, err := w.RunOnce(ctx)
		total.Sent, total.Retried, total.Failed = total.Sent+rep.Sent, total.Retried+rep.Retried, total.Failed+rep.Failed
		if err != nil {
			return c.fail(1, "%v (sent %d before that)", err, total.Sent)
		}
		if rep.Sent+rep.Retried+rep.Failed == 0 || rep.Sent == 0 {
			break // nothing due, or the server refuses: the backoff decides when next
		}
	}
	fmt.Fprintf(c.stdout, "sent %d, to be retried %d, failed %d\n", total.Sent, total.Retried, total.Failed)
	if total.Retried+total.Failed > 0 {
		fmt.Fprintln(c.stdout, "see orgsync mail outbox for the server's replies")
		return 1
	}
	return 0
}
