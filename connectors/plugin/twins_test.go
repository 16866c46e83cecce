package plugin

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// serveInProcess serves impl through go-plugin's test mode: the whole
// protocol (gRPC, streaming, error details) on a goroutine of this
// process, so that a test can change the served twin's state directly.
// It returns a proc that connects to it.
func serveInProcess(t *testing.T, impl any, name string) *proc {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan *goplugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go goplugin.Serve(serveConfig(servedPlugins(impl), &goplugin.ServeTestConfig{Context: ctx, ReattachConfigCh: ch, CloseCh: closed}))
	t.Cleanup(func() { cancel(); <-closed })
	var rc *goplugin.ReattachConfig
	select {
	case rc = <-ch:
	case <-time.After(30 * time.Second):
		t.Fatal("the in-process plugin did not start")
	}
	p, err := newProc("in-process-"+name, name, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	p.reattach = rc
	return p
}

// The in-memory payroll twin passes the Payroll conformance suite through
// the plugin protocol: snapshots and pages streamed in chunks, tokens,
// deletions, deadlines.
func TestPayrollConformanceThroughPlugin(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		twin := inmem.NewPayroll(inmem.PayrollOptions{ChangePageSize: 5})
		c, err := openPayroll(ctxFor(t, time.Minute), serveInProcess(t, twin, payrollName))
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return connectortest.PayrollFixture{Payroll: c, Publish: twin.Publish}
	})
}

// The in-memory identity twin passes the IdentitySource suite through the
// plugin protocol.
func TestIdentityConformanceThroughPlugin(t *testing.T) {
	connectortest.TestIdentitySource(t, func(t *testing.T) connectortest.IdentityFixture {
		twin := inmem.NewIdentities()
		c, err := openIdentitySource(ctxFor(t, time.Minute), serveInProcess(t, twin, identityName))
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return connectortest.IdentityFixture{Source: c, Publish: twin.Publish}
	})
}

// The file payroll connector, in a plugin process of its own, passes the
// Payroll suite: each Publish writes the next day's delivery into the
// folder the plugin reads.
func TestPayrollFileConformanceThroughPlugin(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		dir := t.TempDir()
		tp := newTestPlugin(t, "payrollfile", payrollDirEnv+"="+dir)
		c, err := OpenPayroll(ctxFor(t, time.Minute), tp.path, tp.opts)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		day := timeline.MustParseDate("2026-01-01")
		return connectortest.PayrollFixture{Payroll: c, Publish: func(s *connectors.PayrollSnapshot) error {
			day = day.AddDays(1)
			return payrollfile.Write(dir, day, s)
		}, Project: func(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
			s.Managers = nil // the file format has no managers
			return s
		}}
	})
}
