package ad_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
)

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// adminConfig is a Config for the harness's DC, bound as Administrator
// over LDAPS.
func adminConfig(s *adtest.Server) ad.Config {
	return ad.Config{
		URL:          s.LDAPSURL(),
		RootCAs:      s.RootCAs,
		ServerName:   adtest.Hostname,
		BindDN:       adtest.AdminUPN,
		BindPassword: adtest.AdminPassword,
	}
}

// open opens a connector with cfg, closed when the test ends.
func open(t testing.TB, cfg ad.Config) *ad.Directory {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := ad.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// mustCreateUser creates a disabled user in ou through the connector.
func mustCreateUser(t *testing.T, d *ad.Directory, ou, cn, sam string) connectors.ID {
	t.Helper()
	dn, err := connectors.JoinDN("CN", cn, ou)
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.Create(ctxT(t), connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{sam}},
	}})
	if err != nil {
		t.Fatalf("create %s: %v", dn, err)
	}
	return id
}
