package connectortest

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

// IdentityFixture is what an identity source under test gives the suite
// for one test.
type IdentityFixture struct {
	// Source is the connector under test. It is the test's own: nothing
	// else publishes to it while the test runs.
	Source connectors.IdentitySource
	// Publish makes the source hold exactly s next: for the in-memory
	// twin its Publish, for a real system a test tenant set up to match.
	// The new state must appear at once and whole.
	Publish func(s *connectors.IdentitySnapshot) error
}

// TestIdentitySource runs the IdentitySource conformance suite. open is
// called once per test, possibly from parallel tests, and must return a
// source of its own, and close it when the test ends (a test may have
// closed it first).
func TestIdentitySource(t *testing.T, open func(t *testing.T) IdentityFixture) {
	tests := []struct {
		name string
		fn   func(*testing.T, *identitySuite)
	}{
		{"Ping", testIdentityPing},
		{"RoundTrip", testIdentityRoundTrip},
		{"Republish", testIdentityRepublish},
		{"IdentitiesAreTheCallers", testIdentitiesAreTheCallers},
		{"CanceledContext", testIdentityCanceledContext},
		{"ConcurrentUse", testIdentityConcurrentUse},
		{"Close", testIdentityClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			t.Cleanup(cancel)
			tc.fn(t, &identitySuite{IdentityFixture: f, ctx: ctx})
		})
	}
}

type identitySuite struct {
	IdentityFixture
	ctx context.Context
}

func (s *identitySuite) publish(t *testing.T, snap *connectors.IdentitySnapshot) {
	t.Helper()
	require.NoError(t, s.Publish(cloneIdentities(snap)), "publish")
}

func (s *identitySuite) identities(t *testing.T) *connectors.IdentitySnapshot {
	t.Helper()
	snap, err := s.Source.Identities(s.ctx)
	require.NoError(t, err, "identities")
	require.NotNil(t, snap)
	return snap
}

// identityData has every field of both kinds set, names in several
// scripts, LDAP's special characters, national ids in several forms and
// none, and several addresses.
func identityData() *connectors.IdentitySnapshot {
	since := timeline.Since
	return &connectors.IdentitySnapshot{
		Identities: []connectors.Identity{
			{Key: "ID-1", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen", Unit: "SKOLE", JobTitle: "Vikar, lærer",
				Category: "Vikar", Valid: timeline.Between(date(2026, 1, 1), date(2026, 7, 1)),
				ObjectGUID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", Login: "kaje",
				Addresses: []connectors.IdentityAddress{{Type: "EMAIL", Value: "kaje@example.dk"}, {Type: "PHONE", Value: "+45 12 34 56 78"},
					{Type: "EMAIL", Value: "karina.jensen@example.dk"}}},
			{Key: "ID-SE", NationalID: "19900101-1234", GivenNames: "Åsa", Surname: "Öberg", Unit: "ROOT", JobTitle: "Konsult",
				Category: "Ekstern konsulent", Valid: since(date(2025, 1, 1)), Login: "asob"},
			{Key: "ID-FOREIGN", GivenNames: "John", Surname: "Smith", Category: "Ekstern konsulent", Valid: since(date(2025, 1, 1))},
			{Key: "ID-SCRIPTS", NationalID: "900101+1234", GivenNames: "Γιώργος Ольга", Surname: "الزهراء 王", Unit: scripts, JobTitle: scripts,
				Category: "Vikar", Valid: since(date(2024, 2, 29)), ObjectGUID: "00000000-0000-4000-8000-000000000000", Login: "gp",
				Addresses: []connectors.IdentityAddress{{Type: "EMAIL", Value: "γιώργος@παράδειγμα.ελ"}}},
			{Key: specials, NationalID: "020290-1234", GivenNames: `Anne, "Bee"`, Surname: `O'Hara + <Co>\;=*()#`, Unit: specials,
				JobTitle: specials, Category: specials, Valid: since(date(2000, 1, 1)), Login: "ohara",
				Addresses: []connectors.IdentityAddress{{Type: specials, Value: specials}}},
			{Key: longKey, NationalID: "0303901234", GivenNames: strings.Repeat("Ø", connectors.MaxFieldBytes/2),
				Surname: strings.Repeat("s", connectors.MaxFieldBytes), Unit: longKey, JobTitle: strings.Repeat("j", connectors.MaxFieldBytes),
				Valid: since(date(2000, 1, 1))},
		},
		ServiceAccounts: []connectors.ServiceAccount{
			{Key: "SA-1", Unit: "SKOLE", Login: "svc-skole", ObjectGUID: "9b2c1e3a-7d4f-4a6b-8c9d-0e1f2a3b4c5d", Valid: since(date(2020, 1, 1))},
			{Key: "SA-2", Unit: "ROOT", Login: "svc-print", Valid: timeline.Between(date(2020, 1, 1), date(2030, 1, 1))},
			{Key: specials, Unit: scripts, Login: "svc-ældre", Valid: since(date(2020, 1, 1))},
		},
	}
}

