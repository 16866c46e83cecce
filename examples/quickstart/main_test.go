package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// quickstart runs the job in dir below base and returns it with what it
// printed.
func quickstart(t *testing.T, dir connectors.Directory, base string, persons int) (*job, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out bytes.Buffer
	o := options{persons: persons, seed: 1, today: timeline.MustParseDate("2026-12-01"), base: base}
	j, err := newJob(ctx, o, dir, &out, nil)
	require.NoError(t, err)
	require.NoError(t, j.run(ctx), out.String())
	return j, out.String()
}

// wanted counts the persons who should have an account on the day: an
// engagement then or within the preparation window.
func wanted(j *job, day timeline.Date) int {
	n := 0
	v := j.model.Latest()
	for _, p := range adsync.PersonsOn(v.At(day)) {
		for k := 0; k <= enableDaysBefore; k++ {
			if _, ok := v.At(day.AddDays(k)).PrimaryEngagement(p); ok {
				n++
				break
			}
		}
	}
	return n
}

// checkRun checks what the job printed and what it left in the directory.
func checkRun(t *testing.T, j *job, out string) {
	t.Helper()
	ctx := context.Background()
	today := timeline.MustParseDate("2026-12-01")
	n := wanted(j, today)
	require.Greater(t, n, 0)
	for _, want := range []string{
		fmt.Sprintf("\nreconcile 1  created %d accounts, ", n),
		// The run fills in the managers whose accounts it made itself,
		// so the second has nothing to do.
		"; modified ",
		fmt.Sprintf("\nreconcile 2  nothing to do: 0 operations for %d accounts", n),
		fmt.Sprintf("recorded %d accounts and %d e-mail addresses in the org model; 0 drifted, 0 errors", n, n),
		"\n  plan    0 operations, 0 chapel actions: the directory matches the org model\n",
	} {
		assert.Contains(t, out, want)
	}
	assert.Regexp(t, `(?m)^reconcile 1  created \d+ accounts, [1-9]\d* OUs and [1-9]\d* group memberships; (modified \d+ accounts \(manager \d+\); )?0 failed`, out)
	assert.Regexp(t, `(?m)^  hire .*\n +→ create CN=Freja Sofie Østergaard,OU=.*group-add Alle ansatte; group-add Pædagoger;.*\n +account \w+, mail freja\.oestergaard@example\.org, manager CN=`, out)
	assert.Regexp(t, `(?m)^  move .*\n +→ modify department, manager; move to OU=`, out)
	assert.Regexp(t, `(?m)^  leaver .*\n +→ the worker has nothing to do .*\n  reconcile .*chapel: disable CN=.*; 0 failed`, out)
	assert.NotRegexp(t, `\d{6}-?\d{4}`, out, "no national id is printed")

	// The directory: the hire, the mover and the leaver where they belong.
	g := j.model.Latest().Today(j.now())
	var freja uuid.UUID
	for _, p := range adsync.PersonsOn(g) {
		if pp, _ := g.Person(p); pp.Surname == "Østergaard" && pp.GivenNames == "Freja Sofie" {
			freja = p
		}
	}
	require.NotEqual(t, uuid.Nil, freja)
	id, ok := j.links.Link(freja)
	require.True(t, ok, "the hire is linked")
	e, err := j.dir.Read(ctx, id, []string{"manager", "department", "memberOf"})
	require.NoError(t, err)
	assert.NotEmpty(t, e.First("manager"))
	assert.Len(t, e.Get("memberOf"), 3)
	frejaOU := parent(e.DN)
	m := regexp.MustCompile(`(?m)^  move    (.+) moves from`).FindStringSubmatch(out)
	require.NotNil(t, m)
	moved := 0
	for _, p := range adsync.PersonsOn(g) {
		if pp, _ := g.Person(p); pp.GivenNames+" "+pp.Surname == m[1] {
			id, _ := j.links.Link(p)
			if e, err := j.dir.Read(ctx, id, nil); err == nil && connectors.EqualDN(parent(e.DN), frejaOU) {
				moved++
			}
		}
	}
	assert.Equal(t, 1, moved, "the mover's account is in the hire's OU")
	l := regexp.MustCompile(`the leaver's account (\w+) is disabled in OU=Kapellet, stamped left on 2026-12-02, from OU=`).FindStringSubmatch(out)
	require.NotNil(t, l, out)
	var leavers int
	err = j.dir.Search(ctx, connectors.SearchRequest{BaseDN: j.chapel, Filter: connectors.Eq("sAMAccountName", l[1]), Attributes: []string{"sAMAccountName"}}, func(e *connectors.Entry) error {
		assert.True(t, e.Disabled)
		leavers++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, leavers)

	// A second run plans nothing.
	rp, err := j.rec.Plan(ctx)
	require.NoError(t, err)
	assert.True(t, empty(rp), rp.String())
	users, err := j.count(ctx, "user")
	require.NoError(t, err)
	assert.Equal(t, j.links.Len(), users, "every account below the base is linked to its person")
}

func TestQuickstartInMemory(t *testing.T) {
	twin, err := newTwin(context.Background())
	require.NoError(t, err)
	j, out := quickstart(t, twin, twinBase, 300)
	checkRun(t, j, out)
	assert.Contains(t, out, "\nsample accounts")
	assert.Regexp(t, `(?m)^  medarb\d* +CN=`, out, "a name without Latin letters gets the fallback username")
	// The mover changes department, and so a group.
	assert.Regexp(t, `(?m)^  move .*\n +→ modify department, manager; move to OU=.*; group-add .*; group-remove `, out)
}

// TestQuickstartOnSamba runs the quickstart against the harness's Samba AD
// DC through the real connector, twice: the second run finds the first
// one's accounts by their anchors and creates none.
func TestQuickstartOnSamba(t *testing.T) {
	s := adtest.Start(t)
	base := s.NewOU(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir, err := ad.Open(ctx, ad.Config{URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword})
	require.NoError(t, err)
	defer dir.Close()
	j, out := quickstart(t, dir, base, 120)
	checkRun(t, j, out)

	// A second quickstart starts from the model as it was before the day
	// of changes: it finds every account, creates none, and puts the
	// mover and the leaver back.
	_, out = quickstart(t, dir, base, 120)
	first := regexp.MustCompile(`(?m)^reconcile 1  (.*)$`).FindStringSubmatch(out)
	require.NotNil(t, first, out)
	assert.NotContains(t, first[1], "created", out)
	assert.Contains(t, first[1], "chapel: reactivate", out)
	assert.Contains(t, out, "\n  plan    0 operations, 0 chapel actions")
}

// TestQuickstartWithDatabase runs the quickstart three times on one
// SQLite file, as the README shows: the first builds everything; the
// second picks up where the first stopped (its first reconcile plans
// nothing, with the twin, the links and the read-back's token restored)
// and lives through the next day; the third refuses to go back in time.
func TestQuickstartWithDatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "orgsync.db")
	t.Setenv("ORGSYNC_DB_KEY", "")
	os.Unsetenv("ORGSYNC_DB_KEY")
	o := options{persons: 200, seed: 1, today: timeline.MustParseDate("2026-12-01"), db: path}
	var first bytes.Buffer
	require.NoError(t, start(ctx, o, &first), first.String())
	out1 := first.String()
	assert.Contains(t, out1, "key         made "+path+".key")
	assert.Contains(t, out1, "state       "+path+": run 1, a new database")
	assert.Regexp(t, `(?m)^reconcile 1  created \d+ accounts`, out1)
	assert.Contains(t, out1, "hire    Freja Sofie Østergaard")
	assert.Contains(t, out1, "state       saved in "+path+": run 1 lived through 2026-12-02")
	st, err := os.Stat(path + ".key")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the key file is the owner's only")

	var second bytes.Buffer
	require.NoError(t, start(ctx, o, &second), second.String())
	out2 := second.String()
	assert.Contains(t, out2, "state       "+path+": run 2, going on from run 1")
	assert.NotContains(t, out2, "key         made")
	first1 := regexp.MustCompile(`(?m)^reconcile 1  (.*)$`).FindStringSubmatch(out2)
	require.NotNil(t, first1, out2)
	assert.Contains(t, first1[1], "nothing to do: 0 operations", out2)
	assert.Regexp(t, `(?m)^read-back   0 changes read from the directory's feed`, out2, "the token from run 1 resumes the feed")
	assert.Contains(t, out2, "a day of changes, 2026-12-03")
	assert.Regexp(t, `(?m)^  hire    Ahmed Karim Nørgaard.*\n +→ create CN=Ahmed Karim Nørgaard,OU=`, out2)
	assert.Contains(t, out2, "\n  plan    0 operations, 0 chapel actions")
	assert.Contains(t, out2, "run 2 lived through 2026-12-03")
	// (The temporary directory's name holds ten digits in a row.)
	assert.NotRegexp(t, `\d{6}-?\d{4}`, strings.ReplaceAll(out1+out2, path, "DB"), "no national id is printed")

	// Going back in time, or another municipality, is refused.
	back := o
	back.todaySet = true
	err = start(ctx, back, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has lived through 2026-12-03 already")
	other := o
	other.seed = 2
	err = start(ctx, other, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--persons 200 --seed 1")
	// A key other than the database's is refused.
	wrong := o
	wrong.dbKeyFile = filepath.Join(t.TempDir(), "wrong.key")
	require.NoError(t, os.WriteFile(wrong.dbKeyFile, []byte(statedb.GenerateKey()), 0o600))
	err = start(ctx, wrong, io.Discard)
	require.ErrorIs(t, err, statedb.ErrKey)
}

// TestQuickstartOnSambaWithDatabase runs the quickstart twice against the
// harness's Samba AD DC with a state database: the second run goes on
// from the first's org model, links and token, plans nothing at first,
// and lives through the next day.
func TestQuickstartOnSambaWithDatabase(t *testing.T) {
	s := adtest.Start(t)
	base := s.NewOU(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "orgsync.db")
	o := options{persons: 120, seed: 1, today: timeline.MustParseDate("2026-12-01"), base: base, db: path,
		ad: &ad.Config{URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword}}
	var first, second bytes.Buffer
	require.NoError(t, start(ctx, o, &first), first.String())
	assert.Regexp(t, `(?m)^reconcile 1  created \d+ accounts`, first.String())
	require.NoError(t, start(ctx, o, &second), second.String())
	out := second.String()
	assert.Regexp(t, `(?m)^reconcile 1  nothing to do: 0 operations`, out)
	assert.Contains(t, out, "a day of changes, 2026-12-03")
	assert.Regexp(t, `(?m)^  hire    Ahmed Karim Nørgaard.*\n +→ create CN=Ahmed Karim Nørgaard,OU=`, out)
	assert.Contains(t, out, "\n  plan    0 operations, 0 chapel actions")
	// The state is of this directory: the twin cannot take it over.
	twin := o
	twin.ad, twin.base = nil, ""
	err := start(ctx, twin, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds the state of runs against Active Directory at "+s.LDAPSURL())
}

func TestOptions(t *testing.T) {
	dir := t.TempDir()
	pw := dir + "/pw"
	require.NoError(t, os.WriteFile(pw, []byte("s3cret\n"), 0o600))
	t.Setenv("ORGSYNC_AD_PASSWORD", "")
	for _, tc := range []struct {
		args []string // persons, today, url, ca, bind, password file, base
		want string
	}{
		{[]string{"1000", "2026-12-01", "", "", "", "", ""}, ""},
		{[]string{"5", "2026-12-01", "", "", "", "", ""}, "--persons must be from 10"},
		{[]string{"1000", "2026-13-01", "", "", "", "", ""}, "--today"},
		{[]string{"1000", "2026-12-01", "", "", "", "", "OU=x,DC=y"}, "--base goes with --ldap-url"},
		{[]string{"1000", "2026-12-01", "ldaps://dc", "", "", pw, "OU=x,DC=y"}, "needs --bind"},
		{[]string{"1000", "2026-12-01", "ldaps://dc", "", "svc@example.org", "", "OU=x,DC=y"}, "no bind password"},
		{[]string{"1000", "2026-12-01", "ldaps://dc", "", "svc@example.org", pw, ""}, "needs --base"},
		{[]string{"1000", "2026-12-01", "ldaps://dc", "", "svc@example.org", pw, "not a dn"}, "--base"},
		{[]string{"1000", "2026-12-01", "ldaps://dc", "", "svc@example.org", dir + "/missing", "OU=x,DC=y"}, "--password-file"},
		{[]string{"1000", "2026-12-01", "ldaps://dc", "", "svc@example.org", pw, "OU=x,DC=y"}, ""},
	} {
		var persons int
		fmt.Sscan(tc.args[0], &persons)
		_, err := parseOptions(persons, 1, tc.args[1], tc.args[2], tc.args[3], tc.args[4], tc.args[5], tc.args[6])
		if tc.want == "" {
			assert.NoError(t, err, tc.args)
			continue
		}
		if assert.Error(t, err, tc.args) {
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "s3cret")
		}
	}
	o, err := parseOptions(1000, 1, "2026-12-01", "ldaps://dc", "", "svc@example.org", pw, "OU=x,DC=y")
	require.NoError(t, err)
	assert.Equal(t, connectors.Secret("s3cret"), o.ad.BindPassword, "the trailing newline is dropped")
}
