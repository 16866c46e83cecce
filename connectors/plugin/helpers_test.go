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

	"github.com/stretchr/testify/assert"
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

// requireSawDeadline waits until the plugin's connector has written what
// ended its context to the mark file, and checks that its context had the
// caller's deadline (give or take the time the request took to cross),
// whichever of the two ends noticed it first.
func (tp *testPlugin) requireSawDeadline(t *testing.T, deadline time.Time) {
	t.Helper()
	var mark string
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(tp.mark)
		mark = string(b)
		return mark != ""
	}, 10*time.Second, 10*time.Millisecond, "the plugin's connector did not see its context end")
	_, seen, ok := strings.Cut(mark, "deadline=true ")
	require.True(t, ok, "the connector's context had no deadline: %s", mark)
	at, err := time.Parse(time.RFC3339Nano, seen)
	require.NoError(t, err)
	assert.WithinDuration(t, deadline, at, time.Second)
	os.Remove(tp.mark)
}

// requireSawCancel waits until the plugin's connector has written to the
// mark file that its context was canceled, and had no deadline.
func (tp *testPlugin) requireSawCancel(t *testing.T) {
	t.Helper()
	assert.Eventually(t, func() bool {
		b, _ := os.ReadFile(tp.mark)
		return strings.HasPrefix(string(b), "context canceled deadline=false")
	}, 10*time.Second, 10*time.Millisecond, "the plugin's connector did not see the cancellation")
}
