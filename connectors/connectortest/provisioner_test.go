package connectortest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
)

// boarding's AD group provisioner, compiled in over the in-memory twin,
// passes the Provisioner suite.
func TestADGroupsOverTheTwin(t *testing.T) {
	connectortest.TestProvisioner(t, func(t *testing.T) connectortest.ProvisionerFixture {
		twin := inmem.MustNew(inmem.Options{})
		t.Cleanup(func() { twin.Close() })
		f, err := connectortest.GroupGrants(context.Background(), twin, "DC=example,DC=test")
		require.NoError(t, err)
		f.Provisioner = &boarding.ADGroups{Directory: twin}
		return f
	})
}
