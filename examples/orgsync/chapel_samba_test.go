package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestMain(m *testing.M) {
	// The serve test runs this binary as orgsync itself, to stop it with
	// a real SIGTERM.
	if args := os.Getenv(asOrgsyncEnv); args != "" {
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(adtest.Main(m))
}

// TestChapelOnSamba runs the chapel command against the harness's Samba AD
// DC through the real connector, configured from the environment as an
// operator would: plan, the breaker, an approved apply, list, and a
// deletion after the retention.
func TestChapelOnSamba(t *testing.T) {
	s := adtest.Start(t)
	root := s.NewOU(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := ad.Open(ctx, ad.Config{URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword})
	require.NoError(t, err)
	defer admin.Close()
	skole, kapel := "OU=Skole,"+root, "OU=Kapel,"+root
	for _, ou := range []string{skole, kapel} {
		_, err := admin.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
		require.NoError(t, err)
	}
	ids := map[string]connectors.ID{}
	for _, name := range []string{"cli-anne", "cli-bent"} {
		ids[name], err = admin.Create(ctx, connectors.CreateRequest{DN: "CN=" + name + "," + skole, Enabled: true, Password: "Kapel-Kodeord-2026!", Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{name}},
		}})
		require.NoError(t, err)
	}
	dir := t.TempDir()
	policy, people := filepath.Join(dir, "chapel.yaml"), filepath.Join(dir, "people.csv")
	require.NoError(t, os.WriteFile(policy, []byte("chapel_ou: \""+kapel+"\"\nretention: {months: 3}\nquarantine: {months: 12}\n"), 0o600))
	require.NoError(t, os.WriteFile(people, []byte("sAMAccountName,employed,left_on\nCLI-ANNE,false,2026-03-01\ncli-bent,true,\n"), 0o600))

	t.Setenv("ORGSYNC_AD_URL", s.LDAPSURL())
	t.Setenv("ORGSYNC_AD_CA_FILE", s.CAFile)
	t.Setenv("ORGSYNC_AD_BIND_DN", adtest.AdminUPN)
	t.Setenv("ORGSYNC_AD_PASSWORD", adtest.AdminPassword)
	t.Setenv("ORGSYNC_AD_BASE", root)
	// The harness's DC is dialled by its address; its certificate names it.
	old := openDirectory
	openDirectory = func(ctx context.Context, cfg ad.Config) (connectors.Directory, error) {
		cfg.ServerName = adtest.Hostname
		return old(ctx, cfg)
	}
	t.Cleanup(func() { openDirectory = old })
	chapelCLI := func(args ...string) (string, string, int) {
		out, errOut, status := orgsync(append([]string{"chapel"}, append(args, "--policy", policy, "--people", people)...)...)
		require.NotContains(t, out+errOut, adtest.AdminPassword, "the password in the output")
		return out, errOut, status
	}
	read := func(name string) *connectors.Entry {
		e, err := admin.Read(ctx, ids[name], []string{"adminDescription"})
		require.NoError(t, err)
		return e
	}

	// One of two accounts is half the scope: the breaker trips.
	out, errOut, status := chapelCLI("plan", "--now", "2026-03-02")
	require.Equal(t, 0, status, errOut)
	fp := fingerprint.FindStringSubmatch(out)
	require.NotNil(t, fp, out)
	assert.Contains(t, out, "plan at 2026-03-02T00:00:00+01:00: 1 action for 2 accounts in scope\n")
	assert.Contains(t, out, "\ndisable  cli-anne  CN=cli-anne,"+skole+"  "+kapel+"  the person's last engagement has ended\n")
	assert.Contains(t, out, "breaker: tripped: 1 disables and deletions are 50.0% of 2 accounts, above the limit of 10.0%")

	_, errOut, status = chapelCLI("apply", "--now", "2026-03-02")
	assert.Equal(t, 2, status, "a write at another day than today, not confirmed")
	assert.Contains(t, errOut, "Add --at-another-day if that is what you mean")
	_, errOut, status = chapelCLI("apply", "--now", "2026-03-02", "--at-another-day")
	assert.Equal(t, 1, status)
	assert.Contains(t, errOut, "chapel: the mass-action breaker stopped the run")
	assert.False(t, read("cli-anne").Disabled, "nothing was changed")

	out, errOut, status = chapelCLI("apply", "--now", "2026-03-02", "--at-another-day", "--approve", fp[1])
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, lines(
		"apply at 2026-03-02T00:00:00+01:00: 1 action for 2 accounts in scope, plan "+fp[1]+" (the breaker tripped; approved)",
		"done  disable  cli-anne  CN=cli-anne,"+skole+" → "+kapel,
		"1 done, 0 failed",
	), out)
	e := read("cli-anne")
	assert.True(t, e.Disabled)
	assert.True(t, connectors.EqualDN("CN=cli-anne,"+kapel, e.DN), e.DN)
	st, ok, err := chapel.ParseStamp(e.First("adminDescription"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, chapel.Stamp{Disabled: timeline.MustParseDate("2026-03-02"), Reason: chapel.ReasonLeft, From: skole}, st)
	assert.False(t, read("cli-bent").Disabled)

	out, _, status = chapelCLI("list", "--now", "2026-03-02", "--json")
	assert.Equal(t, 0, status)
	assert.Equal(t, `{"username":"cli-anne","id":"`+string(ids["cli-anne"])+`","dn":"`+e.DN+`","state":"in-chapel","disabled":"2026-03-02","reason":"left","deletion_due":"2026-06-02","action":"nothing","note":"in the chapel; deletion is due on 2026-06-02"}`+"\n", out)

	// After the retention: deleted, and the username in quarantine.
	out, errOut, status = chapelCLI("apply", "--now", "2026-06-02T09:00:00+02:00", "--at-another-day", "--max-share", "0.5")
	require.Equal(t, 0, status, errOut)
	assert.True(t, strings.HasSuffix(out, "tombstone: cli-anne deleted 2026-06-02; the username is quarantined until 2027-06-02\n1 done, 0 failed\n"), out)
	_, err = admin.Read(ctx, ids["cli-anne"], nil)
	assert.ErrorIs(t, err, connectors.NotFound)
	out, _, _ = chapelCLI("plan", "--now", "2026-06-03")
	assert.Equal(t, "plan at 2026-06-03T00:00:00+02:00: nothing to do for 1 account in scope\n", out)
}
