package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"mime/quotedprintable"

	"encoding/base64"

	"github.com/orgsync/orgsync/connectors"
)

// MailerFixture is a mailer for one test, and what its mail system
// received.
type MailerFixture struct {
	// Mailer is the connector under test.
	Mailer connectors.Mailer
	// Delivered returns the messages the mail system has received, oldest
	// first (for an SMTP server: ParseMail of what it got).
	Delivered func() []Delivered
}

// Delivered is a message as a mail system received it.
type Delivered struct {
	// From is the header's sender.
	From connectors.Address
	// To are the header's recipients.
	To []connectors.Address
	// Envelope are the RCPT TO addresses, if the system has an envelope.
	Envelope []string
	// Subject is the decoded subject.
	Subject string
	// MessageID is the Message-ID header without its angle brackets.
	MessageID string
	// Text and HTML are the decoded parts.
	Text, HTML string
	// Attachments are the decoded attachments.
	Attachments []connectors.Attachment
	// Headers are the raw header lines, for checks on their encoding.
	Headers string
}

// TestMailer runs the conformance suite against the mailers open makes.
func TestMailer(t *testing.T, open func(t *testing.T) MailerFixture) {
	t.Run("Message", func(t *testing.T) { testMailMessage(t, open(t)) })
	t.Run("MessageID", func(t *testing.T) { testMailMessageID(t, open(t)) })
	t.Run("Refused", func(t *testing.T) { testMailRefused(t, open(t)) })
	t.Run("Context", func(t *testing.T) { testMailContext(t, open(t)) })
	t.Run("Closed", func(t *testing.T) { testMailClosed(t, open(t)) })
}

// mailMessage is a message with every part, in Danish.
func mailMessage(key string) *connectors.Message {
	return &connectors.Message{
		Key:     key,
		From:    connectors.Address{Name: "Sjølund Kommune, IT", Addr: "orgsync@kommune.test"},
		To:      []connectors.Address{{Name: "Åse Ørsted-Ærø", Addr: "aase@kommune.test"}, {Addr: "it-drift@kommune.test"}},
		Subject: "Ny medarbejder: Bjørn Kærgård starter 1. februar — opret i fagsystemerne",
		Text:    "Hej Åse\n\nBjørn Kærgård starter i Ældreplejen den 1. februar 2027.\nBrugernavn: bjkr\n\nVenlig hilsen\norgsync\n",
		HTML:    "<p>Hej Åse</p><p>Bjørn Kærgård starter i <b>Ældreplejen</b> den 1. februar 2027.</p>",
		Attachments: []connectors.Attachment{{Name: "nye-medarbejdere.csv", ContentType: "text/csv; charset=utf-8",
			Data: []byte("\xef\xbb\xbfNavn;Enhed;Start\r\nBjørn Kærgård;Ældreplejen;2027-02-01\r\n")}},
	}
}

func testMailMessage(t *testing.T, f MailerFixture) {
	defer f.Mailer.Close()
	m := mailMessage("conformance/message/1")
	if err := f.Mailer.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := f.Delivered()
	if len(got) != 1 {
		t.Fatalf("%d messages delivered, want 1", len(got))
	}
	d := got[0]
	if d.From.Addr != m.From.Addr || d.From.Name != m.From.Name {
		t.Errorf("From %+v, want %+v", d.From, m.From)
	}
	if len(d.To) != 2 || d.To[0] != m.To[0] || d.To[1].Addr != m.To[1].Addr {
		t.Errorf("To %+v, want %+v", d.To, m.To)
	}
	if d.Envelope != nil && strings.Join(d.Envelope, ",") != "aase@kommune.test,it-drift@kommune.test" {
		t.Errorf("envelope recipients %v", d.Envelope)
	}
	if d.Subject != m.Subject {
		t.Errorf("Subject %q, want %q", d.Subject, m.Subject)
	}
	if strings.TrimRight(normalNL(d.Text), "\n") != strings.TrimRight(m.Text, "\n") {
		t.Errorf("Text %q, want %q", d.Text, m.Text)
	}
	if !strings.Contains(d.HTML, "<b>Ældreplejen</b>") {
		t.Errorf("HTML %q", d.HTML)
	}
	if len(d.Attachments) != 1 || d.Attachments[0].Name != "nye-medarbejdere.csv" || !bytes.Equal(d.Attachments[0].Data, m.Attachments[0].Data) ||
		!strings.HasPrefix(d.Attachments[0].ContentType, "text/csv") {
		t.Errorf("attachments %+v", d.Attachments)
	}
	if d.MessageID == "" {
		t.Error("no Message-ID")
	}
	if d.Headers != "" && strings.ContainsAny(headerValue(d.Headers, "Subject"), "æøåÆØÅ") {
		t.Error("the Subject header holds raw non-ASCII: it must be encoded")
	}
}

