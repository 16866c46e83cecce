package plugin

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/internal/adtest"
)

// The Active Directory connector, served by a plugin process, passes the
// Directory conformance suite against a real Samba AD DC.
func TestADConformanceThroughPlugin(t *testing.T) {
	s := adtest.Start(t)
	cfg, err := json.Marshal(ad.Config{
		URL:        s.LDAPSURL(),
		CAFile:     s.CAFile,
		ServerName: adtest.Hostname,
		BindDN:     adtest.AdminUPN,
	})
	require.NoError(t, err)
	tp := newTestPlugin(t, "ad", adEnv+"="+string(cfg), "ORGSYNC_TEST_AD_PASSWORD="+adtest.AdminPassword)
	d := openDir(t, tp)
	connectortest.TestDirectory(t, func(t *testing.T) connectortest.Fixture {
		return connectortest.Fixture{Dir: d, Base: s.NewOU(t), Domain: "example.test"}
	})
}
