package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	day1 = timeline.MustParseDate("2026-12-01")
	day2 = timeline.MustParseDate("2026-12-02")
)

// fixture is what a test of the host against Samba needs: the binaries,
// a payroll folder with the first delivery, the AD plugin's configuration
// and an admin connection for looking at the result.
type fixture struct {
	base, payDir, adConfig string
	admin                  *ad.Directory
	logs                   *logs
	logger                 *slog.Logger
}

func newFixture(t *testing.T, ctx context.Context) *fixture {
	s := adtest.Start(t)
	build(t)
	f := &fixture{base: s.NewOU(t)}
	work := t.TempDir()
	f.payDir = filepath.Join(work, "payroll")
	// The first delivery, written as an operator would.
	cmd := exec.Command(bins.orgsync, "payroll-export", "--dir", f.payDir, "--persons", "150", "--today", day1.String())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	f.adConfig = filepath.Join(work, "ad.yaml")
	// The harness's DC is dialled by its address; its certificate names it.
	require.NoError(t, os.WriteFile(f.adConfig, []byte(fmt.Sprintf("url: %s\nca_file: %s\nserver_name: %s\nbind_dn: %s\n",
		s.LDAPSURL(), s.CAFile, adtest.Hostname, adtest.AdminUPN)), 0o600))
	f.admin, err = ad.Open(ctx, ad.Config{URL: s.LDAPSURL(), RootCAs: s.RootCAs, ServerName: adtest.Hostname, BindDN: adtest.AdminUPN, BindPassword: adtest.AdminPassword})
	require.NoError(t, err)
	t.Cleanup(func() { f.admin.Close() })
	f.logger, f.logs = newLogger(t)
	return f
}

// config parses the host's flags for a run on day, with the password in
// the environment as main takes it.
func (f *fixture) config(t *testing.T, day timeline.Date, extra ...string) config {
	t.Helper()
	args := append([]string{"--payroll-plugin", bins.payroll, "--payroll-dir", f.payDir, "--ad-plugin", bins.ad,
		"--ad-config", f.adConfig, "--base", f.base, "--today", day.String()}, extra...)
	cfg, err := parseArgs(args, io.Discard, func(k string) string {
		if k == passwordEnv {
			return adtest.AdminPassword
		}
		return ""
	}, time.Now())
	require.NoError(t, err)
	cfg.logger = f.logger
	return cfg
}

// run runs the host and returns what it printed.
func (f *fixture) run(t *testing.T, ctx context.Context, cfg config) string {
	t.Helper()
	var out bytes.Buffer
	err := run(ctx, cfg, &out)
	require.NoError(t, err, out.String())
	text := out.String()
	assert.NotContains(t, text+f.logs.String(), adtest.AdminPassword, "the password in the output or the log")
	assert.NotRegexp(t, `\d{6}-?\d{4}`, text, "a national id in the output")
	return text
}

// users returns the user accounts below the base by DN.
func (f *fixture) users(t *testing.T, ctx context.Context) map[string]*connectors.Entry {
	t.Helper()
	out := map[string]*connectors.Entry{}
	err := f.admin.Search(ctx, connectors.SearchRequest{BaseDN: f.base, Filter: connectors.Eq("objectClass", "user"),
		Attributes: []string{"givenName", "sn", "displayName", "title", "department", "employeeNumber", "userAccountControl"}},
		func(e *connectors.Entry) error { out[e.DN] = e; return nil })
	require.NoError(t, err)
	return out
}