func normalNL(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// headerValue returns the raw value of a header in a header block.
func headerValue(headers, name string) string {
	for _, l := range strings.Split(normalNL(headers), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func testMailMessageID(t *testing.T, f MailerFixture) {
	defer f.Mailer.Close()
	ctx := context.Background()
	for _, key := range []string{"conformance/id/a", "conformance/id/a", "conformance/id/b"} {
		if err := f.Mailer.Send(ctx, mailMessage(key)); err != nil {
			t.Fatalf("Send(%s): %v", key, err)
		}
	}
	got := f.Delivered()
	if len(got) < 2 || len(got) > 3 {
		t.Fatalf("%d messages delivered for three sends of two keys", len(got))
	}
	ids := map[string]bool{}
	for _, d := range got {
		ids[d.MessageID] = true
	}
	if len(ids) != 2 {
		t.Fatalf("%d distinct Message-IDs for two keys (%v): a resent key must keep its Message-ID", len(ids), ids)
	}
	for id := range ids {
		if strings.Contains(id, "conformance") {
			t.Errorf("the Message-ID %q holds the key's text", id)
		}
	}
}

// testMailRefused sends messages a Mailer must refuse: nothing is
// delivered, and the error is Invalid.
func testMailRefused(t *testing.T, f MailerFixture) {
	defer f.Mailer.Close()
	for name, change := range map[string]func(*connectors.Message){
		"no key":                func(m *connectors.Message) { m.Key = "" },
		"no recipient":          func(m *connectors.Message) { m.To = nil },
		"bad address":           func(m *connectors.Message) { m.To[0].Addr = "aase at kommune.test" },
		"name in the address":   func(m *connectors.Message) { m.To[0].Addr = "Åse <aase@kommune.test>" },
		"CR LF in a name":       func(m *connectors.Message) { m.To[0].Name = "Åse\r\nBcc: spion@example.test" },
		"CR LF in the subject":  func(m *connectors.Message) { m.Subject = "Hej\r\nBcc: spion@example.test" },
		"LF in the sender name": func(m *connectors.Message) { m.From.Name = "IT\nX-Evil: 1" },
		"no text":               func(m *connectors.Message) { m.Text = " " },
		"not UTF-8":             func(m *connectors.Message) { m.Text = "Hej \xff" },
		"slash in a file name":  func(m *connectors.Message) { m.Attachments[0].Name = "../etc/passwd" },
	} {
		m := mailMessage("conformance/refused/" + name)
		change(m)
		err := f.Mailer.Send(context.Background(), m)
		if !errors.Is(err, connectors.Invalid) {
			t.Errorf("%s: Send = %v, want an Invalid error", name, err)
		}
	}
	if n := len(f.Delivered()); n != 0 {
		t.Fatalf("%d refused messages were delivered", n)
	}
}

func testMailContext(t *testing.T, f MailerFixture) {
	defer f.Mailer.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.Mailer.Send(ctx, mailMessage("conformance/context"))
	if !errors.Is(err, connectors.Transient) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Send with an ended context = %v, want Transient wrapping context.Canceled", err)
	}
	if n := len(f.Delivered()); n != 0 {
		t.Fatalf("%d messages delivered with an ended context", n)
	}
}

func testMailClosed(t *testing.T, f MailerFixture) {
	if err := f.Mailer.Send(context.Background(), mailMessage("conformance/closed/1")); err != nil {
		t.Fatal(err)
	}
	if err := f.Mailer.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := f.Mailer.Send(context.Background(), mailMessage("conformance/closed/2")); err == nil {
		t.Fatal("Send after Close succeeded")
	}
}

// ParseMail decodes a raw message as an SMTP server received it.
func ParseMail(raw []byte) (Delivered, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Delivered{}, err
	}
	var d Delivered
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		d.Headers = string(raw[:i])
	}
	dec := new(mime.WordDecoder)
	if d.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return d, fmt.Errorf("subject: %w", err)
	}
	d.MessageID = strings.Trim(msg.Header.Get("Message-Id"), "<>")
	p := mail.AddressParser{WordDecoder: dec}
	if from, err := p.Parse(msg.Header.Get("From")); err == nil {
		d.From = connectors.Address{Name: from.Name, Addr: from.Address}
	}
	if to, err := p.ParseList(msg.Header.Get("To")); err == nil {
		for _, a := range to {
			d.To = append(d.To, connectors.Address{Name: a.Name, Addr: a.Address})
		}
	}
	err = walkParts(textproto(msg.Header), msg.Body, &d)
	return d, err
}

type header interface{ Get(string) string }

func textproto(h mail.Header) header { return h }

// walkParts decodes a (multipart) body into d.
func walkParts(h header, body io.Reader, d *Delivered) error {
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ct = "text/plain"
	}
	if strings.HasPrefix(ct, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkParts(part.Header, part, d); err != nil {
				return err
			}
		}
	}
	var data io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		data = quotedprintable.NewReader(body)
	case "base64":
		data = base64.NewDecoder(base64.StdEncoding, &stripNL{r: body})
	}
	b, err := io.ReadAll(data)
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	switch {
	case disp == "attachment" || dparams["filename"] != "":
		name, _ := new(mime.WordDecoder).DecodeHeader(dparams["filename"])
		d.Attachments = append(d.Attachments, connectors.Attachment{Name: name, ContentType: h.Get("Content-Type"), Data: b})
	case ct == "text/html":
		d.HTML += string(b)
	default:
		d.Text += string(b)
	}
	return nil
}

// stripNL drops line breaks from base64 text.
type stripNL struct{ r io.Reader }

func (s *stripNL) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
