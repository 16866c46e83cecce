package outboxtest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
)

// DigestStore is a store that holds digests as well.
type DigestStore interface {
	outbox.Store
	outbox.Digests
}

// Held returns a valid notice with the key for the group, held at `at`
// and due a window later.
func Held(group, key string, at time.Time, window time.Duration) outbox.Held {
	return outbox.Held{Group: group, Message: Message(key), HeldAt: at, Due: at.Add(window)}
}

// TestDigests runs the digest suite against the stores open makes (each
// empty): dedup of notices across release, the debounce (a group is ready
// when its earliest notice is due, later notices join it), Ready's order
// and limit, and a release that queues its digest and marks its notices
// at once, or does neither.
func TestDigests(t *testing.T, open func(t *testing.T) DigestStore) {
	t.Run("Debounce", func(t *testing.T) { testDebounce(t, open(t)) })
	t.Run("HoldDedup", func(t *testing.T) { testHoldDedup(t, open(t)) })
	t.Run("ReadyOrder", func(t *testing.T) { testReadyOrder(t, open(t)) })
	t.Run("ReleaseAtomic", func(t *testing.T) { testReleaseAtomic(t, open(t)) })
	t.Run("HoldInvalid", func(t *testing.T) { testHoldInvalid(t, open(t)) })
}

func testDebounce(t *testing.T, s DigestStore) {
	w := 3 * time.Hour
	n, err := s.Hold(bg(), Held("it@kommune", "n1", t0, w), Held("it@kommune", "n2", t0.Add(time.Hour), w))
	if err != nil || n != 2 {
		t.Fatalf("Hold = %d, %v; want 2", n, err)
	}
	if g, _ := s.Ready(bg(), t0.Add(w-time.Second), 10); len(g) != 0 {
		t.Fatalf("a group is ready before its first notice is due: %d", len(g))
	}
	g, err := s.Ready(bg(), t0.Add(w), 10)
	must(t, err)
	if len(g) != 1 || len(g[0]) != 2 || g[0][0].Message.Key != "n1" || g[0][1].Message.Key != "n2" || g[0][0].Group != "it@kommune" {
		t.Fatalf("Ready at the first notice's due = %+v, want n1 and n2 in one group", g)
	}
	if got := g[0][0]; !got.HeldAt.Equal(t0) || !got.Due.Equal(t0.Add(w)) || got.Message.Subject != Message("n1").Subject {
		t.Fatalf("the notice came back changed: %+v", got)
	}
	digest := Message("digest/1")
	must(t, s.Release(bg(), t0.Add(w), digest, "n1", "n2"))
	if g, _ := s.Ready(bg(), t0.Add(10*w), 10); len(g) != 0 {
		t.Fatalf("released notices are ready again: %+v", g)
	}
	due, _ := s.Due(bg(), t0.Add(w), 10)
	if len(due) != 1 || due[0].Message.Key != "digest/1" {
		t.Fatalf("the released digest is not queued: %+v", due)
	}
}

func testHoldDedup(t *testing.T, s DigestStore) {
	if n, _ := s.Hold(bg(), Held("g", "k", t0, 0), Held("g", "k", t0, 0)); n != 1 {
		t.Fatalf("Hold of one key twice = %d new, want 1", n)
	}
	must(t, s.Release(bg(), t0, Message("digest"), "k"))
	if n, err := s.Hold(bg(), Held("g", "k", t0.Add(time.Hour), 0)); err != nil || n != 0 {
		t.Fatalf("Hold of a released key = %d, %v; want 0", n, err)
	}
	if g, _ := s.Ready(bg(), t0.Add(24*time.Hour), 10); len(g) != 0 {
		t.Fatalf("a released key offered again is ready: %+v", g)
	}
}

func testReadyOrder(t *testing.T, s DigestStore) {
	for i := range 5 {
		g := fmt.Sprintf("g%d", 4-i) // g4 earliest
		mustHold(t, s, Held(g, g+"/a", t0.Add(time.Duration(i)*time.Minute), time.Hour))
		mustHold(t, s, Held(g, g+"/b", t0.Add(time.Duration(i)*time.Minute+time.Second), time.Hour))
	}
	g, err := s.Ready(bg(), t0.Add(time.Hour+2*time.Minute), 10)
	must(t, err)
	if len(g) != 3 || g[0][0].Group != "g4" || g[1][0].Group != "g3" || g[2][0].Group != "g2" {
		t.Fatalf("Ready 62 minutes in = %d groups, want g4, g3, g2", len(g))
	}
	if g, _ := s.Ready(bg(), t0.Add(2*time.Hour), 2); len(g) != 2 || g[0][0].Group != "g4" {
		t.Fatalf("Ready(limit 2) = %d groups", len(g))
	}
}

// testReleaseAtomic: a release naming a notice not held fails, queues
// nothing and releases nothing.
func testReleaseAtomic(t *testing.T, s DigestStore) {
	mustHold(t, s, Held("g", "held", t0, 0))
	err := s.Release(bg(), t0, Message("digest"), "held", "never-held")
	if !errors.Is(err, outbox.ErrUnknownKey) {
		t.Fatalf("Release with an unknown key = %v, want ErrUnknownKey", err)
	}
	if all, _ := s.List(bg(), 0, 10); len(all) != 0 {
		t.Fatalf("a failed release queued %d message(s)", len(all))
	}
	if g, _ := s.Ready(bg(), t0, 10); len(g) != 1 || len(g[0]) != 1 {
		t.Fatalf("a failed release released its notices: %+v", g)
	}
	bad := Message("digest")
	bad.Subject = "x\r\nBcc: y@example.test"
	if err := s.Release(bg(), t0, bad, "held"); !errors.Is(err, connectors.Invalid) {
		t.Fatalf("Release of an invalid digest = %v, want Invalid", err)
	}
	if g, _ := s.Ready(bg(), t0, 10); len(g) != 1 {
		t.Fatal("a refused digest released its notices")
	}
}

func testHoldInvalid(t *testing.T, s DigestStore) {
	bad := Held("g", "bad", t0, 0)
	bad.Message.To = nil
	if _, err := s.Hold(bg(), Held("g", "good", t0, 0), bad); !errors.Is(err, connectors.Invalid) {
		t.Fatalf("Hold of a notice without recipients = %v, want Invalid", err)
	}
	if _, err := s.Hold(bg(), Held("", "nogroup", t0, 0)); !errors.Is(err, connectors.Invalid) {
		t.Fatalf("Hold without a group = %v, want Invalid", err)
	}
	if g, _ := s.Ready(bg(), t0, 10); len(g) != 0 {
		t.Fatalf("a refused batch held %d group(s)", len(g))
	}
}

func mustHold(t *testing.T, s DigestStore, notices ...outbox.Held) {
	t.Helper()
	if _, err := s.Hold(bg(), notices...); err != nil {
		t.Fatal(err)
	}
}
