package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's how-to, as a stranger runs it: start the throwaway DC,
// plan and apply the sample sync against it with the files trydc wrote,
// a second plan with nothing to do; then Ctrl-C stops the DC.
func TestTryingOrgsyncAgainstAThrowawayDC(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "orgsync")
	build := exec.Command("go", "build", "-o", bin, "../orgsync")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	orgsync := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "ORGSYNC_AD_PASSWORD=", "ORGSYNC_AD_CONFIG=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	ran := false
	status := run([]string{"--dir", dir}, &stdout, &stderr, func() {
		ran = true
		assert.Contains(t, stdout.String(), "go run ./examples/orgsync plan  --config "+dir+"/sync.yaml")
		out, err := orgsync("plan", "--config", filepath.Join(dir, "sync.yaml"))
		require.NoError(t, err, out)
		assert.NotContains(t, out, "NOT READY", "the base, the chapel and the groups exist")
		fp := regexp.MustCompile(`--fingerprint ([0-9a-f]{16})`).FindStringSubmatch(out)
		require.Len(t, fp, 2, out)
		out, err = orgsync("apply", "--config", filepath.Join(dir, "sync.yaml"), "--fingerprint", fp[1])
		require.NoError(t, err, out)
		assert.Regexp(t, `\n\d+ done, 0 failed\n$`, out)
		out, err = orgsync("plan", "--config", filepath.Join(dir, "sync.yaml"))
		require.NoError(t, err, out)
		assert.True(t, strings.Contains(out, "accounts: ") && !strings.Contains(out, "\ncreate "), out)
	})
	require.Equal(t, 0, status, stderr.String())
	assert.True(t, ran)
	for _, f := range []string{"ad.yaml", "ad-password", "sync.yaml"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f)
	}
	b, err := os.ReadFile(filepath.Join(dir, "sync.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "DC=example,DC=org", "every DN moved to the throwaway domain")
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errOut, func() { t.Fatal("no DC without --dir") }))
	assert.Contains(t, errOut.String(), "usage: trydc --dir")
}
