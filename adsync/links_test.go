package adsync_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
)

// TestMapLinksAccountHasOneOwner: linking an account to a second person
// drops the first person's link, so that Link and Owner agree (before the
// fix, the first person kept a link to an account owned by another).
func TestMapLinksAccountHasOneOwner(t *testing.T) {
	l := adsync.NewMapLinks()
	a, b := uuid.New(), uuid.New()
	l.Set(a, "guid-1", "CN=a")
	l.Set(b, "guid-1", "CN=b")
	if id, ok := l.Link(a); ok {
		t.Fatalf("the first person is still linked to %s", id)
	}
	if _, ok := l.AccountDN(a); ok {
		t.Fatal("the first person still has the account's DN")
	}
	if p, ok := l.Owner("guid-1"); !ok || p != b {
		t.Fatalf("owner %v %v, want the second person", p, ok)
	}
	if l.Len() != 1 {
		t.Fatalf("%d links, want 1", l.Len())
	}
}
