package plugin

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
)

// skippingPayroll is the payroll twin reporting skipped records with its
// snapshots and pages, as a source connector does with malformed rows.
type skippingPayroll struct {
	*inmem.Payroll
	skipped []connectors.SkippedRecord
}

func (p *skippingPayroll) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	s, err := p.Payroll.Snapshot(ctx)
	if s != nil {
		s.Skipped = p.skipped
	}
	return s, err
}

func (p *skippingPayroll) Changes(ctx context.Context, token connectors.Token) (*connectors.PayrollChanges, error) {
	c, err := p.Payroll.Changes(ctx, token)
	if c != nil {
		c.Skipped = p.skipped[:1]
	}
	return c, err
}

type skippingIdentities struct {
	twin    *inmem.Identities
	skipped []connectors.SkippedRecord
}

func (s *skippingIdentities) Ping(ctx context.Context) error { return s.twin.Ping(ctx) }
func (s *skippingIdentities) Close() error                   { return s.twin.Close() }

func (s *skippingIdentities) Identities(ctx context.Context) (*connectors.IdentitySnapshot, error) {
	snap, err := s.twin.Identities(ctx)
	if snap != nil {
		snap.Skipped = s.skipped
	}
	return snap, err
}

func manySkipped(n int) []connectors.SkippedRecord {
	out := []connectors.SkippedRecord{{Where: "ZLPE20270115.xml", Kind: "employee", Key: "4711", Field: "cpr", Problem: "not a CPR number: 0101901234x"}}
	for i := 1; i < n; i++ {
		out = append(out, connectors.SkippedRecord{Where: "page 3", Kind: "employment", Key: fmt.Sprint(i), Field: "startDate", Problem: "not a date"})
	}
	return out
}

// The records a source connector skipped cross the bridge with the
// snapshot, the page and the identities, capped at MaxSkipped.
func TestSkippedRecordsCrossTheBridge(t *testing.T) {
	ctx := ctxFor(t, time.Minute)
	pay := &skippingPayroll{Payroll: inmem.NewPayroll(inmem.PayrollOptions{}), skipped: manySkipped(3)}
	require.NoError(t, pay.Publish(&connectors.PayrollSnapshot{}))
	c, err := openPayroll(ctx, serveInProcess(t, pay, payrollName))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	snap, err := c.Snapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, pay.skipped, snap.Skipped)
	page, err := c.(connectors.PayrollChangeReader).Changes(ctx, snap.Token)
	require.NoError(t, err)
	assert.Equal(t, pay.skipped[:1], page.Skipped)

	ids := &skippingIdentities{twin: inmem.NewIdentities(), skipped: manySkipped(connectors.MaxSkipped + 500)}
	require.NoError(t, ids.twin.Publish(&connectors.IdentitySnapshot{}))
	ic, err := openIdentitySource(ctx, serveInProcess(t, ids, identityName))
	require.NoError(t, err)
	t.Cleanup(func() { ic.Close() })
	got, err := ic.Identities(ctx)
	require.NoError(t, err)
	require.Len(t, got.Skipped, connectors.MaxSkipped)
	assert.Equal(t, ids.skipped[0], got.Skipped[0])
	assert.Equal(t, "and 501 more records skipped", got.Skipped[connectors.MaxSkipped-1].Problem)
}