// payroll reads the folder's latest delivery in-process.
func (f *fixture) payroll(t *testing.T, ctx context.Context) *connectors.PayrollSnapshot {
	t.Helper()
	c, err := payrollfile.Open(f.payDir, payrollfile.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer c.Close()
	snap, err := c.Snapshot(ctx)
	require.NoError(t, err)
	return snap
}

// employee is what the payroll says of a person who should have an
// account on a day.
type employee struct {
	person      connectors.PayrollPerson       // the row valid on the day
	engagements []connectors.PayrollEngagement // those valid on the day or within enableDaysBefore
}

// employees are the persons who should have an account on day, by key,
// straight from the payroll: a person row valid on the day, and an
// engagement on it or starting within the days before a first day.
func employees(snap *connectors.PayrollSnapshot, day timeline.Date) map[string]*employee {
	window := timeline.Interval{From: day, To: day.AddDays(enableDaysBefore + 1)}
	out := map[string]*employee{}
	for _, p := range snap.Persons {
		if p.Valid.Contains(day) {
			out[p.Key] = &employee{person: p}
		}
	}
	for _, e := range snap.Engagements {
		if em := out[e.Person]; em != nil && e.Valid.Overlaps(window) {
			em.engagements = append(em.engagements, e)
		}
	}
	for k, em := range out {
		if len(em.engagements) == 0 {
			delete(out, k)
		}
	}
	return out
}

// TestHostOnSamba runs the host with both plugins against Samba on day
// 1, checks every account against the payroll, then delivers day 2 (a
// new surname, an engagement that ended) and checks that the next run
// renames the one and hands the other to the chapel; each run's second
// plan is empty.
func TestHostOnSamba(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f := newFixture(t, ctx)

	// A dry run first: the plan and its fingerprint, and nothing in AD.
	out := f.run(t, ctx, f.config(t, day1, "--plan"))
	assert.Contains(t, out, "plan        (a dry run: nothing is changed)\n")
	require.Regexp(t, `run again with --fingerprint [0-9a-f]{16}\n$`, out)
	assert.Empty(t, f.users(t, ctx), "a dry run changes nothing")
	var stale bytes.Buffer
	err := run(ctx, f.config(t, day1, "--fingerprint", "0123456789abcdef"), &stale)
	require.ErrorIs(t, err, adsync.ErrPlanChanged, stale.String())
	assert.Empty(t, f.users(t, ctx), "a plan not reviewed is not applied")

	// Day 1, with both checksums given (and right).
	cfg := f.config(t, day1, "--payroll-sha256", sum(t, bins.payroll), "--ad-sha256", sum(t, bins.ad))
	out = f.run(t, ctx, cfg)
	t.Logf("day 1:\n%s", out)

	snap := f.payroll(t, ctx)
	want := employees(snap, day1)
	require.Greater(t, len(want), 100)
	users := f.users(t, ctx)
	assert.Len(t, users, len(want), "an account per person employed")
	byNumber := map[string]*connectors.Entry{}
	for _, u := range users {
		byNumber[u.First("employeeNumber")] = u
		assert.True(t, connectors.EqualDN(u.DN[strings.Index(u.DN, ",")+1:], f.base), "%s is in the base OU itself", u.DN)
		assert.Zero(t, uac(t, u)&2, "%s is enabled", u.DN)
	}
	units := map[string]string{}
	for _, u := range snap.Units {
		if u.Valid.Contains(day1) {
			units[u.Key] = u.Name
		}
	}
	accountOf := map[string]connectors.ID{} // person key → account
	for key, em := range want {
		var found []connectors.PayrollEngagement
		for _, e := range em.engagements {
			if byNumber[e.Key] != nil {
				found = append(found, e)
			}
		}
		if !assert.Len(t, found, 1, "person %s: one account, with the employment number of one of their engagements", key) {
			continue
		}
		e, u := found[0], byNumber[found[0].Key]
		accountOf[key] = u.ID
		assert.Equal(t, em.person.GivenNames, u.First("givenName"), key)
		assert.Equal(t, em.person.Surname, u.First("sn"), key)
		assert.Equal(t, em.person.GivenNames+" "+em.person.Surname, u.First("displayName"), key)
		assert.Equal(t, e.JobFunction, u.First("title"), key)
		if e.Valid.Contains(day1) {
			assert.Equal(t, units[e.Unit], u.First("department"), key)
		}
	}
	assert.Contains(t, out, fmt.Sprintf("org model   %d persons, %d of them employed on 2026-12-01 or starting within 14 days\n", len(snap.Persons), len(want)))
	assert.Contains(t, out, fmt.Sprintf("\nrun         accounts: %d created, 0 modified, 0 moved; chapel: nothing to do; 0 errors\n", len(want)))
	assert.Contains(t, out, "directory   below "+f.base+" (every account in that OU itself); 0 accounts of earlier runs found\n")
	assert.True(t, strings.HasSuffix(out, "\nsecond run  nothing to do: 0 operations, 0 chapel actions\n"), out)

	// Day 2: one person gets a new surname from today, and another's
	// only engagement ended yesterday.
	renamed, leaver := pick(t, snap, want, accountOf)
	const newSurname = "Østerlund-Omdøbt"
	var persons []connectors.PayrollPerson
	for _, p := range snap.Persons {
		if p.Key == renamed {
			old, now := p, p
			old.Valid.To, now.Valid.From, now.Surname = day2, day2, newSurname
			persons = append(persons, old, now)
			continue
		}
		persons = append(persons, p)
	}
	snap.Persons = persons
	for i, e := range snap.Engagements {
		if e.Person == leaver {
			snap.Engagements[i].Valid.To = day2
		}
	}
	require.NoError(t, payrollfile.Write(f.payDir, day2, snap))

	out = f.run(t, ctx, f.config(t, day2))
	t.Logf("day 2:\n%s", out)
	linked := len(users)
	assert.Regexp(t, fmt.Sprintf(`^payroll     delivery payrollfile/1:2026-12-02:[0-9a-f]+: %d units, %d persons, %d engagements, 0 leaves\n`,
		len(snap.Units), len(snap.Persons)-1, len(snap.Engagements)), out, "records, not rows")
	assert.Contains(t, out, fmt.Sprintf("directory   below %s (every account in that OU itself); %d accounts of earlier runs found\n", f.base, linked))
	assert.Regexp(t, `\nrun         accounts: \d+ created, [1-9]\d* modified, 0 moved; 1 rename; chapel: [1-9]\d* disable; 0 errors\n`, out)
	assert.True(t, strings.HasSuffix(out, "\nsecond run  nothing to do: 0 operations, 0 chapel actions\n"), out)

	r, err := f.admin.Read(ctx, accountOf[renamed], []string{"sn", "displayName", "givenName", "userAccountControl"})
	require.NoError(t, err)
	given := want[renamed].person.GivenNames
	assert.Equal(t, newSurname, r.First("sn"))
	assert.Equal(t, given+" "+newSurname, r.First("displayName"))
	assert.True(t, strings.HasPrefix(r.DN, "CN="+given+" "+newSurname+","), "renamed: %s", r.DN)
	assert.Zero(t, uac(t, r)&2, "still enabled")

	// The leaver's first day without an engagement is day 2: the chapel
	// disables the account and moves it to its OU that day.
	l, err := f.admin.Read(ctx, accountOf[leaver], []string{"userAccountControl", "adminDescription"})
	require.NoError(t, err)
	assert.True(t, connectors.IsUnderDN(l.DN, "OU=Kapellet,"+f.base), "in the chapel: %s", l.DN)
	assert.NotZero(t, uac(t, l)&2, "disabled")
	assert.Contains(t, l.First("adminDescription"), "2026-12-02", "the chapel's stamp")
}

// uac is an account's userAccountControl; bit 2 is "disabled".
func uac(t *testing.T, e *connectors.Entry) int {
	t.Helper()
	n, err := strconv.Atoi(e.First("userAccountControl"))
	require.NoError(t, err, "userAccountControl of %s", e.DN)
	return n
}

// pick picks the person to rename and the leaver: persons with one
// engagement, valid on both days and without end, and an account.
func pick(t *testing.T, snap *connectors.PayrollSnapshot, want map[string]*employee, accountOf map[string]connectors.ID) (renamed, leaver string) {
	t.Helper()
	rows := map[string]int{}
	for _, e := range snap.Engagements {
		rows[e.Person]++
	}
	var keys []string
	for _, p := range snap.Persons {
		em := want[p.Key]
		if em == nil || rows[p.Key] != 1 || accountOf[p.Key] == "" || p.Valid.To != timeline.Open {
			continue
		}
		if e := em.engagements[0]; e.Valid.Contains(day1) && e.Valid.To == timeline.Open {
			keys = append(keys, p.Key)
		}
	}
	require.GreaterOrEqual(t, len(keys), 2)
	return keys[0], keys[len(keys)-1]
}

// TestHostRefusesAPluginWithAnotherChecksum: a wrong --ad-sha256 stops the
// run before the AD plugin starts, and nothing is written to the
// directory; a wrong --payroll-sha256 stops it before anything is read.
func TestHostRefusesAPluginWithAnotherChecksum(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f := newFixture(t, ctx)
	other := sha256.Sum256([]byte("not the plugin"))
	for _, flag := range []string{"--ad-sha256", "--payroll-sha256"} {
		var out bytes.Buffer
		err := run(ctx, f.config(t, day1, flag, hex.EncodeToString(other[:])), &out)
		require.Error(t, err, flag)
		assert.ErrorIs(t, err, plugin.ErrChecksum, flag)
		assert.ErrorIs(t, err, connectors.Configuration, flag)
		assert.Contains(t, err.Error(), "checksum does not match", flag)
		assert.Contains(t, err.Error(), hex.EncodeToString(other[:]), flag)
	}
	n := 0
	err := f.admin.Search(ctx, connectors.SearchRequest{BaseDN: f.base, Attributes: []string{"objectClass"}}, func(*connectors.Entry) error { n++; return nil })
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the OU and nothing in it")
}
