package connectors

import (
	"strings"
	"testing"
)

func TestRandomPassword(t *testing.T) {
	seen := map[Secret]bool{}
	for range 200 {
		pw := RandomPassword(16)
		if len(pw) != 16 {
			t.Fatalf("length %d, want 16", len(pw))
		}
		for _, set := range passwordSets {
			if !strings.ContainsAny(string(pw), set) {
				t.Fatalf("a password lacks a character of %q", set)
			}
		}
		if strings.ContainsAny(string(pw), "Il0O1") {
			t.Fatal("a password holds a character that reads like another")
		}
		if seen[pw] {
			t.Fatal("a password came twice in 200")
		}
		seen[pw] = true
	}
	if got := len(RandomPassword(3)); got != 8 {
		t.Errorf("a password asked for 3 characters has %d, want the minimum 8", got)
	}
}
