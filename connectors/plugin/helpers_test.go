package plugin

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testPlugin describes a run of the test binary as a plugin.
type testPlugin struct {
	path    string
	opts    Options
	pidFile string
	mark    string
	logs    *logCapture
}

// newTestPlugin returns the options that run this test binary as the
// plugin of the given mode, logging into a capture.
func newTestPlugin(t testing.TB, mode string, env ...string) *testPlugin {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	tp := &testPlugin{path: exe, pidFile: filepath.Join(dir, "pid"), mark: filepath.Join(dir, "mark"), logs: &logCapture{}}
	tp.opts = Options{
		Env:          append([]string{modeEnv + "=" + mode, pidFileEnv + "=" + tp.pidFile, markEnv + "=" + tp.mark}, env...),
		Logger:       slog.New(tp.logs),
		StartTimeout: 20 * time.Second,
	}
	return tp
}

// pid returns the pid the plugin last wrote, or 0.
func (tp *testPlugin) pid() int {
	b, err := os.ReadFile(tp.pidFile)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(string(b))
	return n
}

// requireGone waits until process pid has ended and been reaped: no
// process and no zombie.
func requireGone(t *testing.T, pid int) {
	t.Helper()
	require.NotZero(t, pid, "the plugin never wrote its pid")
	require.Eventually(t, func() bool {
		// A process that ended but was not reaped (a zombie) still has
		// its entry.
		_, err := os.Stat("/proc/" + strconv.Itoa(pid))
		return os.IsNotExist(err)
	}, 10*time.Second, 20*time.Millisecond, "plugin process %d is still there (running or a zombie)", pid)
}

// logCapture is a slog.Handler that keeps every record.
type logCapture struct {
	mu      sync.Mutex
	records []slog.Record
}

func (c *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCapture) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *logCapture) WithGroup(string) slog.Handler            { return c }

func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, r.Clone())
	return nil
}

// find returns the first record whose message contains s.
func (c *logCapture) find(s string) (slog.Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.records {
		if strings.Contains(r.Message, s) {
			return r, true
		}
	}
	return slog.Record{}, false
}

// attrs returns a record's attributes as strings.
func attrs(r slog.Record) map[string]string {
	m := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
