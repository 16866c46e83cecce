package payrollfile_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The file connector passes the Payroll conformance suite: each Publish is
// the next day's delivery.
func TestConformance(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		dir := t.TempDir()
		c, err := payrollfile.Open(dir, payrollfile.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		day := timeline.MustParseDate("2026-01-01")
		return connectortest.PayrollFixture{
			Payroll: c,
			// The format has no managers file.
			Project: func(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot { s.Managers = nil; return s },
			Publish: func(s *connectors.PayrollSnapshot) error {
				day = day.AddDays(1)
				return payrollfile.Write(dir, day, s)
			},
		}
	})
}
