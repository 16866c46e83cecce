package smtp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/orgsync/orgsync/connectors"
)

// Mailer sends mail through one SMTP server, over one connection kept
// open between messages.
type Mailer struct {
	cfg Config

	mu        sync.Mutex // one message at a time on the connection
	client    *gomail.Client
	connected bool
	lastUsed  time.Time
	closed    bool
}

var _ connectors.Mailer = (*Mailer)(nil)

// Open checks cfg and returns a Mailer; it connects at the first Send
// (or Ping).
func Open(cfg Config) (*Mailer, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Mailer{cfg: c}, nil
}

// newClient makes a go-mail client for the configuration.
func (m *Mailer) newClient() (*gomail.Client, error) {
	c := m.cfg
	opts := []gomail.Option{
		gomail.WithPort(c.Port),
		gomail.WithTimeout(c.ConnectTimeout),
		gomail.WithTLSConfig(&tls.Config{RootCAs: c.RootCAs, ServerName: c.ServerName, MinVersion: tls.VersionTLS12}),
	}
	switch c.TLS {
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "implicit":
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	switch c.Auth {
	case "plain":
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(c.Username), gomail.WithPassword(string(c.Password)))
	case "login":
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthLogin), gomail.WithUsername(c.Username), gomail.WithPassword(string(c.Password)))
	}
	helo := c.HELO
	if helo == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			helo = h
		}
	}
	if helo != "" {
		opts = append(opts, gomail.WithHELO(helo))
	}
	return gomail.NewClient(c.Host, opts...)
}

// connect dials, if not connected. The caller holds m.mu.
func (m *Mailer) connect(ctx context.Context) error {
	if m.connected && time.Since(m.lastUsed) < m.cfg.IdleTimeout {
		return nil
	}
	m.disconnect()
	client, err := m.newClient()
	if err != nil {
		return &connectors.Error{Kind: connectors.Configuration, Op: "connect", Object: m.where(), Err: err}
	}
	dctx, cancel := context.WithTimeout(ctx, m.cfg.ConnectTimeout)
	defer cancel()
	if err := client.DialWithContext(dctx); err != nil {
		return m.classify("connect", err, ctx)
	}
	m.client, m.connected, m.lastUsed = client, true, time.Now()
	return nil
}

// disconnect closes the connection, if any. The caller holds m.mu.
func (m *Mailer) disconnect() {
	if m.client != nil {
		m.client.Close()
	}
	m.client, m.connected = nil, false
}

func (m *Mailer) where() string { return fmt.Sprintf("%s:%d", m.cfg.Host, m.cfg.Port) }

// Ping connects (TLS and AUTH included) if not connected.
func (m *Mailer) Ping(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return connectors.Errorf(connectors.Invalid, "ping", "the mailer is closed")
	}
	return m.connect(ctx)
}

// Send delivers msg over the open connection, connecting first if
// needed. A failed message closes the connection; the next Send opens
// another.
func (m *Mailer) Send(ctx context.Context, msg *connectors.Message) error {
	if err := ctx.Err(); err != nil {
		return &connectors.Error{Kind: connectors.Transient, Op: "send", Object: msg.Key, Err: err}
	}
	if err := connectors.CheckMessage(msg); err != nil {
		return err
	}
	gm, err := m.build(msg)
	if err != nil {
		return &connectors.Error{Kind: connectors.Invalid, Op: "send", Object: msg.Key, Err: err}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return connectors.Errorf(connectors.Invalid, "send", "the mailer is closed")
	}
	if err := m.connect(ctx); err != nil {
		return err
	}
	// go-mail's Send takes no context: run it, and on a deadline close
	// the connection under it, which ends it.
	sctx, cancel := context.WithTimeout(ctx, m.cfg.SendTimeout)
	defer cancel()
	client := m.client
	done := make(chan error, 1)
	go func() { done <- client.Send(gm) }()
	select {
	case err = <-done:
	case <-sctx.Done():
		m.disconnect()
		<-done
		return &connectors.Error{Kind: connectors.Transient, Op: "send", Object: msg.Key, Err: sctx.Err()}
	}
	if err != nil {
		m.disconnect()
		return m.classify("send", err, ctx)
	}
	m.lastUsed = time.Now()
	return nil
}

// Close closes the connection; later sends fail.
func (m *Mailer) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.disconnect()
	return nil
}

// messageID makes the Message-ID of a key: a hash, so that the key's
// text (which may name a person) is not in every mailbox's headers.
func (m *Mailer) messageID(msg *connectors.Message) string {
	domain := m.cfg.MessageIDDomain
	if domain == "" {
		domain = msg.From.Addr[strings.LastIndexByte(msg.From.Addr, '@')+1:]
	}
	sum := sha256.Sum256([]byte(msg.Key))
	return hex.EncodeToString(sum[:16]) + ".orgsync@" + domain
}

// build turns a checked message into go-mail's.
func (m *Mailer) build(msg *connectors.Message) (*gomail.Msg, error) {
	gm := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingQP), gomail.WithCharset(gomail.CharsetUTF8))
	if err := gm.FromFormat(msg.From.Name, msg.From.Addr); err != nil {
		return nil, err
	}
	for _, a := range msg.To {
		if err := gm.AddToFormat(a.Name, a.Addr); err != nil {
			return nil, err
		}
	}
	for _, a := range msg.Cc {
		if err := gm.AddCcFormat(a.Name, a.Addr); err != nil {
			return nil, err
		}
	}
	if msg.ReplyTo != nil {
		if err := gm.ReplyToFormat(msg.ReplyTo.Name, msg.ReplyTo.Addr); err != nil {
			return nil, err
		}
	}
	gm.Subject(msg.Subject)
	gm.SetMessageIDWithValue(m.messageID(msg))
	gm.SetDate()
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	for _, a := range msg.Attachments {
		if err := gm.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, err
		}
	}
	return gm, nil
}

// classify makes a connectors error of what go-mail returned.
func (m *Mailer) classify(op string, err error, ctx context.Context) error {
	e := &connectors.Error{Kind: connectors.Transient, Op: op, Object: m.where(), Err: err}
	if ctx.Err() != nil {
		e.Err = errors.Join(ctx.Err(), err)
		return e
	}
	msg := err.Error()
	var se *gomail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code > 0 {
			e.Code = fmt.Sprintf("SMTP %d", code)
			if enh := se.EnhancedStatusCode(); enh != "" {
				e.Code += " " + enh
			}
		}
		switch code := se.ErrorCode(); {
		case code >= 500 && code != 530 && code != 534 && code != 535:
			e.Kind = connectors.Constraint
		case code == 530 || code == 534 || code == 535:
			e.Kind = connectors.Configuration
		case se.IsTemp() || code >= 400:
			e.Kind = connectors.Transient
		}
		return e
	}
	var cve *tls.CertificateVerificationError
	switch {
	case errors.As(err, &cve), strings.Contains(msg, "x509:"), strings.Contains(msg, "certificate"):
		e.Kind = connectors.Configuration
	case strings.Contains(msg, "does not support STARTTLS"):
		e.Kind = connectors.Configuration
		e.Err = fmt.Errorf("the server offers no STARTTLS, and TLS is required (a downgrade, or a server to configure with tls: implicit or none): %w", err)
	case strings.Contains(msg, "535"), strings.Contains(msg, "534"), strings.Contains(msg, "530"),
		strings.Contains(msg, "authentication failed"), strings.Contains(msg, "does not support SMTP AUTH"):
		e.Kind = connectors.Configuration
	}
	return e
}
