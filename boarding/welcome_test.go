package boarding_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors"
)

// spySecrets records what the store is given.
type spySecrets struct {
	boarding.MemSecrets
	mu     sync.Mutex
	stored [][]byte
}

func (s *spySecrets) Put(ctx context.Context, id, sealed []byte, expires time.Time) error {
	s.mu.Lock()
	s.stored = append(s.stored, append(append([]byte(nil), id...), sealed...))
	s.mu.Unlock()
	return s.MemSecrets.Put(ctx, id, sealed, expires)
}

func TestTheInitialPasswordIsShownOnce(t *testing.T) {
	store := &spySecrets{}
	s := &boarding.Secrets{Store: store}
	const pw = connectors.Secret("Kaffe-Kop-Lampe-42")
	tok, err := s.Seal(bg, pw, t0.Add(48*time.Hour))
	require.NoError(t, err)
	for _, b := range store.stored {
		assert.False(t, bytes.Contains(b, []byte(pw)), "the store never holds the password in clear text")
	}
	got, err := s.Open(bg, tok, t0)
	require.NoError(t, err)
	assert.Equal(t, pw, got)
	_, err = s.Open(bg, tok, t0)
	assert.ErrorIs(t, err, boarding.ErrSecretGone, "shown once")

	late, err := s.Seal(bg, pw, t0.Add(time.Hour))
	require.NoError(t, err)
	_, err = s.Open(bg, late, t0.Add(time.Hour))
	assert.ErrorIs(t, err, boarding.ErrSecretGone, "expired")
	_, err = s.Open(bg, late, t0)
	assert.ErrorIs(t, err, boarding.ErrSecretGone, "an expired opening used it up")

	for _, bad := range []string{"", "xyz", tok + "A"} {
		_, err := s.Open(bg, bad, t0)
		assert.ErrorIs(t, err, boarding.ErrSecretGone, "%q", bad)
	}
	_, err = s.Seal(bg, "", t0.Add(time.Hour))
	assert.Error(t, err)

	// Two openings at once: exactly one gets it.
	tok, err = s.Seal(bg, pw, t0.Add(time.Hour))
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			if _, err := s.Open(bg, tok, t0); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, won)
}
