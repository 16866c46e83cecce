package plugin

import (
	"encoding/json"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// kill ends the plugin process at once, as a crash would.
func kill(t *testing.T, tp *testPlugin) {
	pid := tp.pid()
	require.NotZero(t, pid)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	requireGone(t, pid)
}

// retry calls fn until it does not fail with a Transient error, at most
// three times, as a caller that honours the error kinds does.
func retry(t *testing.T, fn func() error) error {
	var err error
	for range 3 {
		if err = fn(); !errors.Is(err, connectors.Transient) {
			return err
		}
		t.Logf("retrying after %v", err)
	}
	return err
}

// What a plugin wrote before it died is still there for the plugin that
// replaces it: an account created through the AD plugin is read back,
// whole, after the plugin was killed.
func TestADPluginCrashLosesNothingCommitted(t *testing.T) {
	s := adtest.Start(t)
	cfg, err := json.Marshal(ad.Config{URL: s.LDAPSURL(), CAFile: s.CAFile, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN})
	require.NoError(t, err)
	tp := newTestPlugin(t, "ad", adEnv+"="+string(cfg), "ORGSYNC_TEST_AD_PASSWORD="+adtest.AdminPassword)
	d := openDir(t, tp)
	ctx := ctxFor(t, 2*time.Minute)
	dn, err := connectors.JoinDN("CN", "Åse Ærø-Østergaard", s.NewOU(t))
	require.NoError(t, err)
	id, err := d.(connectors.Creator).Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{"crash-aaoe"}},
		{Name: "title", Values: []string{"Sygeplejerske"}},
	}})
	require.NoError(t, err)
	first := tp.pid()

	kill(t, tp)
	var e *connectors.Entry
	require.NoError(t, retry(t, func() (err error) { e, err = d.Read(ctx, id, []string{"sAMAccountName", "title"}); return err }))
	assert.NotEqual(t, first, tp.pid(), "a new plugin process answered")
	assert.Equal(t, "crash-aaoe", e.First("sAMAccountName"))
	assert.Equal(t, "Sygeplejerske", e.First("title"))
	assert.True(t, connectors.EqualDN(dn, e.DN))
}

// A token persisted before the payroll plugin died resumes in the plugin
// that replaces it: no change is lost.
func TestPayrollPluginCrashKeepsTokens(t *testing.T) {
	dir := t.TempDir()
	tp := newTestPlugin(t, "payrollfile", payrollDirEnv+"="+dir)
	p, err := OpenPayroll(ctxFor(t, time.Minute), tp.path, tp.opts)
	require.NoError(t, err)
	defer p.Close()
	ctx := ctxFor(t, time.Minute)

	since := timeline.Since(timeline.MustParseDate("2020-01-01"))
	v1 := &connectors.PayrollSnapshot{
		Units:   []connectors.PayrollUnit{{Key: "U1", Name: "Sjølund Kommune", Valid: since}},
		Persons: []connectors.PayrollPerson{{Key: "P1", NationalID: "0101901234", GivenNames: "Anna", Surname: "Ærø", Valid: since}},
	}
	require.NoError(t, payrollfile.Write(dir, timeline.MustParseDate("2026-11-22"), v1))
	snap, err := p.Snapshot(ctx)
	require.NoError(t, err)
	token := snap.Token // persisted by the caller

	v2 := *v1
	v2.Units = []connectors.PayrollUnit{{Key: "U1", Name: "Sjølund Kommune (ny)", Valid: since}}
	require.NoError(t, payrollfile.Write(dir, timeline.MustParseDate("2026-11-23"), &v2))
	kill(t, tp)

	var page *connectors.PayrollChanges
	require.NoError(t, retry(t, func() (err error) { page, err = p.(connectors.PayrollChangeReader).Changes(ctx, token); return err }))
	require.Len(t, page.Units, 1)
	assert.Equal(t, "Sjølund Kommune (ny)", page.Units[0].Name)
	assert.Empty(t, page.Persons)
	assert.False(t, page.More)
}
