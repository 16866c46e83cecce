package opus_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The fixture dumps in testdata/folder, a week apart, and one being
// written.
const (
	dump1   = "ZLPE20261101030000.xml"
	dump2   = "ZLPE20261108030000.xml"
	partial = "ZLPE20261115030000.xml"
)

// folder returns a folder with copies of the fixture dumps named.
func folder(t testing.TB, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "folder", n))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o600))
	}
	return dir
}

// open opens a connector for dir, quiet.
func open(t testing.TB, cfg opus.Config) *opus.Connector {
	t.Helper()
	c, err := opus.Open(cfg, opus.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func day(s string) timeline.Date { return timeline.MustParseDate(s) }

// rowsOf returns the engagement rows with key k.
func rowsOf(engs []connectors.PayrollEngagement, k string) []connectors.PayrollEngagement {
	var out []connectors.PayrollEngagement
	for _, e := range engs {
		if e.Key == k {
			out = append(out, e)
		}
	}
	return out
}

// unitRow returns the unit with key k, which has one row.
func unitRow(t *testing.T, units []connectors.PayrollUnit, k string) connectors.PayrollUnit {
	t.Helper()
	var out []connectors.PayrollUnit
	for _, u := range units {
		if u.Key == k {
			out = append(out, u)
		}
	}
	require.Lenf(t, out, 1, "unit %s", k)
	return out[0]
}

// skippedBy returns the skipped records by kind and key.
func skippedBy(s []connectors.SkippedRecord) map[string]connectors.SkippedRecord {
	m := map[string]connectors.SkippedRecord{}
	for _, r := range s {
		m[r.Kind+" "+r.Key] = r
	}
	return m
}
