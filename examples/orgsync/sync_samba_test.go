package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

// TestSyncOnSamba runs plan, apply --fingerprint and plan against the
// harness's Samba AD DC through the real connector, configured from a
// file as an operator would: the reviewed plan is applied exactly, a stale
// fingerprint is refused, and in the end a plan has nothing to do.
func TestSyncOnSamba(t *testing.T) {
	s := adtest.Start(t)
	base := s.NewOU(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := ad.Open(ctx, ad.Config{URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword})
	require.NoError(t, err)
	defer admin.Close()
	groups, kapel := "OU=Grupper,"+base, "OU=Kapellet,"+base
	for _, ou := range []string{groups, kapel} {
		_, err := admin.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
		require.NoError(t, err)
	}
	everyone := "CN=Alle ansatte," + groups
	_, err = admin.Create(ctx, connectors.CreateRequest{DN: everyone, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"group"}}, {Name: "sAMAccountName", Values: []string{"sync-alle"}}}})
	require.NoError(t, err)

	dir := t.TempDir()
	pw := filepath.Join(dir, "ad-password")
	require.NoError(t, os.WriteFile(pw, []byte(adtest.AdminPassword+"\n"), 0o600))
	config := filepath.Join(dir, "sync.yaml")
	require.NoError(t, os.WriteFile(config, []byte(`directory:
  url: `+s.LDAPSURL()+`
  ca_file: `+s.CAFile+`
  bind_dn: `+adtest.AdminUPN+`
  password_file: `+pw+`
model:
  synthetic: {size: small, persons: 40, units: 8, engagements: 48, managers: 5, today: 2026-12-01}
sync:
  base: "`+base+`"
  chapel_ou: "`+kapel+`"
  mapping:
    attributes:
      displayName: "{{.Person.GivenNames}} {{.Person.Surname}}"
      sn: "{{.Person.Surname}}"
      title: "{{.Primary.JobFunction}}"
      department: "{{.Unit.Name}}"
      manager: "{{.ManagerDN}}"
    enable_days_before: 14
  ou: {mode: mirror, base: "`+base+`"}
  groups:
    - group: "`+everyone+`"
username:
  patterns: [FFLL, FFFL, FLLL, FFLLX]
  suffix_base: FFLL
  fallback: medarb
  upn_domain: example.test
chapel:
  policy: {retention: {months: 3}}
`), 0o600))
	// The harness's DC is dialled by its address; its certificate names it.
	old := openDirectory
	openDirectory = func(ctx context.Context, cfg ad.Config) (connectors.Directory, error) {
		cfg.ServerName = adtest.Hostname
		return old(ctx, cfg)
	}
	t.Cleanup(func() { openDirectory = old })
	// The synthetic municipality is built around 2026-12-01, so the
	// commands run as at that day: plans are what-ifs, and writing needs
	// --at-another-day.
	cli := func(args ...string) (string, string, int) {
		if args[0] != "plan" {
			args = append(args, "--at-another-day")
		}
		out, errOut, status := orgsync(append(args, "--config", config, "--now", "2026-12-01T10:00:00+01:00")...)
		require.NotContains(t, out+errOut, adtest.AdminPassword, "the password in the output")
		return out, errOut, status
	}
	plan := func() (string, string) {
		out, errOut, status := cli("plan")
		require.Equal(t, 0, status, errOut)
		fp := planFingerprint.FindStringSubmatch(out)
		require.NotNil(t, fp, out)
		return out, fp[1]
	}
	users := func() int {
		n := 0
		err := admin.Search(ctx, connectors.SearchRequest{BaseDN: base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"cn"}}, func(*connectors.Entry) error { n++; return nil })
		require.NoError(t, err)
		return n
	}

	// The first plan creates everyone; nothing is written by planning.
	out, fp := plan()
	assert.True(t, strings.HasPrefix(out, "what-if: the plan as at 2026-12-01, not today\n"), out[:80])
	creates := len(regexp.MustCompile(`(?m)^create `).FindAllString(out, -1))
	assert.Greater(t, creates, 30, out)
	assert.Contains(t, out, "chapel: 0 of 0 accounts to act on\n")
	assert.Equal(t, 0, users())

	_, errOut, status := orgsync("apply", "--fingerprint", fp, "--config", config, "--now", "2026-12-01T10:00:00+01:00")
	assert.Equal(t, 2, status, "a write at another day than today, not confirmed")
	assert.Contains(t, errOut, "Add --at-another-day if that is what you mean")
	assert.Equal(t, 0, users(), "and nothing written")

	out, errOut, status = cli("apply", "--fingerprint", fp)
	require.Equal(t, 0, status, errOut+out)
	assert.Regexp(t, `\n\d+ done, 0 failed\n$`, out)
	assert.NotContains(t, out, "\nerror ")
	assert.Equal(t, creates, users())

	// The plan that was applied is not the plan now: refused.
	_, errOut, status = cli("apply", "--fingerprint", fp)
	assert.Equal(t, 1, status)
	assert.Contains(t, errOut, "changed since the plan was made")

	// The managers' accounts did not exist when the first plan was made,
	// so the second fills in manager, and nothing else.
	out, fp = plan()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "    ") {
			assert.True(t, strings.HasPrefix(l, `    manager: "" → "CN=`), l)
		} else if l != "" && !strings.HasPrefix(l, "plan for") && !strings.HasPrefix(l, "what-if:") && !strings.HasPrefix(l, "chapel:") && !strings.HasPrefix(l, "accounts:") && !strings.HasPrefix(l, "to apply") {
			assert.True(t, strings.HasPrefix(l, "modify "), l)
		}
	}
	out, errOut, status = cli("apply", "--fingerprint", fp)
	require.Equal(t, 0, status, errOut+out)

	out, _ = plan()
	assert.Contains(t, out, "\naccounts: 0 operations, 0 persons failed\n", out)
	assert.Contains(t, out, fmt.Sprintf("chapel: 0 of %d accounts to act on\n", creates))

	// The accounts are as the mapping says, with the manager's DN.
	var managed int
	err = admin.Search(ctx, connectors.SearchRequest{BaseDN: base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"manager", "title", "adminDisplayName", "userPrincipalName", "memberOf"}}, func(e *connectors.Entry) error {
		assert.NotEmpty(t, e.First("title"))
		assert.NotEmpty(t, e.First("adminDisplayName"), "the anchor")
		assert.True(t, strings.HasSuffix(e.First("userPrincipalName"), "@example.test"))
		assert.Len(t, e.Get("memberOf"), 1)
		if e.First("manager") != "" {
			managed++
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, managed, creates/2)

	// With --db, the org model and the links are the state database's:
	// the first run fills the model and links every account; the next
	// plan, from what is stored, has nothing to do.
	db := "sqlite:" + filepath.Join(dir, "orgsync.db")
	keyText := statedb.GenerateKey()
	t.Setenv(statedb.KeyEnv, keyText)
	out, errOut, status = cli("reconcile", "--db", db)
	require.Equal(t, 0, status, errOut+out)
	out, errOut, status = cli("plan", "--db", db)
	require.Equal(t, 0, status, errOut+out)
	assert.Contains(t, out, "\naccounts: 0 operations, 0 persons failed\n", out)
	key, err := statedb.ParseKey([]byte(keyText))
	require.NoError(t, err)
	state, err := statedb.Open(ctx, db, statedb.Options{Key: key})
	require.NoError(t, err)
	defer state.Close()
	links, err := state.Links(ctx, s.LDAPSURL()+" "+base)
	require.NoError(t, err)
	assert.Equal(t, creates, links.Len(), "every account is linked in the database")
	model, err := orgmodel.Open(ctx, orgmodel.Options{Store: state.Model()})
	require.NoError(t, err)
	assert.Len(t, model.Registrations(1), 2, "the synthetic municipality's two imports, registered once")

	// The chapel is the sync's, from the same configuration and the same
	// links: the leavers of the next months are disabled and listed as
	// their persons', each with the day it will be deleted. No people file.
	require.NoError(t, state.Close()) // one host at a time on SQLite
	later := "2027-09-01"
	chapelCLI := func(args ...string) (string, string, int) {
		return orgsync(append(append([]string{"chapel"}, args...), "--config", config, "--db", db, "--now", later)...)
	}
	out, errOut, status = chapelCLI("apply", "--at-another-day", "--max-share", "1", "--max-actions", "0")
	require.Equal(t, 0, status, errOut+out)
	out, errOut, status = chapelCLI("list", "--json")
	require.Equal(t, 0, status, errOut+out)
	listed := strings.Split(strings.TrimSpace(out), "\n")
	require.NotEmpty(t, listed[0], "the synthetic municipality has leavers by "+later)
	for _, l := range listed {
		var got struct {
			State, Note string
			DeletionDue string `json:"deletion_due"`
		}
		require.NoError(t, json.Unmarshal([]byte(l), &got), l)
		assert.Equal(t, "in-chapel", got.State, l)
		assert.NotEmpty(t, got.DeletionDue, l)
		assert.NotContains(t, got.Note, "not linked", l)
	}
	// The username preview sees what the sync sees: a name the directory
	// holds is not offered again.
	var given, sur, sam string
	err = admin.Search(ctx, connectors.SearchRequest{BaseDN: base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"displayName", "sn", "sAMAccountName"}}, func(e *connectors.Entry) error {
		sur = e.First("sn")
		given = strings.TrimSpace(strings.TrimSuffix(e.First("displayName"), sur))
		sam = e.First("sAMAccountName")
		return connectors.ErrStop
	})
	require.NoError(t, err)
	out, errOut, status = orgsync("username", "--sync-config", config, "--db", db, "--json", given+" | "+sur)
	require.Equal(t, 0, status, errOut+out)
	var preview struct{ Username string }
	require.NoError(t, json.Unmarshal([]byte(out), &preview), out)
	assert.NotEmpty(t, preview.Username)
	assert.NotEqual(t, sam, preview.Username, "%s %s's name is taken in the directory", given, sur)
	_, errOut, status = orgsync("username", "--sync-config", config, "--config", "testdata/username.yaml", "Bo Ek")
	assert.Equal(t, 2, status, errOut)

	_, errOut, status = orgsync("chapel", "list", "--config", config, "--people", "x.csv")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--people goes without --config")
	// Without the key, the database is refused.
	t.Setenv(statedb.KeyEnv, "")
	_, errOut, status = cli("plan", "--db", db)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "ORGSYNC_DB_KEY is not set")
}