func cloneIdentities(s *connectors.IdentitySnapshot) *connectors.IdentitySnapshot {
	c := &connectors.IdentitySnapshot{Identities: slices.Clone(s.Identities), ServiceAccounts: slices.Clone(s.ServiceAccounts)}
	for i := range c.Identities {
		c.Identities[i].Addresses = slices.Clone(c.Identities[i].Addresses)
	}
	return c
}

// canonicalIdentities returns a copy of s in one order (addresses too),
// so that two snapshots compare as sets.
func canonicalIdentities(s *connectors.IdentitySnapshot) *connectors.IdentitySnapshot {
	c := cloneIdentities(s)
	for i := range c.Identities {
		a := c.Identities[i].Addresses
		slices.SortFunc(a, func(x, y connectors.IdentityAddress) int {
			return cmp.Or(cmp.Compare(x.Type, y.Type), cmp.Compare(x.Value, y.Value))
		})
		if len(a) == 0 {
			c.Identities[i].Addresses = nil
		}
	}
	slices.SortFunc(c.Identities, func(a, b connectors.Identity) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(c.ServiceAccounts, func(a, b connectors.ServiceAccount) int { return cmp.Compare(a.Key, b.Key) })
	if c.Identities == nil {
		c.Identities = []connectors.Identity{}
	}
	if c.ServiceAccounts == nil {
		c.ServiceAccounts = []connectors.ServiceAccount{}
	}
	return c
}

func requireSameIdentities(t *testing.T, want, got *connectors.IdentitySnapshot, msgAndArgs ...any) {
	t.Helper()
	w, g := canonicalIdentities(want), canonicalIdentities(got)
	if len(w.Identities) == len(g.Identities) {
		for i := range w.Identities {
			if w.Identities[i].Key == g.Identities[i].Key && w.Identities[i].NationalID != g.Identities[i].NationalID {
				t.Errorf("identity %q: the national id differs (%d characters delivered, %d published)",
					w.Identities[i].Key, len(g.Identities[i].NationalID), len(w.Identities[i].NationalID))
			}
		}
	}
	require.Equal(t, w.Identities, g.Identities, msgAndArgs...)
	require.Equal(t, w.ServiceAccounts, g.ServiceAccounts, msgAndArgs...)
}

func testIdentityPing(t *testing.T, s *identitySuite) {
	require.NoError(t, s.Source.Ping(s.ctx))
	s.publish(t, identityData())
	require.NoError(t, s.Source.Ping(s.ctx))
}

func testIdentityRoundTrip(t *testing.T, s *identitySuite) {
	want := identityData()
	s.publish(t, want)
	got := s.identities(t)
	requireSameIdentities(t, want, got)
	for _, id := range got.Identities {
		if id.Key == "ID-SE" {
			require.Equal(t, "19900101-1234", string(id.NationalID), "the national id as published")
		}
	}
}

// Each publish replaces the whole state: what is left out is gone.
func testIdentityRepublish(t *testing.T, s *identitySuite) {
	s.publish(t, identityData())
	next := identityData()
	next.Identities = next.Identities[2:]
	next.Identities[0].Surname = "Smith-Jones"
	next.Identities[0].Addresses = []connectors.IdentityAddress{{Type: "EMAIL", Value: "john@example.com"}}
	next.ServiceAccounts = next.ServiceAccounts[:1]
	next.ServiceAccounts[0].Login = "svc-skole2"
	s.publish(t, next)
	requireSameIdentities(t, next, s.identities(t))

	s.publish(t, &connectors.IdentitySnapshot{})
	empty := s.identities(t)
	require.Empty(t, empty.Identities, "an empty publish leaves nothing")
	require.Empty(t, empty.ServiceAccounts)
}

// What Identities returns is the caller's: changing it changes nothing in
// the source.
func testIdentitiesAreTheCallers(t *testing.T, s *identitySuite) {
	want := identityData()
	s.publish(t, want)
	got := s.identities(t)
	for i := range got.Identities {
		got.Identities[i].Surname = "changed"
		for j := range got.Identities[i].Addresses {
			got.Identities[i].Addresses[j].Value = "changed"
		}
	}
	got.ServiceAccounts[0].Login = "changed"
	got.ServiceAccounts = got.ServiceAccounts[:0]
	requireSameIdentities(t, want, s.identities(t))
}

func testIdentityCanceledContext(t *testing.T, s *identitySuite) {
	s.publish(t, identityData())
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	requireContextError(t, s.Source.Ping(ctx), context.Canceled, "ping")
	_, err := s.Source.Identities(ctx)
	requireContextError(t, err, context.Canceled, "identities")

	expired, cancel2 := context.WithDeadline(s.ctx, time.Now().Add(-time.Second))
	defer cancel2()
	requireContextError(t, s.Source.Ping(expired), context.DeadlineExceeded, "ping")
	_, err = s.Source.Identities(expired)
	requireContextError(t, err, context.DeadlineExceeded, "identities")

	requireSameIdentities(t, identityData(), s.identities(t), "the source still works")
}

// Readers in parallel with publishes each see one whole state, never a
// mix of two.
func testIdentityConcurrentUse(t *testing.T, s *identitySuite) {
	v1 := identityData()
	v2 := identityData()
	v2.Identities = v2.Identities[1:]
	v2.ServiceAccounts[0].Unit = "ROOT"
	s.publish(t, v1)
	w1, w2 := canonicalIdentities(v1), canonicalIdentities(v2)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				got, err := s.Source.Identities(s.ctx)
				if err != nil {
					t.Errorf("identities: %v", err)
					return
				}
				if g := canonicalIdentities(got); !equalIdentities(g, w1) && !equalIdentities(g, w2) {
					t.Error("identities read during a publish are neither the old state nor the new")
					return
				}
			}
		})
	}
	for i := range 9 { // v2, v1, v2, …, v2
		s.publish(t, []*connectors.IdentitySnapshot{v2, v1}[i%2])
	}
	wg.Wait()
	requireSameIdentities(t, v2, s.identities(t))
}

func equalIdentities(a, b *connectors.IdentitySnapshot) bool { return reflect.DeepEqual(a, b) }

func testIdentityClose(t *testing.T, s *identitySuite) {
	s.publish(t, identityData())
	s.identities(t)
	require.NoError(t, s.Source.Close())
	require.Error(t, s.Source.Ping(s.ctx), "ping after close")
	snap, err := s.Source.Identities(s.ctx)
	require.Error(t, err, "identities after close")
	require.Nil(t, snap)
	var e *connectors.Error
	require.True(t, errors.As(err, &e), "the error is a *connectors.Error: %T %v", err, err)
}
