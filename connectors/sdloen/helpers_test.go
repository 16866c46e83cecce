package sdloen_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors/sdloen"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
)

var discard = slog.New(slog.DiscardHandler)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// open starts a fake SD with d and a connector on it.
func open(t testing.TB, d *sdtest.Data) (*sdloen.Connector, *sdtest.Server, *clock) {
	t.Helper()
	srv := sdtest.NewTLS("XY", "SYtest", "hemmeligt æøå")
	t.Cleanup(srv.Close)
	srv.SetData(d)
	clk := &clock{t: time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)}
	c, err := sdloen.Open(sdloen.Config{
		URL: srv.URL + "/sdws/", Institution: "XY", User: "SYtest", Password: "hemmeligt æøå",
		RootCAs: rootCAs(srv), MonthlyHourlyDivide: 8000, Logger: discard, Now: clk.Now,
	})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c, srv, clk
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
