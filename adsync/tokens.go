package adsync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/orgsync/orgsync/connectors"
)

// TokenStore keeps the read-back's position in the directory's change
// feed across restarts. A token is saved only after the changes before it
// are handled, so a crash repeats changes and never loses them.
type TokenStore interface {
	// Load returns the saved token, "" if there is none.
	Load(ctx context.Context) (connectors.Token, error)
	// Save replaces the saved token.
	Save(ctx context.Context, t connectors.Token) error
}

// MemTokens is a TokenStore in memory, for tests and demos.
type MemTokens struct {
	mu sync.Mutex
	t  connectors.Token
}

// Load returns the token.
func (m *MemTokens) Load(context.Context) (connectors.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t, nil
}

// Save keeps the token.
func (m *MemTokens) Save(_ context.Context, t connectors.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
	return nil
}

// FileTokens is a TokenStore in a file, written whole or not at all
// (a temporary file synced and renamed over the old one).
type FileTokens struct {
	// Path is the file.
	Path string
}

// Load reads the token; a missing file is no token.
func (f FileTokens) Load(context.Context) (connectors.Token, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("adsync: reading the change-feed token: %w", err)
	}
	return connectors.Token(strings.TrimSpace(string(b))), nil
}

// Save writes the token.
func (f FileTokens) Save(_ context.Context, t connectors.Token) error {
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".token-*")
	if err != nil {
		return fmt.Errorf("adsync: saving the change-feed token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(string(t) + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("adsync: saving the change-feed token: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("adsync: saving the change-feed token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("adsync: saving the change-feed token: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("adsync: saving the change-feed token: %w", err)
	}
	return nil
}
