package plugin_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/connectors/plugin"
)

// adgroupsBase is the in-memory directory's base DN in the adgroups test
// plugin.
const adgroupsBase = "DC=adgroups,DC=test"

// The adgroups test plugin serves boarding's AD group provisioner over an
// in-memory directory of its own, filled with connectortest.GroupGrants;
// it writes the grants to its mark file for the test to use. boarding is
// imported here, in the external test package, so that this package's
// own tests never do.
func init() {
	plugin.TestModes["adgroups"] = func() {
		log := plugin.Logger()
		twin := inmem.MustNew(inmem.Options{BaseDN: adgroupsBase})
		f, err := connectortest.GroupGrants(context.Background(), twin, adgroupsBase)
		if err != nil {
			log.Error("fill the directory", "error", err)
			os.Exit(2)
		}
		b, err := json.Marshal(f) // its Provisioner is nil, its grants plain data
		if err == nil {
			err = os.WriteFile(os.Getenv(plugin.MarkEnv), b, 0o600)
		}
		if err != nil {
			log.Error("write the grants", "error", err)
			os.Exit(2)
		}
		plugin.Serve(&boarding.ADGroups{Directory: twin})
	}
}

// boarding's AD group provisioner, in a plugin process over an in-memory
// directory, passes the Provisioner suite through the boundary: states,
// error kinds, contexts and concurrent calls survive it.
func TestADGroupsConformanceThroughPlugin(t *testing.T) {
	connectortest.TestProvisioner(t, func(t *testing.T) connectortest.ProvisionerFixture {
		path, opts, mark := plugin.NewTestPlugin(t, "adgroups")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		p, err := plugin.OpenProvisioner(ctx, path, opts)
		require.NoError(t, err)
		t.Cleanup(func() { p.Close() })
		b, err := os.ReadFile(mark)
		require.NoError(t, err)
		var f connectortest.ProvisionerFixture
		require.NoError(t, json.Unmarshal(b, &f))
		f.Provisioner = p
		return f
	})
}
