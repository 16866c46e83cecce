package boardingtest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors"
)

// TestSecretStore runs the one-time secrets' suite on the stores open
// makes, one per test: a secret sealed opens once, with what was sealed;
// eight openings at once, one succeeds; an expired one is gone; the
// store never holds the secret or its token.
func TestSecretStore(t *testing.T, open func(t *testing.T) boarding.SecretStore) {
	t.Run("a secret opens once", func(t *testing.T) {
		s := &boarding.Secrets{Store: open(t)}
		token, err := s.Seal(bg, connectors.Secret("Vinter-2027!"), t0.Add(time.Hour))
		require.NoError(t, err)
		got, err := s.Open(bg, token, t0)
		require.NoError(t, err)
		assert.Equal(t, connectors.Secret("Vinter-2027!"), got)
		_, err = s.Open(bg, token, t0)
		assert.ErrorIs(t, err, boarding.ErrSecretGone)
	})
	t.Run("eight at once, one opens", func(t *testing.T) {
		s := &boarding.Secrets{Store: open(t)}
		token, err := s.Seal(bg, connectors.Secret("Forår-2027!"), t0.Add(time.Hour))
		require.NoError(t, err)
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Open(bg, token, t0); err == nil {
					won.Add(1)
				} else if !assert.ErrorIs(t, err, boarding.ErrSecretGone) {
					return
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), won.Load())
	})
	t.Run("an expired secret is gone", func(t *testing.T) {
		s := &boarding.Secrets{Store: open(t)}
		token, err := s.Seal(bg, connectors.Secret("Sommer-2027!"), t0.Add(time.Hour))
		require.NoError(t, err)
		_, err = s.Open(bg, token, t0.Add(2*time.Hour))
		assert.ErrorIs(t, err, boarding.ErrSecretGone)
	})
	t.Run("a token from elsewhere opens nothing", func(t *testing.T) {
		s := &boarding.Secrets{Store: open(t)}
		_, err := s.Seal(bg, connectors.Secret("Høst-2027!"), t0.Add(time.Hour))
		require.NoError(t, err)
		other, err := (&boarding.Secrets{Store: &boarding.MemSecrets{}}).Seal(bg, connectors.Secret("x"), t0.Add(time.Hour))
		require.NoError(t, err)
		_, err = s.Open(bg, other, t0)
		assert.ErrorIs(t, err, boarding.ErrSecretGone)
	})
}
