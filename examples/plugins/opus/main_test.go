package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/connectors/plugin"

	"github.com/orgsync/orgsync/examples/plugins/internal/plugintest"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "opus.yaml")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dumps"), 0o700))
	require.NoError(t, os.WriteFile(cfgFile, []byte("dir: dumps\nunits: [\"1\"]\n"), 0o600))
	getenv := func(k string) string {
		if k == configEnv {
			return cfgFile
		}
		return ""
	}
	c, err := open(nil, getenv)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "dumps"), c.Dir(), "dir is relative to the file")
	c, err = open([]string{"-config", cfgFile}, func(string) string { return "" })
	require.NoError(t, err)
	c.Close()

	none := func(string) string { return "" }
	_, err = open(nil, none)
	assert.EqualError(t, err, "no configuration: give -config FILE or set ORGSYNC_OPUS_CONFIG")
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("dir: dumps\nunit: [\"1\"]\n"), 0o600))
	_, err = open([]string{"-config", bad}, none)
	assert.ErrorContains(t, err, "unit", "an unknown key is an error")
	require.NoError(t, os.WriteFile(bad, []byte("dir: missing\n"), 0o600))
	_, err = open([]string{"-config", bad}, none)
	assert.ErrorIs(t, err, connectors.Configuration)
	require.NoError(t, os.WriteFile(bad, []byte("units: [\"\"]\n"), 0o600))
	_, err = open([]string{"-config", bad}, none)
	assert.ErrorIs(t, err, connectors.Configuration)
	_, err = open([]string{"-config", cfgFile, "more"}, none)
	assert.EqualError(t, err, `unexpected argument "more"`)
	_, err = open([]string{"-h"}, none)
	assert.True(t, errors.Is(err, flag.ErrHelp))
}

// build builds the plugin, once for the tests.
func build(t *testing.T) string {
	return plugintest.Build(t, "github.com/orgsync/orgsync/examples/plugins/opus")
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// openPlugin starts the built plugin on a folder of dumps.
func openPlugin(t *testing.T, dumps string) connectors.Payroll {
	cfg := filepath.Join(t.TempDir(), "opus.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"dir": "`+dumps+`"}`), 0o600))
	c, err := plugin.OpenPayroll(ctxFor(t, time.Minute), build(t), plugin.Options{Env: []string{configEnv + "=" + cfg}})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// The built plugin passes the Payroll suite through the plugin bridge:
// each Publish writes the next dump into the folder the plugin reads.
func TestConformanceThroughPlugin(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		dir := t.TempDir()
		c := openPlugin(t, dir)
		at := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC) // before every row of the suite's data
		return connectortest.PayrollFixture{Payroll: c, Publish: func(s *connectors.PayrollSnapshot) error {
			at = at.Add(time.Second)
			_, err := opus.Write(dir, at, s)
			return err
		}, Project: opus.Held} // the manager roles OPUS can hold, across the bridge
	})
}

// The fixture dumps through the bridge: the skipped records, with where
// they are, cross it, and the change feed steps through the dumps.
func TestFixtureDumpsThroughPlugin(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "..", "..", "connectors", "opus", "testdata", "folder")
	for _, n := range []string{"ZLPE20261101030000.xml", "ZLPE20261108030000.xml", "ZLPE20261115030000.xml"} {
		b, err := os.ReadFile(filepath.Join(src, n))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o600))
	}
	local, err := opus.Open(opus.Config{Dir: dir}, opus.Options{})
	require.NoError(t, err)
	defer local.Close()
	c := openPlugin(t, dir)
	ctx := ctxFor(t, time.Minute)
	want, err := local.Snapshot(ctx)
	require.NoError(t, err)
	got, err := c.Snapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got, "the same snapshot, skipped records and all")
	assert.Len(t, got.Skipped, 7)

	first := filepath.Join(dir, "ZLPE20261101030000.xml")
	require.NoError(t, os.Remove(filepath.Join(dir, "ZLPE20261108030000.xml")))
	s1, err := c.Snapshot(ctx)
	require.NoError(t, err)
	assert.Contains(t, string(s1.Token), filepath.Base(first))
}
