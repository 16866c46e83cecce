package smtp_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/smtp"
	"github.com/orgsync/orgsync/internal/smtptest"
)

// config returns a configuration for srv's listener at addr.
func config(t *testing.T, srv *smtptest.Server, addr, tlsMode, auth string) smtp.Config {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	c := smtp.Config{Host: host, Port: p, TLS: tlsMode, CAFile: srv.CAFile, ServerName: "smtp.kommune.test", HELO: "orgsync.kommune.test",
		ConnectTimeout: 5 * time.Second, SendTimeout: 10 * time.Second}
	if auth != "" {
		c.Auth, c.Username, c.Password = auth, smtptest.User, smtptest.Password
	}
	return c
}

func open(t *testing.T, c smtp.Config) *smtp.Mailer {
	t.Helper()
	m, err := smtp.Open(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// delivered parses what srv received.
func delivered(t *testing.T, srv *smtptest.Server) func() []connectortest.Delivered {
	return func() []connectortest.Delivered {
		var out []connectortest.Delivered
		for _, r := range srv.Received() {
			d, err := connectortest.ParseMail(r.Data)
			if err != nil {
				t.Fatalf("the server received a message that does not parse: %v\n%s", err, r.Data)
			}
			if !r.TLS {
				t.Errorf("a message travelled without TLS")
			}
			d.Envelope = r.To
			out = append(out, d)
		}
		return out
	}
}

func TestConformanceSTARTTLS(t *testing.T) {
	connectortest.TestMailer(t, func(t *testing.T) connectortest.MailerFixture {
		srv := smtptest.Start(t, smtptest.Options{})
		return connectortest.MailerFixture{Mailer: open(t, config(t, srv, srv.Addr, "starttls", "plain")), Delivered: delivered(t, srv)}
	})
}

func TestConformanceImplicitTLS(t *testing.T) {
	connectortest.TestMailer(t, func(t *testing.T) connectortest.MailerFixture {
		srv := smtptest.Start(t, smtptest.Options{})
		return connectortest.MailerFixture{Mailer: open(t, config(t, srv, srv.TLSAddr, "implicit", "login")), Delivered: delivered(t, srv)}
	})
}

func message(key string) *connectors.Message {
	return &connectors.Message{Key: key, From: connectors.Address{Name: "orgsync", Addr: "orgsync@kommune.test"},
		To: []connectors.Address{{Name: "Åse Ørsted", Addr: "aase@kommune.test"}}, Subject: "Prøve æøå", Text: "Hej æøå\n"}
}

// TestReplies: a 421 is transient and a retry delivers once; a 550 is a
// constraint with the server's reply kept, and nothing is delivered.
func TestReplies(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := open(t, config(t, srv, srv.Addr, "starttls", "plain"))
	ctx := context.Background()
	srv.Refuse(smtptest.Refusal{Stage: "mail", Code: 421, Message: "Too busy, try again later"})
	err := m.Send(ctx, message("replies/1"))
	if !errors.Is(err, connectors.Transient) {
		t.Fatalf("after a 421: %v, want Transient", err)
	}
	if err := m.Send(ctx, message("replies/1")); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Fatalf("%d delivered after a 421 and a retry, want 1", n)
	}
	srv.Refuse(smtptest.Refusal{Stage: "rcpt", Code: 550, Message: "No such user here"})
	err = m.Send(ctx, message("replies/2"))
	var ce *connectors.Error
	if !errors.Is(err, connectors.Constraint) || !errors.As(err, &ce) || !strings.HasPrefix(ce.Code, "SMTP 550") || !strings.Contains(err.Error(), "No such user here") {
		t.Fatalf("after a 550: %v, want Constraint with the server's reply", err)
	}
	srv.Refuse(smtptest.Refusal{Stage: "data", Code: 552, Message: "Message too big"})
	if err := m.Send(ctx, message("replies/3")); !errors.Is(err, connectors.Constraint) || !strings.Contains(err.Error(), "552") {
		t.Fatalf("after a 552 at DATA: %v", err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Fatalf("%d delivered, want still 1", n)
	}
	// The mailer goes on after the refusals.
	if err := m.Send(ctx, message("replies/4")); err != nil {
		t.Fatal(err)
	}
}

// TestServerDownThenUp: while the server is down a send is transient;
// once it is up the same message goes through, once.
func TestServerDownThenUp(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := open(t, config(t, srv, srv.Addr, "starttls", "plain"))
	ctx := context.Background()
	if err := m.Send(ctx, message("down/0")); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := m.Send(ctx, message("down/1")); !errors.Is(err, connectors.Transient) {
		t.Fatalf("with the server down: %v, want Transient", err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, message("down/1")); err != nil {
		t.Fatalf("with the server up again: %v", err)
	}
	if got := srv.Received(); len(got) != 2 {
		t.Fatalf("%d delivered, want 2 (each once)", len(got))
	}
}

// TestDowngradeRefused: a server that offers no STARTTLS while TLS is
// required gets nothing, and the error says why.
func TestDowngradeRefused(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{NoSTARTTLS: true})
	m := open(t, config(t, srv, srv.Addr, "starttls", "plain"))
	err := m.Send(context.Background(), message("downgrade"))
	if !errors.Is(err, connectors.Configuration) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("against a server without STARTTLS: %v, want a Configuration error about STARTTLS", err)
	}
	if len(srv.Received()) != 0 {
		t.Fatal("a message was sent without TLS")
	}
	// Plain SMTP only when said, and then without AUTH.
	if _, err := smtp.Open(config(t, srv, srv.Addr, "none", "plain")); !errors.Is(err, connectors.Configuration) {
		t.Fatalf("AUTH over plain SMTP was accepted: %v", err)
	}
	relay := smtptest.Start(t, smtptest.Options{NoSTARTTLS: true, NoAuth: true})
	plain := open(t, config(t, relay, relay.Addr, "none", ""))
	if err := plain.Send(context.Background(), message("relay")); err != nil {
		t.Fatalf("to a relay with tls: none: %v", err)
	}
}

// TestCredentialsAndCertificates: a wrong password and an untrusted
// certificate are configuration errors, and the password is in no error.
func TestCredentialsAndCertificates(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	c := config(t, srv, srv.Addr, "starttls", "plain")
	c.Password = "wrong-password-xyz"
	err := open(t, c).Send(context.Background(), message("auth"))
	if !errors.Is(err, connectors.Configuration) || strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Fatalf("with a wrong password: %v, want Configuration without the password", err)
	}
	c = config(t, srv, srv.Addr, "starttls", "plain")
	c.CAFile = ""
	if err := open(t, c).Send(context.Background(), message("ca")); !errors.Is(err, connectors.Configuration) {
		t.Fatalf("with the system's CAs against a test CA: %v, want Configuration", err)
	}
	if len(srv.Received()) != 0 {
		t.Fatal("a message went through")
	}
	for name, c := range map[string]smtp.Config{
		"no host":   {Port: 587},
		"bad tls":   {Host: "x", TLS: "sometimes"},
		"bad auth":  {Host: "x", Auth: "cram-md5", Username: "u", Password: "p"},
		"no secret": {Host: "x", Auth: "plain", Username: "u"},
		"bad ca":    {Host: "x", CAFile: "/nonexistent/ca.pem"},
	} {
		if _, err := smtp.Open(c); !errors.Is(err, connectors.Configuration) {
			t.Errorf("%s: Open = %v, want Configuration", name, err)
		}
	}
	// A bad tls is one problem, not also a port it left unset.
	if _, err := smtp.Open(smtp.Config{Host: "x", TLS: "sometimes"}); err == nil || strings.Contains(err.Error(), "port") {
		t.Errorf("with tls sometimes: %v, want only the tls problem", err)
	}
	if _, err := smtp.Open(smtp.Config{Host: "x", Port: 70000}); err == nil || !strings.Contains(err.Error(), "port 70000") {
		t.Errorf("with port 70000: %v, want the port problem", err)
	}
}

