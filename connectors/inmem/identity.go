package inmem

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Identities is the in-memory twin of an identity source such as Omada:
// it holds the identities and service accounts that the test or demo sets
// with Publish, and implements [connectors.IdentitySource].
//
// Identities returns a copy, which the caller may change freely. The zero
// value is not usable; call NewIdentities. Identities is safe for
// concurrent use.
type Identities struct {
	mu     sync.RWMutex
	closed bool
	snap   connectors.IdentitySnapshot // sorted by key; never handed out
}

// Compile-time check that the twin implements the contract.
var _ connectors.IdentitySource = (*Identities)(nil)

// NewIdentities returns an identity twin that holds nothing until the
// first Publish.
func NewIdentities() *Identities { return &Identities{} }

// Publish makes s the source's state: the next call to Identities returns
// it. s must be valid: every identity and service account has a key,
// unique among its kind, of at most [connectors.MaxKeyBytes]; every text
// field is UTF-8 without control characters and at most
// [connectors.MaxFieldBytes] (unit keys at most MaxKeyBytes); every
// interval holds a day; an ObjectGUID is empty or a lower-case UUID; an
// address has a type and a value. If it is not, Publish returns an Invalid
// error that names every problem (national ids masked) and the twin is
// unchanged. The twin keeps no reference to s.
func (s *Identities) Publish(snap *connectors.IdentitySnapshot) error {
	const op = "publish"
	if snap == nil {
		return connectors.Errorf(connectors.Invalid, op, "no snapshot")
	}
	if err := checkIdentities(snap); err != nil {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Err: err}
	}
	c := copyIdentities(snap)
	slices.SortStableFunc(c.Identities, func(a, b connectors.Identity) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortStableFunc(c.ServiceAccounts, func(a, b connectors.ServiceAccount) int { return cmp.Compare(a.Key, b.Key) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr(op)
	}
	s.snap = *c
	return nil
}

// Ping checks that the twin is open.
func (s *Identities) Ping(ctx context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.check(ctx, "ping")
}

// Identities returns a copy of what was last published, identities and
// service accounts each sorted by key, addresses in the order published.
func (s *Identities) Identities(ctx context.Context) (*connectors.IdentitySnapshot, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.check(ctx, "identities"); err != nil {
		return nil, err
	}
	return copyIdentities(&s.snap), nil
}

// Close closes the twin; later calls fail with an Invalid error. Closing
// a closed twin does nothing.
func (s *Identities) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// check is the common start of every call; the caller holds s.mu.
func (s *Identities) check(ctx context.Context, op string) error {
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, "")
	}
	if s.closed {
		return s.closedErr(op)
	}
	return nil
}

func (s *Identities) closedErr(op string) error {
	return &connectors.Error{Kind: connectors.Invalid, Op: op, Err: errIdentitiesClosed}
}

type identitiesClosed struct{}

func (identitiesClosed) Error() string { return "the identity twin is closed" }

var errIdentitiesClosed = identitiesClosed{}

// copyIdentities returns a deep copy of s: nothing in it shares memory
// with s.
func copyIdentities(s *connectors.IdentitySnapshot) *connectors.IdentitySnapshot {
	c := &connectors.IdentitySnapshot{
		Identities:      slices.Clone(s.Identities),
		ServiceAccounts: slices.Clone(s.ServiceAccounts),
	}
	if c.Identities == nil {
		c.Identities = []connectors.Identity{}
	}
	if c.ServiceAccounts == nil {
		c.ServiceAccounts = []connectors.ServiceAccount{}
	}
	for i := range c.Identities {
		c.Identities[i].Addresses = slices.Clone(c.Identities[i].Addresses)
	}
	return c
}

// clip shortens outside text for an error message.
func clip(s string) string { return shorten.To(s, 64) }

// identityChecker collects the problems of a snapshot.
type identityChecker struct{ errs []error }

func (c *identityChecker) add(what string, i int, key, field, format string, args ...any) {
	msg := what + " " + strconv.Quote(clip(key)) + " (row " + strconv.Itoa(i+1) + ") " + field + ": " + fmt.Sprintf(format, args...)
	c.errs = append(c.errs, errors.New(redact.NationalIDs(msg)))
}

// text checks a text field: present if required, and as
// connectors.CheckText says.
func (c *identityChecker) text(what string, i int, key, field, v string, limit int, required bool) {
	if v == "" {
		if required {
			c.add(what, i, key, field, "empty")
		}
		return
	}
	if err := connectors.CheckText(v, limit); err != nil {
		c.add(what, i, key, field, "%v", err)
	}
}

func (c *identityChecker) valid(what string, i int, key string, iv timeline.Interval) {
	if err := iv.Validate(); err != nil {
		c.add(what, i, key, "Valid", "%v", err)
	}
}

func (c *identityChecker) guid(what string, i int, key string, id connectors.ID) {
	if id == "" {
		return
	}
	u, err := uuid.Parse(string(id))
	if err != nil || u.String() != string(id) {
		c.add(what, i, key, "ObjectGUID", "%q is not a lower-case UUID", clip(string(id)))
	}
}

func (c *identityChecker) unique(what string, i int, key string, seen map[string]int) {
	if first, ok := seen[key]; ok {
		c.add(what, i, key, "Key", "also the key of row %d", first+1)
		return
	}
	seen[key] = i
}

// checkIdentities checks what Publish takes, returning every problem.
func checkIdentities(s *connectors.IdentitySnapshot) error {
	const (
		keyLen   = connectors.MaxKeyBytes
		fieldLen = connectors.MaxFieldBytes
	)
	c := &identityChecker{}
	seen := map[string]int{}
	for i, id := range s.Identities {
		const w = "identity"
		c.text(w, i, id.Key, "Key", id.Key, keyLen, true)
		c.unique(w, i, id.Key, seen)
		c.text(w, i, id.Key, "NationalID", string(id.NationalID), fieldLen, false)
		c.text(w, i, id.Key, "GivenNames", id.GivenNames, fieldLen, false)
		c.text(w, i, id.Key, "Surname", id.Surname, fieldLen, false)
		c.text(w, i, id.Key, "Unit", id.Unit, keyLen, false)
		c.text(w, i, id.Key, "JobTitle", id.JobTitle, fieldLen, false)
		c.text(w, i, id.Key, "Category", id.Category, fieldLen, false)
		c.text(w, i, id.Key, "Login", id.Login, fieldLen, false)
		c.valid(w, i, id.Key, id.Valid)
		c.guid(w, i, id.Key, id.ObjectGUID)
		for j, a := range id.Addresses {
			field := "Addresses[" + strconv.Itoa(j) + "]"
			c.text(w, i, id.Key, field+".Type", a.Type, fieldLen, true)
			c.text(w, i, id.Key, field+".Value", a.Value, fieldLen, true)
		}
	}
	clear(seen)
	for i, a := range s.ServiceAccounts {
		const w = "service account"
		c.text(w, i, a.Key, "Key", a.Key, keyLen, true)
		c.unique(w, i, a.Key, seen)
		c.text(w, i, a.Key, "Unit", a.Unit, keyLen, false)
		c.text(w, i, a.Key, "Login", a.Login, fieldLen, false)
		c.valid(w, i, a.Key, a.Valid)
		c.guid(w, i, a.Key, a.ObjectGUID)
	}
	return errors.Join(c.errs...)
}
