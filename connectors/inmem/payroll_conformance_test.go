package inmem_test

import (
	"testing"

	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
)

func TestPayrollConformance(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		// A small page, so that the suite's paging tests page.
		p := inmem.NewPayroll(inmem.PayrollOptions{ChangePageSize: 7})
		t.Cleanup(func() { p.Close() })
		return connectortest.PayrollFixture{Payroll: p, Publish: p.Publish}
	})
}

func TestIdentityConformance(t *testing.T) {
	connectortest.TestIdentitySource(t, func(t *testing.T) connectortest.IdentityFixture {
		s := inmem.NewIdentities()
		t.Cleanup(func() { s.Close() })
		return connectortest.IdentityFixture{Source: s, Publish: s.Publish}
	})
}