// TestConnectionReuse: a batch goes over one connection.
func TestConnectionReuse(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := open(t, config(t, srv, srv.Addr, "starttls", "plain"))
	for i := range 20 {
		if err := m.Send(context.Background(), message("reuse/"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Received()); n != 20 {
		t.Fatalf("%d delivered", n)
	}
	if n := srv.Connections(); n != 1 {
		t.Fatalf("%d connections for 20 messages, want 1", n)
	}
}

// TestHeaderEncoding: names and subjects in any script reach the headers
// encoded, never raw, and a From name with a comma stays one address.
func TestHeaderEncoding(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := open(t, config(t, srv, srv.Addr, "starttls", "plain"))
	msg := message("headers")
	msg.To[0].Name = "Ørsted, Åse \"Sol\" <x>"
	msg.Subject = "Γειά σου, 日本語, Ærø"
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	d := delivered(t, srv)()[0]
	// go-mail drops the quotes and angle brackets of a name; the rest
	// survives, and the comma does not split the address.
	if !strings.HasPrefix(d.To[0].Name, "Ørsted, Åse") || d.To[0].Addr != "aase@kommune.test" || len(d.To) != 1 {
		t.Fatalf("To %+v", d.To)
	}
	if d.Subject != msg.Subject {
		t.Fatalf("Subject %q", d.Subject)
	}
	for _, l := range strings.Split(d.Headers, "\r\n") {
		for _, r := range l {
			if r > 127 {
				t.Fatalf("a raw non-ASCII header line: %q", l)
			}
		}
	}
}
