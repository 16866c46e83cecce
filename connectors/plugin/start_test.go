package plugin

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
)

// A plugin that cannot start gives a typed error that says why, within
// the caller's deadline, and leaves no process behind.
func TestStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    string
		edit    func(*testPlugin)
		open    func(context.Context, *testPlugin) error
		kind    connectors.Kind
		say     string
		started bool // the plugin process ran (and wrote its pid)
	}{
		{name: "wrong protocol version", mode: "wrong-version", kind: connectors.Configuration,
			say: "another version of the plugin protocol", started: true},
		{name: "another handshake cookie", mode: "wrong-cookie", kind: connectors.Configuration,
			say: "exited before its handshake; it wrote to stderr: This binary is a plugin", started: true},
		{name: "writes to stdout", mode: "stdout", kind: connectors.Configuration,
			say: "must never write to stdout", started: true},
		{name: "exits before the handshake", mode: "exit", kind: connectors.Configuration,
			say: "cannot read my configuration file", started: true},
		{name: "hangs past StartTimeout", mode: "hang", kind: connectors.Configuration,
			edit: func(tp *testPlugin) { tp.opts.StartTimeout = time.Second },
			say:  "did not complete its handshake within 1s", started: true},
		{name: "hangs past the caller's deadline", mode: "hang", kind: connectors.Transient,
			open: func(ctx context.Context, tp *testPlugin) error {
				ctx, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
				defer cancel()
				_, err := OpenDirectory(ctx, tp.path, tp.opts)
				if !errors.Is(err, context.DeadlineExceeded) {
					return errors.New("not the context's error: " + err.Error())
				}
				return err
			},
			say: "deadline exceeded", started: true},
		{name: "serves another contract", mode: "directory", kind: connectors.Configuration,
			open: func(ctx context.Context, tp *testPlugin) error {
				_, err := OpenPayroll(ctx, tp.path, tp.opts)
				return err
			},
			say: "does not serve a payroll connector", started: true},
		{name: "checksum mismatch", mode: "directory", kind: connectors.Configuration,
			edit: func(tp *testPlugin) { sum := sha256.Sum256([]byte("another binary")); tp.opts.Checksum = sum[:] },
			say:  "checksum does not match"},
		{name: "no such binary", mode: "directory", kind: connectors.Configuration,
			edit: func(tp *testPlugin) { tp.path = filepath.Join(t.TempDir(), "missing-plugin") },
			say:  "missing-plugin"},
		{name: "not executable", mode: "directory", kind: connectors.Configuration,
			edit: func(tp *testPlugin) {
				tp.path = filepath.Join(t.TempDir(), "plugin.txt")
				require.NoError(t, os.WriteFile(tp.path, []byte("text"), 0o644))
			},
			say: "permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tp := newTestPlugin(t, tc.mode)
			if tc.edit != nil {
				tc.edit(tp)
			}
			ctx := ctxFor(t, time.Minute)
			var err error
			if tc.open != nil {
				err = tc.open(ctx, tp)
			} else {
				_, err = OpenDirectory(ctx, tp.path, tp.opts)
			}
			require.Error(t, err)
			assert.Equal(t, tc.kind, connectors.KindOf(err), "%v", err)
			assert.Contains(t, err.Error(), tc.say)
			if tc.started {
				require.Eventually(t, func() bool { return tp.pid() != 0 }, 10*time.Second, 10*time.Millisecond)
				requireGone(t, tp.pid())
			} else {
				assert.Zero(t, tp.pid(), "the plugin must not have run")
			}
		})
	}
}

// The checksum is checked before every start, so a binary replaced while
// the host runs is not started after a crash either.
func TestChecksumIsCheckedOnEveryStart(t *testing.T) {
	src := newTestPlugin(t, "crash")
	bin := filepath.Join(t.TempDir(), "plugin")
	copyFile(t, src.path, bin)
	sum := sha256Of(t, bin)
	tp := src
	tp.path, tp.opts.Checksum = bin, sum

	d := openDir(t, tp)
	require.NoError(t, d.Ping(ctxFor(t, 10*time.Second)))

	// Replace the binary, then crash the plugin: the restart must refuse.
	require.NoError(t, os.WriteFile(bin+".new", append(readFile(t, bin), 0), 0o755))
	require.NoError(t, os.Rename(bin+".new", bin))
	_, err := d.Read(ctxFor(t, time.Minute), "die", nil)
	require.True(t, errors.Is(err, ErrCrashed), "%v", err)
	err = d.Ping(ctxFor(t, time.Minute))
	assert.True(t, errors.Is(err, ErrChecksum), "%v", err)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err))
}

func copyFile(t *testing.T, from, to string) {
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

func readFile(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

func sha256Of(t *testing.T, name string) []byte {
	s := sha256.Sum256(readFile(t, name))
	return s[:]
}
