package plugin

import (
	"log/slog"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a plugin logs with Logger reaches the host's slog logger at its
// level, with its attributes, named after the plugin, national ids masked.
func TestPluginLogsReachTheHostsLogger(t *testing.T) {
	tp := newTestPlugin(t, "log")
	d := openDir(t, tp)
	require.NoError(t, d.Ping(ctxFor(t, 10*time.Second)))

	var info slog.Record
	require.Eventually(t, func() bool {
		var ok bool
		info, ok = tp.logs.find("plugin starting")
		return ok
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, slog.LevelInfo, info.Level)
	a := attrs(info)
	assert.Equal(t, "010190-xxxx", a["cpr"])
	assert.Equal(t, "7", a["n"])
	assert.Contains(t, a["plugin"], "plugin.test")
	assert.NotContains(t, a, "timestamp")

	warn, ok := tp.logs.find("a warning from the plugin")
	require.True(t, ok)
	assert.Equal(t, slog.LevelWarn, warn.Level)
	assert.Equal(t, "a warning from the plugin for 010190-xxxx", warn.Message)
}

// A log line that would crash go-plugin's reader (hclog's keys holding
// other than strings) is passed on as text, and the host lives on.
func TestAHostileLogLineDoesNotCrashTheHost(t *testing.T) {
	tp := newTestPlugin(t, "bad-log")
	d := openDir(t, tp)
	require.NoError(t, d.Ping(ctxFor(t, 10*time.Second)))
	var r slog.Record
	require.Eventually(t, func() bool {
		var ok bool
		r, ok = tp.logs.find("malformed log line from the plugin")
		return ok
	}, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, slog.LevelWarn, r.Level)
}

// suspicious tells hclog-shaped lines with non-string keys from the rest.
func TestSuspicious(t *testing.T) {
	for line, want := range map[string]bool{
		`{"@message": 5}`:                       true,
		`{"@level": {"a": 1}, "@message": "x"}`: true,
		`{"@timestamp": []}`:                    true,
		`{"@message": "x", "@level": "info"}`:   false,
		`{"message": 5}`:                        false,
		`[WARN] {"@message": 5}`:                false,
		`{"@message": 5`:                        false,
		``:                                      false,
	} {
		assert.Equal(t, want, suspicious([]byte(line)), line)
	}
}

// The slog adapter that go-plugin logs through maps levels, names and
// arguments.
func TestHCLogAdapter(t *testing.T) {
	c := &logCapture{}
	l := newHCLogger(slog.New(c), "").Named("a").Named("b").With("k", "v")
	l.Trace("t")
	l.Debug("d", "x", 1)
	l.Info("i", "err", assertError("bad 0101901234"))
	l.Warn("w", "odd")
	l.Error("e")
	require.Len(t, c.records, 5)
	assert.Equal(t, slog.LevelDebug-4, c.records[0].Level)
	assert.Equal(t, slog.LevelDebug, c.records[1].Level)
	assert.Equal(t, "a.b", attrs(c.records[1])["plugin"])
	assert.Equal(t, "v", attrs(c.records[1])["k"])
	assert.Equal(t, "1", attrs(c.records[1])["x"])
	assert.Equal(t, "bad 010190-xxxx", attrs(c.records[2])["err"])
	assert.Equal(t, "(missing)", attrs(c.records[3])["odd"])
	assert.Equal(t, slog.LevelError, c.records[4].Level)
	l.Info("f", "formatted", hclog.Format{"%s has %d", "0101901234", 2}, "empty", hclog.Format{})
	fa := attrs(c.records[5])
	assert.Equal(t, "010190-xxxx has 2", fa["formatted"])
	assert.Equal(t, "", fa["empty"])
	c.records = c.records[:5]
	l.SetLevel(4) // hclog.Warn
	l.Info("dropped")
	assert.Len(t, c.records, 5)
	assert.False(t, l.IsInfo())
	assert.True(t, l.IsWarn())
}

type assertError string

func (e assertError) Error() string { return string(e) }
