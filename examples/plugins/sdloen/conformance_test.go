package main

import (
	"context"
	"encoding/pem"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
	"github.com/orgsync/orgsync/examples/plugins/internal/plugintest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The built plugin passes the Payroll suite through the plugin bridge,
// against the fake SD, as the connector does compiled in: each Publish
// renders the suite's snapshot as SD holds it, and the suite compares
// with what SD can hold of it. SD's snapshot is four calls with no
// transaction between them, so a snapshot taken during a publish may
// mix the two versions record by record (Tears): through the slower
// bridge that happens, and the suite checks that each record is whole.
func TestConformanceThroughThePluginBridge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin")
	}
	bin := plugintest.Build(t, pluginPkg)

	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		srv := sdtest.NewTLS("XY", "SYkit", "kodeord")
		t.Cleanup(srv.Close)
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("kodeord\n"), 0o600))
		cfg := filepath.Join(dir, "sd.json")
		require.NoError(t, os.WriteFile(cfg, []byte(`{"url": "`+srv.URL+`/sdws/", "institution": "XY", "user": "SYkit", "password_file": "pw", "ca_file": "ca.pem"}`), 0o600))

		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		p, err := plugin.OpenPayroll(ctx, bin, plugin.Options{Env: []string{configEnv + "=" + cfg}, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		t.Cleanup(func() { p.Close() })

		today := sdToday(time.Now()) // the plugin's clock is the real one
		return connectortest.PayrollFixture{
			Payroll: p,
			Publish: func(s *connectors.PayrollSnapshot) error {
				srv.SetData(sdtest.FromPayroll(s, today))
				return nil
			},
			Project: func(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot { return sdtest.Held(s, today) },
			Tears:   true, // four calls to SD, no transaction between them
		}
	})
}

// sdToday is the day of t in SD's zone.
func sdToday(t time.Time) timeline.Date {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	y, m, d := t.In(loc).Date()
	return timeline.MustDate(y, m, d)
}
