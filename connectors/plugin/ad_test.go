package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
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

// BenchmarkSambaSearch10k searches 10,000 accounts in Samba with the AD
// connector compiled in and through a plugin process, alternating in each
// iteration, and reports both medians and their ratio (the target:
// at most 1.5).
func BenchmarkSambaSearch10k(b *testing.B) {
	s := adtest.Start(b)
	cfg := ad.Config{URL: s.LDAPSURL(), CAFile: s.CAFile, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN}
	js, err := json.Marshal(cfg)
	require.NoError(b, err)
	cfg.BindPassword = adtest.AdminPassword
	local, err := ad.Open(context.Background(), cfg)
	require.NoError(b, err)
	defer local.Close()
	// Samba takes minutes to create 10,000 accounts, so they are created
	// once, in an OU that lives as long as this binary's DC, for every
	// -count.
	base := s.SharedOU(b, "search10k")
	sambaFill.Do(func() {
		n := 0
		sambaErr = local.Search(context.Background(), connectors.SearchRequest{BaseDN: base, Scope: connectors.ScopeOneLevel, Attributes: []string{"cn"}},
			func(*connectors.Entry) error { n++; return nil })
		if sambaErr == nil && n == 0 {
			fillParallel(b, local, base, searchEntries)
		}
	})
	require.NoError(b, sambaErr)

	tp := newTestPlugin(b, "ad", adEnv+"="+string(js), "ORGSYNC_TEST_AD_PASSWORD="+adtest.AdminPassword)
	remote, err := OpenDirectory(context.Background(), tp.path, tp.opts)
	require.NoError(b, err)
	defer remote.Close()
	search := func(d connectors.Directory) func() time.Duration {
		return func() time.Duration { return searchCount(b, d, base) }
	}
	compare(b, search(local), search(remote))
}

var (
	sambaFill sync.Once
	sambaErr  error
)

// fillParallel creates n accounts below base with a few writers at once.
func fillParallel(b *testing.B, d connectors.Directory, base string, n int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				dn, _ := connectors.JoinDN("CN", fmt.Sprintf("Bench Person %05d", i), base)
				_, err := d.(connectors.Creator).Create(ctx, connectors.CreateRequest{DN: dn, Attributes: benchAttributes(i)})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
