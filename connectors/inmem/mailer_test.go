package inmem_test

import (
	"context"
	"errors"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
)

func TestMailerConformance(t *testing.T) {
	connectortest.TestMailer(t, func(t *testing.T) connectortest.MailerFixture {
		m := inmem.NewMailer()
		return connectortest.MailerFixture{Mailer: m, Delivered: func() []connectortest.Delivered {
			var out []connectortest.Delivered
			for _, s := range m.Sent() {
				out = append(out, connectortest.Delivered{From: s.From, To: s.To, Subject: s.Subject, MessageID: "twin-" + keyHash(s.Key),
					Text: s.Text, HTML: s.HTML, Attachments: s.Attachments})
			}
			return out
		}}
	})
}

// TestMailerRefuse: scripted refusals come back in order, and a refused
// message is not recorded.
func TestMailerRefuse(t *testing.T) {
	m := inmem.NewMailer()
	m.Refuse(connectors.Errorf(connectors.Transient, "send", "421 try later"), connectors.Errorf(connectors.Constraint, "send", "550 no such user"))
	msg := &connectors.Message{Key: "k", From: connectors.Address{Addr: "a@b.test"}, To: []connectors.Address{{Addr: "c@d.test"}}, Text: "x"}
	if err := m.Send(context.Background(), msg); !errors.Is(err, connectors.Transient) {
		t.Fatalf("first send: %v", err)
	}
	if err := m.Send(context.Background(), msg); !errors.Is(err, connectors.Constraint) {
		t.Fatalf("second send: %v", err)
	}
	if len(m.Sent()) != 0 {
		t.Fatal("a refused message was recorded")
	}
	if err := m.Send(context.Background(), msg); err != nil || len(m.Sent()) != 1 {
		t.Fatalf("third send: %v, %d recorded", err, len(m.Sent()))
	}
}

// keyHash stands in for the Message-ID a real mailer makes of a key.
func keyHash(key string) string {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	return string(rune('a'+h%26)) + string(rune('a'+h/26%26)) + string(rune('a'+h/676%26))
}
