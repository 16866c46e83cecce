package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asOrgsyncEnv makes the test binary run as orgsync with the arguments it
// holds, separated by the unit separator U+001F (see TestMain).
const asOrgsyncEnv = "ORGSYNC_TEST_RUN_AS_ORGSYNC"

// orgsync serve on the twin answers its health checks and metrics, and
// stops on SIGTERM with exit 0 after saying so.
func TestServeStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../service/testdata/twin.yaml")
	require.NoError(t, err)
	cfg := filepath.Join(dir, "serve.yaml")
	require.NoError(t, os.WriteFile(cfg, data, 0o600))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), asOrgsyncEnv+"="+strings.Join([]string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, "\x1f"))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill() })

	lines := bufio.NewScanner(stdout)
	require.True(t, lines.Scan(), "the first line: %s", stderr.String())
	addr, ok := strings.CutPrefix(lines.Text(), "orgsync serve: answering on ")
	require.True(t, ok, lines.Text())

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, _ := get("/healthz")
	assert.Equal(t, http.StatusOK, code)
	deadline := time.Now().Add(time.Minute)
	for {
		_, body := get("/metrics")
		if strings.Contains(body, `orgsync_runs_total{job="reconcile",result="ok"} 1`) {
			break
		}
		require.True(t, time.Now().Before(deadline), "no reconcile within a minute: %s", stderr.String())
		time.Sleep(50 * time.Millisecond)
	}
	code, body := get("/api/v1/plan")
	assert.Equal(t, http.StatusOK, code, "the twin's demo lets everyone in: %s", body)
	code, body = get("/")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Oversigt", "the dashboard")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	require.NoError(t, cmd.Wait(), "exit 0 after SIGTERM: %s", stderr.String())
	assert.Equal(t, []string{"orgsync serve: stopped"}, rest)
	assert.FileExists(t, filepath.Join(dir, "orgsync.db"), "the state is kept beside the configuration")
	assert.FileExists(t, filepath.Join(dir, "orgsync.db.key"))
}

// A configuration error exits 2 with every problem listed.
func TestServeConfigurationError(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "serve.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("directory: {twin: true}\nsync: {base: OU=K}\nzone: Nowhere\n"), 0o600))
	var out, errb strings.Builder
	code := run([]string{"serve", "--config", cfg}, &out, &errb)
	assert.Equal(t, 2, code)
	assert.Contains(t, errb.String(), "serve.yaml:3: zone:") // the folder may be masked: its digits look like a national id
	assert.Contains(t, errb.String(), "serve.yaml:2: sync:")
	assert.Equal(t, 2, run([]string{"serve"}, &out, &errb), "no --config")
	assert.Equal(t, 0, run([]string{"serve", "--config", "../../service/testdata/twin.yaml", "--check"}, &out, &errb))
	assert.Contains(t, out.String(), "is good")
}

// lockedBuffer is a buffer a process writes to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
