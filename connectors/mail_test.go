package connectors_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors"
)

func okMessage() *connectors.Message {
	return &connectors.Message{Key: "k/1", From: connectors.Address{Name: "IT", Addr: "it@kommune.test"},
		To: []connectors.Address{{Name: "Åse Ørsted", Addr: "aase@kommune.test"}}, Subject: "Ny medarbejder", Text: "Hej"}
}

func TestCheckMessage(t *testing.T) {
	if err := connectors.CheckMessage(okMessage()); err != nil {
		t.Fatalf("a good message: %v", err)
	}
	for name, change := range map[string]func(*connectors.Message){
		"long key":         func(m *connectors.Message) { m.Key = strings.Repeat("k", connectors.MaxMessageKey+1) },
		"key with newline": func(m *connectors.Message) { m.Key = "a\nb" },
		"too many":         func(m *connectors.Message) { m.Cc = make([]connectors.Address, connectors.MaxRecipients) },
		"long subject":     func(m *connectors.Message) { m.Subject = strings.Repeat("æ", connectors.MaxSubjectBytes) },
		"bad cc":           func(m *connectors.Message) { m.Cc = []connectors.Address{{Addr: "@kommune.test"}} },
		"bad reply-to":     func(m *connectors.Message) { m.ReplyTo = &connectors.Address{Addr: "nobody"} },
		"NUL in name":      func(m *connectors.Message) { m.To[0].Name = "Åse\x00" },
		"C1 control":       func(m *connectors.Message) { m.Subject = "x\u0085y" },
		"no from":          func(m *connectors.Message) { m.From = connectors.Address{} },
		"huge":             func(m *connectors.Message) { m.Text = strings.Repeat("x", connectors.MaxMessageBytes+1) },
		"attachment no ct": func(m *connectors.Message) { m.Attachments = []connectors.Attachment{{Name: "a.csv"}} },
		"attachment CR": func(m *connectors.Message) {
			m.Attachments = []connectors.Attachment{{Name: "a\r.csv", ContentType: "text/csv"}}
		},
		"two addresses":     func(m *connectors.Message) { m.To[0].Addr = "a@kommune.test, b@kommune.test" },
		"quoted name smugg": func(m *connectors.Message) { m.To[0].Addr = `"x" <a@kommune.test>` },
	} {
		m := okMessage()
		change(m)
		err := connectors.CheckMessage(m)
		var ce *connectors.Error
		if !errors.Is(err, connectors.Invalid) || !errors.As(err, &ce) || ce.Op != "send" {
			t.Errorf("%s: %v, want an Invalid send error", name, err)
		}
	}
	if err := connectors.CheckMessage(nil); !errors.Is(err, connectors.Invalid) {
		t.Errorf("nil message: %v", err)
	}
}

// FuzzCheckMessage: whatever CheckMessage passes has no line break or
// other control character in any header field, so nothing a person's name
// holds can add a header.
func FuzzCheckMessage(f *testing.F) {
	f.Add("Åse Ørsted", "aase@kommune.test", "Ny medarbejder", "k/1")
	f.Add("Åse\r\nBcc: x@y", "aase@kommune.test", "Hej", "k")
	f.Add("", "\"a b\"@kommune.test", "Hej\nX: y", "k\x00")
	f.Add("=?utf-8?q?x?=", "a@[127.0.0.1]", "=?utf-8?b?SGVq?=", "k")
	f.Fuzz(func(t *testing.T, name, addr, subject, key string) {
		m := &connectors.Message{Key: key, From: connectors.Address{Name: name, Addr: "it@kommune.test"},
			To: []connectors.Address{{Name: name, Addr: addr}}, Subject: subject, Text: "x"}
		if connectors.CheckMessage(m) != nil {
			return
		}
		for _, s := range []string{name, addr, subject, key} {
			if strings.ContainsAny(s, "\r\n\x00") {
				t.Fatalf("passed a header field with a line break or NUL: %q", s)
			}
		}
	})
}
