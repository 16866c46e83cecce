package service

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// twinConfig is testdata/twin.yaml with its database in a temporary
// folder of the test's.
func twinConfig(t *testing.T) *Config {
	t.Helper()
	cfg, err := Load("testdata/twin.yaml")
	require.NoError(t, err)
	cfg.Store.URL = filepath.Join(t.TempDir(), "orgsync.db")
	cfg.Auth = nil // the tests say who calls
	return cfg
}

// started runs a service of cfg until the test ends, and returns it with
// a function that stops it and returns Run's error.
func started(t *testing.T, cfg *Config, opts Options) (*Service, func() error) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = discard
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	s, err := New(ctx, cfg, opts)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("Run did not return within a minute of its context ending")
			return nil
		}
	}
	t.Cleanup(func() {
		stop()
		s.Close()
	})
	return s, stop
}

// waitFor polls cond until it holds or a minute passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jobOK says whether the job has run and its last run succeeded.
func jobOK(s *Service, job string) bool {
	for _, j := range s.Status() {
		if j.Job == job {
			return j.Runs > 0 && j.Error == ""
		}
	}
	return false
}

// get asks the handler for path as caller (nil: nobody) and returns the
// status and body.
func get(t *testing.T, h http.Handler, path string, caller *Caller) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if caller != nil {
		r = r.WithContext(WithCaller(r.Context(), caller))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// writeFile writes a file in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(strings.TrimLeft(text, "\n")), 0o600))
	return p
}
