package boarding

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// The new employee's initial password never travels with the welcome
// information, and is never stored in clear text: it is sealed as a
// one-time secret, and the link that opens it goes separately (to the
// manager, who hands it over). The link's token is the only key: the
// store keeps the token's hash (to find the secret) and the secret
// sealed with a key derived from the token (AES-256-GCM), so neither the
// store, a backup of it, nor the outbox can open it. Opening it takes it
// out of the store: it is shown once, and a second opening, or one after
// the expiry, finds nothing.

// SecretStore keeps sealed one-time secrets. Take removes what it
// returns, atomically, so two openings cannot both succeed.
type SecretStore interface {
	// Put keeps sealed under id until expires.
	Put(ctx context.Context, id []byte, sealed []byte, expires time.Time) error
	// Take returns and removes what id holds, or ErrSecretGone.
	Take(ctx context.Context, id []byte) (sealed []byte, expires time.Time, err error)
}

// ErrSecretGone matches a one-time secret that was opened already,
// expired, or never was.
var ErrSecretGone = errors.New("boarding: the one-time secret has been opened, has expired, or does not exist")

// Secrets seals and opens one-time secrets.
type Secrets struct {
	// Store keeps them.
	Store SecretStore
}

// Seal keeps secret until expires and returns the token that opens it
// once (for a link: URL-safe base64).
func (s *Secrets) Seal(ctx context.Context, secret connectors.Secret, expires time.Time) (string, error) {
	if secret == "" {
		return "", errors.New("boarding: an empty secret")
	}
	token := make([]byte, 32)
	if _, err := rand.Read(token); err != nil {
		return "", err
	}
	gcm, err := secretCipher(token)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := gcm.Seal(nonce, nonce, []byte(secret), nil)
	if err := s.Store.Put(ctx, secretID(token), sealed, expires); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(token), nil
}

// Open returns the secret the token seals, once, before its expiry at
// now; afterwards, ErrSecretGone.
func (s *Secrets) Open(ctx context.Context, token string, now time.Time) (connectors.Secret, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return "", ErrSecretGone
	}
	sealed, expires, err := s.Store.Take(ctx, secretID(raw))
	if err != nil {
		return "", err
	}
	if !now.Before(expires) {
		return "", ErrSecretGone
	}
	gcm, err := secretCipher(raw)
	if err != nil {
		return "", err
	}
	n := gcm.NonceSize()
	if len(sealed) < n {
		return "", fmt.Errorf("boarding: a stored secret is damaged")
	}
	plain, err := gcm.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", fmt.Errorf("boarding: a stored secret is damaged")
	}
	return connectors.Secret(plain), nil
}

// secretID is what the store knows a secret by: a hash of its token, with
// a label so that it is never the cipher key.
func secretID(token []byte) []byte {
	h := sha256.Sum256(append([]byte("orgsync one-time secret id\x00"), token...))
	return h[:]
}

func secretCipher(token []byte) (cipher.AEAD, error) {
	k := sha256.Sum256(append([]byte("orgsync one-time secret key\x00"), token...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// MemSecrets is the in-memory SecretStore.
type MemSecrets struct {
	mu sync.Mutex
	m  map[string]memSecret
}

type memSecret struct {
	sealed  []byte
	expires time.Time
}

// Put keeps a sealed secret.
func (s *MemSecrets) Put(ctx context.Context, id []byte, sealed []byte, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]memSecret{}
	}
	s.m[string(id)] = memSecret{append([]byte(nil), sealed...), expires}
	return nil
}

// Take returns and removes a sealed secret.
func (s *MemSecrets) Take(ctx context.Context, id []byte) ([]byte, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[string(id)]
	if !ok {
		return nil, time.Time{}, ErrSecretGone
	}
	delete(s.m, string(id))
	return v.sealed, v.expires, nil
}
