package outboxtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
)

var t0 = time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)

// Message returns a valid message with the key.
func Message(key string) connectors.Message {
	return connectors.Message{Key: key, From: connectors.Address{Name: "Sjølund Kommune", Addr: "orgsync@kommune.test"},
		To:      []connectors.Address{{Name: "Åse Ørsted-Ærø", Addr: "aase@kommune.test"}},
		Subject: "Ny medarbejder: Bjørn Kærgård", Text: "Bjørn Kærgård starter 1. februar.\n", HTML: "<p>Bjørn</p>",
		Attachments: []connectors.Attachment{{Name: "liste.csv", ContentType: "text/csv", Data: []byte("\xef\xbb\xbfa;b\r\n\x00\xff")}}}
}

// TestStore runs the suite against the stores open makes (each empty).
func TestStore(t *testing.T, open func(t *testing.T) outbox.Store) {
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, open(t)) })
	t.Run("Dedup", func(t *testing.T) { testDedup(t, open(t)) })
	t.Run("DueOrder", func(t *testing.T) { testDueOrder(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("Invalid", func(t *testing.T) { testInvalid(t, open(t)) })
}

func bg() context.Context { return context.Background() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testLifecycle(t *testing.T, s outbox.Store) {
	n, err := s.Enqueue(bg(), t0, Message("a"), Message("b"))
	if err != nil || n != 2 {
		t.Fatalf("Enqueue = %d, %v; want 2", n, err)
	}
	if _, ok, _ := s.Next(bg()); !ok {
		t.Fatal("Next: nothing queued")
	}
	due, err := s.Due(bg(), t0, 10)
	must(t, err)
	if len(due) != 2 || due[0].Message.Key != "a" || due[0].State != outbox.Queued {
		t.Fatalf("Due = %+v", due)
	}
	got, want := due[0].Message, Message("a")
	if got.Subject != want.Subject || got.To[0] != want.To[0] || got.From != want.From || got.HTML != want.HTML ||
		len(got.Attachments) != 1 || !bytes.Equal(got.Attachments[0].Data, want.Attachments[0].Data) {
		t.Fatalf("the message came back changed: %+v", got)
	}
	if due, _ := s.Due(bg(), t0.Add(-time.Second), 10); len(due) != 0 {
		t.Fatalf("messages due before they were queued: %d", len(due))
	}
	must(t, s.MarkSent(bg(), "a", t0.Add(time.Second)))
	must(t, s.MarkRetry(bg(), "b", t0.Add(time.Minute), "421 4.3.2 try later"))
	if due, _ := s.Due(bg(), t0.Add(30*time.Second), 10); len(due) != 0 {
		t.Fatalf("a retried message was due before its time: %+v", due)
	}
	if next, ok, _ := s.Next(bg()); !ok || !next.Equal(t0.Add(time.Minute)) {
		t.Fatalf("Next = %v %v, want the retry's time", next, ok)
	}
	due, _ = s.Due(bg(), t0.Add(time.Minute), 10)
	if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "421 4.3.2 try later" {
		t.Fatalf("the retried message: %+v", due)
	}
	must(t, s.MarkFailed(bg(), "b", "550 5.1.1 no such user"))
	if _, ok, _ := s.Next(bg()); ok {
		t.Fatal("Next reports a queued message, but none is")
	}
	failed, err := s.List(bg(), outbox.Failed, 10)
	must(t, err)
	if len(failed) != 1 || failed[0].LastError != "550 5.1.1 no such user" || failed[0].Attempts != 2 {
		t.Fatalf("List(Failed) = %+v", failed)
	}
	sent, _ := s.List(bg(), outbox.Sent, 10)
	if len(sent) != 1 || !sent[0].SentAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("List(Sent) = %+v", sent)
	}
	if all, _ := s.List(bg(), 0, 10); len(all) != 2 {
		t.Fatalf("List(all) = %d entries", len(all))
	}
	// An operator requeues the failed one: due again, attempts from 0.
	must(t, s.Requeue(bg(), "b", t0.Add(time.Hour)))
	due, _ = s.Due(bg(), t0.Add(time.Hour), 10)
	if len(due) != 1 || due[0].Attempts != 0 || due[0].State != outbox.Queued {
		t.Fatalf("after Requeue: %+v", due)
	}
	for name, err := range map[string]error{
		"MarkSent of an unknown key":   s.MarkSent(bg(), "nope", t0),
		"MarkRetry of a sent message":  s.MarkRetry(bg(), "a", t0, "x"),
		"MarkFailed of a sent message": s.MarkFailed(bg(), "a", "x"),
		"Requeue of a queued message":  s.Requeue(bg(), "b", t0),
		"Requeue of a sent message":    s.Requeue(bg(), "a", t0),
	} {
		if !errors.Is(err, outbox.ErrUnknownKey) {
			t.Errorf("%s: %v, want ErrUnknownKey", name, err)
		}
	}
}

// testDedup offers keys again in every state: nothing is queued twice.
func testDedup(t *testing.T, s outbox.Store) {
	if n, _ := s.Enqueue(bg(), t0, Message("k1"), Message("k1"), Message("k2")); n != 2 {
		t.Fatalf("Enqueue of k1 twice and k2 = %d new, want 2", n)
	}
	must(t, s.MarkSent(bg(), "k1", t0))
	must(t, s.MarkFailed(bg(), "k2", "550"))
	if n, err := s.Enqueue(bg(), t0, Message("k1"), Message("k2"), Message("k3")); err != nil || n != 1 {
		t.Fatalf("Enqueue of a sent, a failed and a new key = %d, %v; want 1", n, err)
	}
	if due, _ := s.Due(bg(), t0, 10); len(due) != 1 || due[0].Message.Key != "k3" {
		t.Fatalf("Due = %+v, want only k3", due)
	}
}

func testDueOrder(t *testing.T, s outbox.Store) {
	for i := range 30 {
		if _, err := s.Enqueue(bg(), t0.Add(time.Duration(i)*time.Second), Message(fmt.Sprintf("m%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	due, _ := s.Due(bg(), t0.Add(time.Hour), 7)
	if len(due) != 7 || due[0].Message.Key != "m00" || due[6].Message.Key != "m06" {
		t.Fatalf("Due(limit 7) = %d, first %s", len(due), due[0].Message.Key)
	}
	must(t, s.MarkRetry(bg(), "m00", t0.Add(2*time.Hour), "later"))
	due, _ = s.Due(bg(), t0.Add(time.Hour), 100)
	if len(due) != 29 || due[0].Message.Key != "m01" {
		t.Fatalf("after a retry: %d due, first %s", len(due), due[0].Message.Key)
	}
	if due, _ := s.Due(bg(), t0.Add(15*time.Second), 100); len(due) != 15 {
		t.Fatalf("%d due 15 s in, want 15", len(due))
	}
}

// testConcurrent has four enqueuers offer the same 50 keys at once:
// each is queued exactly once.
func testConcurrent(t *testing.T, s outbox.Store) {
	var wg sync.WaitGroup
	total := make([]int, 4)
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				n, err := s.Enqueue(bg(), t0, Message(fmt.Sprintf("c%d", i)))
				if err != nil {
					t.Error(err)
					return
				}
				total[g] += n
			}
		})
	}
	wg.Wait()
	if sum := total[0] + total[1] + total[2] + total[3]; sum != 50 {
		t.Fatalf("%d new keys reported for 50 keys", sum)
	}
	if all, _ := s.List(bg(), 0, 1000); len(all) != 50 {
		t.Fatalf("%d entries for 50 keys", len(all))
	}
}

// testInvalid: a malformed message is refused, and nothing of the batch
// is queued.
func testInvalid(t *testing.T, s outbox.Store) {
	bad := Message("bad")
	bad.To[0].Name = "Åse\r\nBcc: x@example.test"
	_, err := s.Enqueue(bg(), t0, Message("good"), bad)
	if !errors.Is(err, connectors.Invalid) {
		t.Fatalf("Enqueue of a header injection = %v, want Invalid", err)
	}
	if all, _ := s.List(bg(), 0, 10); len(all) != 0 {
		t.Fatalf("%d messages queued from a refused batch", len(all))
	}
}
