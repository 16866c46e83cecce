package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestMain(m *testing.M) {
	code := adtest.Main(m)
	if bins.dir != "" {
		os.RemoveAll(bins.dir)
	}
	os.Exit(code)
}

// bins are the binaries the tests run, built once per test binary: the
// two example plugins and the operator CLI (for payroll-export).
var bins struct {
	once                 sync.Once
	dir                  string
	payroll, ad, orgsync string
	err                  error
}

// build builds the binaries with the go command that runs the tests (go
// test puts its GOROOT/bin first in PATH).
func build(t *testing.T) {
	t.Helper()
	bins.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			bins.err = err
			return
		}
		if bins.dir, bins.err = os.MkdirTemp("", "pluginhost-test-"); bins.err != nil {
			return
		}
		cmd := exec.Command(goCmd, "build", "-o", bins.dir+string(filepath.Separator),
			"github.com/orgsync/orgsync/examples/plugins/payrollfile",
			"github.com/orgsync/orgsync/examples/plugins/ad",
			"github.com/orgsync/orgsync/examples/orgsync")
		if out, err := cmd.CombinedOutput(); err != nil {
			bins.err = &buildError{err: err, out: out}
			return
		}
		bins.payroll = filepath.Join(bins.dir, "payrollfile")
		bins.ad = filepath.Join(bins.dir, "ad")
		bins.orgsync = filepath.Join(bins.dir, "orgsync")
	})
	require.NoError(t, bins.err)
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + string(e.out) }

// sum is a file's SHA-256 in hex, as sha256sum prints it.
func sum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// logs collects what the host logs (the plugins' lines and the bridge's)
// and shows it if the test fails.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newLogger returns the logger main makes, writing to a buffer that the
// test shows if it fails.
func newLogger(t *testing.T) (*slog.Logger, *logs) {
	l := &logs{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the host's log:\n%s", l)
		}
	})
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo})), l
}

func TestParseArgs(t *testing.T) {
	withPassword := func(k string) string {
		if k == passwordEnv {
			return "pw"
		}
		return ""
	}
	required := []string{"--payroll-plugin", "bin/payrollfile", "--payroll-dir", "payroll", "--ad-plugin", "bin/ad",
		"--ad-config", "ad.yaml", "--base", "OU=Kommune,DC=example,DC=org"}
	with := func(a []string, more ...string) []string { return slices.Concat(a, more) }
	// 23:30 UTC on 1 December is 2 December in Copenhagen.
	now := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC)
	c, err := parseArgs(required, io.Discard, withPassword, now)
	require.NoError(t, err)
	assert.Equal(t, timeline.MustParseDate("2026-12-02"), c.today)
	assert.Equal(t, now, c.now, "without --today the clock is now")
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(wd, "payroll"), c.payrollDir, "the plugins get absolute paths")
	assert.Equal(t, filepath.Join(wd, "ad.yaml"), c.adConfig)
	assert.Equal(t, "bin/ad", c.adPlugin)
	assert.EqualValues(t, "pw", c.bindPassword)
	assert.Nil(t, c.adSum)

	hexSum := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	c, err = parseArgs(with(required, "--today", "2027-01-04", "--ad-sha256", hexSum, "--payroll-sha256", hexSum), io.Discard, withPassword, now)
	require.NoError(t, err)
	assert.Equal(t, timeline.MustParseDate("2027-01-04"), c.today)
	assert.True(t, c.now.IsZero(), "with --today the clock is its noon")
	assert.Equal(t, hexSum, hex.EncodeToString(c.adSum))
	assert.Equal(t, hexSum, hex.EncodeToString(c.payrollSum))

	for _, tc := range []struct {
		args   []string
		getenv func(string) string
		want   string
	}{
		{required[2:], withPassword, "--payroll-plugin is required (see -h)"},
		{required[:8], withPassword, "--base is required (see -h)"},
		{required, func(string) string { return "" }, "set ORGSYNC_AD_PASSWORD to the AD bind account's password"},
		{with(required, "--today", "tomorrow"), withPassword, "--today: "},
		{with(required, "--ad-sha256", "abc"), withPassword, "--ad-sha256: want the 64 hex digits of a SHA-256"},
		{with(required, "--payroll-sha256", hexSum[:62]+"zz"), withPassword, "--payroll-sha256: want the 64 hex digits"},
		{with(required[:8], "--base", "Kommune"), withPassword, "--base: "},
		{with(required, "extra"), withPassword, `unexpected argument "extra" (see -h)`},
		{with(required, "--password", "x"), withPassword, "flag provided but not defined: -password"},
	} {
		_, err := parseArgs(tc.args, io.Discard, tc.getenv, now)
		if assert.Error(t, err, "%q", tc.args) {
			assert.Contains(t, err.Error(), tc.want, "%q", tc.args)
		}
	}

	var help bytes.Buffer
	_, err = parseArgs([]string{"-h"}, &help, withPassword, now)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, help.String(), "usage: pluginhost --payroll-plugin PATH")
	assert.Contains(t, help.String(), "-ad-sha256 hex")
}

// --sync-config gives the engine and the username rules the sync
// configuration's own sections, in place of the built-in ones, and its
// base must be --base.
func TestSyncConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sync.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
directory: {url: ldaps://dc1.example.org}   # the CLI's: left alone
sync:
  base: OU=Kommune,DC=example,DC=org
  mapping: {attributes: {sn: "{{.Person.Surname}}", company: Sjølund}}
  ou: {mode: single, single: "OU=Kommune,DC=example,DC=org"}
username: {patterns: [FFLL], upn_domain: sjolund.dk}
`), 0o600))
	now := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	withPassword := func(k string) string { return map[string]string{passwordEnv: "pw"}[k] }
	args := []string{"--payroll-plugin", "p", "--payroll-dir", dir, "--ad-plugin", "a", "--ad-config", cfg, "--base", "OU=Kommune,DC=example,DC=org", "--sync-config", cfg}
	c, err := parseArgs(args, io.Discard, withPassword, now)
	require.NoError(t, err)
	assert.Equal(t, "Sjølund", c.sync.Mapping.Attributes["company"])
	assert.Equal(t, "sjolund.dk", c.names.UPNDomain)

	args[len(args)-3] = "OU=Andet,DC=example,DC=org"
	_, err = parseArgs(args, io.Discard, withPassword, now)
	assert.ErrorContains(t, err, "is not the sync configuration's base")

	require.NoError(t, os.WriteFile(cfg, []byte("sync: {base: \"OU=K,DC=x\", bsae: 1}\nusername: {patterns: [FFLL]}\n"), 0o600))
	args[len(args)-3] = "OU=K,DC=x"
	_, err = parseArgs(args, io.Discard, withPassword, now)
	assert.ErrorContains(t, err, "bsae")
}
