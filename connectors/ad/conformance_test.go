package ad_test

import (
	"testing"

	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/internal/adtest"
)

// The conformance suite runs against the real DC once for each way the
// connector reads changes, and once over StartTLS.
func TestConformance(t *testing.T) {
	s := adtest.Start(t)
	for _, tc := range []struct {
		name string
		edit func(*ad.Config)
	}{
		{"LDAPS+DirSync", func(c *ad.Config) { c.ChangeMethod = ad.ChangesDirSync }},
		{"LDAPS+USN", func(c *ad.Config) { c.ChangeMethod = ad.ChangesUSN; c.PageSize = 7 }},
		{"StartTLS", func(c *ad.Config) { c.URL = s.LDAPURL() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := adminConfig(s)
			tc.edit(&cfg)
			d := open(t, cfg)
			connectortest.TestDirectory(t, func(t *testing.T) connectortest.Fixture {
				return connectortest.Fixture{Dir: d, Base: s.NewOU(t), Domain: "example.test"}
			})
		})
	}
}
