package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const demoNote = "orgsync chapel: the in-memory demo organisation; nothing is kept after the run\n"

// demo runs the chapel command on the demo organisation.
func demo(args ...string) (string, string, int) {
	return orgsync(append([]string{"chapel"}, append(args, "--inmem-demo")...)...)
}

var demoPlan = lines(
	"plan at 2026-12-01T10:00:00+01:00: 3 actions for 11 accounts in scope",
	"ACTION      USERNAME  DN                                                TARGET                                     REASON",
	"disable     anbo      CN=anbo,OU=Skolen,OU=Kommune,DC=example,DC=org    OU=Kapellet,OU=Kommune,DC=example,DC=org   the person's last engagement has ended",
	"delete      kila      CN=kila,OU=Kapellet,OU=Kommune,DC=example,DC=org  -                                          the retention has passed since 2026-08-14; the username is quarantined until 2027-12-01",
	"reactivate  bohe      CN=bohe,OU=Kapellet,OU=Kommune,DC=example,DC=org  OU=Jobcenter,OU=Kommune,DC=example,DC=org  the person is employed again",
	"breaker: tripped: 2 disables and deletions are 18.2% of 11 accounts, above the limit of 10.0%; apply needs --approve 94d05212362d0332",
	"fingerprint: 94d05212362d0332",
)

func TestChapelDemoList(t *testing.T) {
	out, errOut, status := demo("list")
	assert.Equal(t, lines(
		"in the chapel at 2026-12-01T10:00:00+01:00: 4 of 11 accounts in scope",
		"USERNAME  STATE      DISABLED    REASON  DELETION DUE            DN                                                NOTE",
		"kila      in-chapel  2026-08-14  left    now (since 2026-11-14)  CN=kila,OU=Kapellet,OU=Kommune,DC=example,DC=org",
		"mona      in-chapel  2026-11-02  left    2027-05-02              CN=mona,OU=Kapellet,OU=Kommune,DC=example,DC=org",
		"bohe      in-chapel  2026-10-01  left    -                       CN=bohe,OU=Kapellet,OU=Kommune,DC=example,DC=org  the person is employed again",
		"olsn      bad-stamp  -           -       -                       CN=olsn,OU=Kapellet,OU=Kommune,DC=example,DC=org  left alone: chapel: invalid stamp: the disable day: timeline: invalid date: 2026-13-01; the chapel never deletes an account whose stamp does not parse (fix or clear it)",
	), out)
	assert.Equal(t, demoNote, errOut)
	assert.Equal(t, 0, status)
}

func TestChapelDemoListJSON(t *testing.T) {
	out, _, status := demo("list", "--json")
	assert.Equal(t, 0, status)
	assert.Equal(t, lines(
		`{"username":"kila","id":"00000000-0000-4000-8000-000000000005","dn":"CN=kila,OU=Kapellet,OU=Kommune,DC=example,DC=org","state":"in-chapel","disabled":"2026-08-14","reason":"left","deletion_due":"2026-11-14","action":"delete","note":"the retention has passed since 2026-08-14"}`,
		`{"username":"mona","id":"00000000-0000-4000-8000-000000000006","dn":"CN=mona,OU=Kapellet,OU=Kommune,DC=example,DC=org","state":"in-chapel","disabled":"2026-11-02","reason":"left","deletion_due":"2027-05-02","action":"nothing","note":"in the chapel; deletion is due on 2027-05-02"}`,
		`{"username":"bohe","id":"00000000-0000-4000-8000-000000000002","dn":"CN=bohe,OU=Kapellet,OU=Kommune,DC=example,DC=org","state":"in-chapel","disabled":"2026-10-01","reason":"left","action":"reactivate","note":"the person is employed again"}`,
		`{"username":"olsn","id":"00000000-0000-4000-8000-000000000007","dn":"CN=olsn,OU=Kapellet,OU=Kommune,DC=example,DC=org","state":"bad-stamp","action":"nothing","note":"left alone: chapel: invalid stamp: the disable day: timeline: invalid date: 2026-13-01; the chapel never deletes an account whose stamp does not parse (fix or clear it)"}`,
	), out)
}

func TestChapelDemoPlan(t *testing.T) {
	out, errOut, status := demo("plan")
	assert.Equal(t, demoPlan, out)
	assert.Equal(t, demoNote, errOut)
	assert.Equal(t, 0, status, "a tripped plan is still a plan")

	// --dry-run is the plan.
	dry, _, status := demo("apply", "--dry-run")
	assert.Equal(t, demoPlan, dry)
	assert.Equal(t, 0, status)

	// The demo is the sample files.
	same, _, _ := demo("plan", "--policy", "testdata/chapel-policy.yaml", "--people", "testdata/people.csv")
	assert.Equal(t, demoPlan, same)
}

func TestChapelDemoPlanJSON(t *testing.T) {
	out, _, status := demo("plan", "--json", "--max-share", "0.5")
	assert.Equal(t, 0, status)
	ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, ls, 4)
	var first actionLine
	require.NoError(t, json.Unmarshal([]byte(ls[0]), &first))
	assert.Equal(t, actionLine{Type: "action", Action: "disable", Username: "anbo", ID: "00000000-0000-4000-8000-000000000001",
		DN: "CN=anbo,OU=Skolen,OU=Kommune,DC=example,DC=org", State: "active", Target: "OU=Kapellet,OU=Kommune,DC=example,DC=org",
		Reason: "the person's last engagement has ended"}, first)
	assert.Contains(t, ls[1], `"action":"delete","username":"kila"`)
	assert.Contains(t, ls[1], `"quarantine_until":"2027-12-01"`)
	assert.Equal(t, `{"type":"plan","now":"2026-12-01T10:00:00+01:00","in_scope":11,"actions":3,"errors":0,"tripped":"","fingerprint":"94d05212362d0332"}`, ls[3])
}

func TestChapelDemoBreaker(t *testing.T) {
	// Without an approval: the plan, the breaker's message, exit 1.
	out, errOut, status := demo("apply")
	assert.Equal(t, 1, status)
	assert.Equal(t, demoPlan, out)
	assert.Equal(t, demoNote+"orgsync chapel apply: chapel: the mass-action breaker stopped the run: 2 disables and deletions are 18.2% of 11 accounts, above the limit of 10.0%. Nothing was changed. Read the plan above; if it is right, run again with --approve 94d05212362d0332\n", errOut)

	// Another plan's fingerprint is refused.
	out, errOut, status = demo("apply", "--approve", "0123456789abcdef")
	assert.Equal(t, 1, status)
	assert.Equal(t, demoPlan, out)
	assert.Contains(t, errOut, "--approve 0123456789abcdef is not this plan's fingerprint (94d05212362d0332)")

	// The plan's own fingerprint goes ahead.
	out, errOut, status = demo("apply", "--approve", "94d05212362d0332")
	assert.Equal(t, 0, status)
	assert.Equal(t, demoNote, errOut)
	assert.Equal(t, lines(
		"apply at 2026-12-01T10:00:00+01:00: 3 actions for 11 accounts in scope, plan 94d05212362d0332 (the breaker tripped; approved)",
		"done  disable     anbo  CN=anbo,OU=Skolen,OU=Kommune,DC=example,DC=org → OU=Kapellet,OU=Kommune,DC=example,DC=org",
		"done  delete      kila  CN=kila,OU=Kapellet,OU=Kommune,DC=example,DC=org",
		"done  reactivate  bohe  CN=bohe,OU=Kapellet,OU=Kommune,DC=example,DC=org → OU=Jobcenter,OU=Kommune,DC=example,DC=org",
		"tombstone: kila deleted 2026-12-01; the username is quarantined until 2027-12-01",
		"3 done, 0 failed",
	), out)

	// Limits high enough: no approval needed.
	out, _, status = demo("apply", "--max-share", "0.5", "--json")
	assert.Equal(t, 0, status)
	assert.Contains(t, out, `{"type":"tombstone","id":"00000000-0000-4000-8000-000000000005","username":"kila","deleted":"2026-12-01","quarantine_until":"2027-12-01"}`)
	assert.True(t, strings.HasSuffix(out, `{"type":"summary","done":3,"failed":0,"fingerprint":"94d05212362d0332","approved":false}`+"\n"), out)
	out, _, status = demo("plan", "--max-actions", "1", "--max-share", "0")
	assert.Equal(t, 0, status)
	assert.Contains(t, out, "breaker: tripped: 2 disables and deletions exceed the limit of 1;")
	out, _, _ = demo("plan", "--max-share", "0.5")
	assert.Contains(t, out, "breaker: not tripped: 2 disables and deletions of 11 accounts in scope (limits: 50, 50.0%)\n")
}

func TestChapelDemoInTheFuture(t *testing.T) {
	out, _, status := demo("list", "--now", "2027-05-02")
	assert.Equal(t, 0, status)
	assert.Contains(t, out, "in the chapel at 2027-05-02T00:00:00+02:00: 4 of 11 accounts in scope\n")
	assert.Contains(t, out, "mona      in-chapel  2026-11-02  left    now (since 2027-05-02)  CN=mona,")
	out, _, _ = demo("list", "--now", "2027-05-01T23:59:59+02:00")
	assert.Contains(t, out, "mona      in-chapel  2026-11-02  left    2027-05-02    ", "the day before, not yet")

	out, _, status = demo("plan", "--now", "2027-05-02")
	assert.Equal(t, 0, status)
	assert.Contains(t, out, "plan at 2027-05-02T00:00:00+02:00: 5 actions for 11 accounts in scope\n")
	// soes's registered termination has taken effect; mona's six months
	// for the Jobcenter have passed.
	assert.Regexp(t, `(?m)^disable +soes +CN=soes,OU=Jobcenter,`, out)
	assert.Regexp(t, `(?m)^delete +mona +CN=mona,OU=Kapellet,.* the retention has passed since 2026-11-02; the username is quarantined until 2028-05-02$`, out)
	assert.Contains(t, out, "breaker: tripped: 4 disables and deletions are 36.4% of 11 accounts")

	// Another zone moves the day boundary.
	out, _, _ = demo("plan", "--now", "2026-12-01", "--zone", "America/New_York")
	assert.Contains(t, out, "plan at 2026-12-01T00:00:00-05:00:")

	_, errOut, status := demo("plan", "--now", "tomorrow")
	assert.Equal(t, 2, status)
	assert.Equal(t, `orgsync chapel: --now: "tomorrow" is neither YYYY-MM-DD nor RFC 3339 (2026-12-01T10:00:00+01:00)`+"\n", errOut)
	_, errOut, status = demo("plan", "--zone", "Europe/Atlantis")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, `orgsync chapel: --zone: timeline: time zone "Europe/Atlantis"`)
}

func TestChapelBadPolicy(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, text, want string }{
		{"typo.yaml", "chapel_ou: OU=Kapellet,OU=Kommune,DC=example,DC=org\nretention: {months: 3}\nretension: {days: 3}\n", "line 3: field retension not found"},
		{"zone.yaml", "chapel_ou: OU=Kapellet,OU=Kommune,DC=example,DC=org\nretention: {months: 3}\nzone: Europe/Stockholm\n", "field zone not found"},
		{"ou.yaml", "chapel_ou: Kapellet\nretention: {months: 3}\n", `chapel: policy: chapel_ou "Kapellet" is not a DN`},
		{"retention.json", `{"chapel_ou": "OU=Kapellet,DC=example,DC=org"}`, "chapel: policy: retention must be a positive number of months or days"},
		{"groups.yaml", "chapel_ou: OU=Kapellet,DC=example,DC=org\nretention: {days: 30}\ngroups: drop\n", `chapel: groups policy "drop" is not keep or remove`},
		{"hour.yaml", "chapel_ou: OU=Kapellet,DC=example,DC=org\nretention: {days: 30}\ndisable_at_hour: 24\nunit_retention: {skole: {days: -1}}\n", "disable_at_hour 0–23"},
		{"words.yaml", "chapel_ou: OU=Kapellet,DC=example,DC=org\nretention: 3 months\n", "cannot unmarshal !!str `3 months` into chapel.Retention"},
		{"empty.yaml", "", "the file is empty"},
	} {
		path := filepath.Join(dir, tc.name)
		require.NoError(t, os.WriteFile(path, []byte(tc.text), 0o600))
		out, errOut, status := demo("plan", "--policy", path)
		assert.Equal(t, 2, status, tc.name)
		assert.Empty(t, out, tc.name)
		assert.Contains(t, errOut, "orgsync chapel: policy "+path+":", tc.name)
		assert.Contains(t, errOut, tc.want, tc.name)
	}
	// Every problem Validate finds is reported, one a line.
	_, errOut, _ := demo("plan", "--policy", filepath.Join(dir, "hour.yaml"))
	assert.Equal(t, "orgsync chapel: policy "+filepath.Join(dir, "hour.yaml")+":\n"+
		"  chapel: policy: disable_after_days must be ≥ 0 and disable_at_hour 0–23\n"+
		"  chapel: policy: unit_retention[skole] must be a positive number of months or days\n", errOut)

	_, errOut, status := demo("plan", "--policy", filepath.Join(dir, "missing.yaml"))
	assert.Equal(t, 2, status)
	assert.Equal(t, "orgsync chapel: policy "+filepath.Join(dir, "missing.yaml")+": no such file or directory\n", errOut)
}

func TestChapelPeopleFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
		return path
	}
	// JSON lines give the same as the sample CSV.
	jl := write("people.jsonl", `{"sAMAccountName": "JEHA", "employed": true, "unit": "skole"}
{"sAMAccountName": "anbo", "employed": false, "left_on": "2026-12-01", "unit": "skole"}

{"sAMAccountName": "soes", "employed": true, "left_on": "2027-01-01", "unit": "jobcenter"}
{"sAMAccountName": "pewi", "employed": false, "left_on": "2026-11-01", "unit": "skole"}
{"sAMAccountName": "svc-print", "unit": "jobcenter", "service": true}
{"sAMAccountName": "dire", "left_on": "2026-11-01", "unit": "direktion"}
{"sAMAccountName": "kila", "left_on": "2026-08-14", "unit": "skole"}
{"sAMAccountName": "Mona", "left_on": "2026-11-02", "unit": "jobcenter"}
{"sAMAccountName": "bohe", "employed": true, "unit": "jobcenter", "return_ou": "OU=Jobcenter,OU=Kommune,DC=example,DC=org"}
{"sAMAccountName": "olsn", "left_on": "2026-06-01", "unit": "skole"}
`)
	out, errOut, status := demo("plan", "--people", jl)
	assert.Equal(t, demoPlan, out)
	assert.Equal(t, demoNote, errOut)
	assert.Equal(t, 0, status)

	// An empty people file links no one: the chapel leaves every account
	// alone.
	out, _, status = demo("plan", "--people", write("nobody.csv", "sAMAccountName,employed\n"))
	assert.Equal(t, 0, status)
	assert.Equal(t, "plan at 2026-12-01T10:00:00+01:00: nothing to do for 11 accounts in scope\n", out)
	out, _, _ = demo("list", "--people", write("nobody2.csv", "sAMAccountName\n"))
	assert.Contains(t, out, "kila      in-chapel  2026-08-14  left    -             CN=kila,OU=Kapellet,OU=Kommune,DC=example,DC=org  left alone: the account is not linked to a person\n")

	for _, tc := range []struct{ name, text, want string }{
		{"bad.csv", "sAMAccountName,employed,left_on,return_ou\nanne,false,2026-02-30,\nbent,false,,\nanne,true,,\ncarl,maybe,,\ndorte,true,,Skolen\n", lines(
			"  bad.csv:2: left_on \"2026-02-30\" is not a day (YYYY-MM-DD)",
			"  bad.csv:3: bent is not employed but has no left_on (the first day without an engagement)",
			"  bad.csv:4: anne is listed twice (first on line 2)",
			"  bad.csv:5: employed: \"maybe\" is not true or false",
			"  bad.csv:6: return_ou \"Skolen\" is not a DN",
		)},
		{"ragged.csv", "sAMAccountName,employed\nanne,true,extra\n", "  ragged.csv: record on line 2: wrong number of fields\n"},
		{"column.csv", "sAMAccountName,employed,leftOn\n", "  column.csv: line 1: unknown column \"leftOn\" (the columns are sAMAccountName, employed, left_on, unit, return_ou, service)\n"},
		{"noname.csv", "employed,left_on\ntrue,\n", "  noname.csv: line 1: no sAMAccountName column (the header line names the columns)\n"},
		{"empty.csv", "# nothing\n", "  empty.csv: the file is empty (it needs a header line: sAMAccountName,employed,left_on,unit,return_ou,service)\n"},
		{"bad.jsonl", "{\"sAMAccountName\": \"anne\", \"left\": \"2026-01-01\"}\n{\"sAMAccountName\": \"bent\", \"employed\": \"no\"}\n", lines(
			`  bad.jsonl:1: json: unknown field "left"`,
			"  bad.jsonl:2: json: cannot unmarshal string into Go struct field personRow.employed of type bool",
		)},
		{"ou.csv", "sAMAccountName,employed,return_ou\nanne,true,Skolen\n", "  ou.csv:2: return_ou \"Skolen\" is not a DN\n"},
	} {
		path := write(tc.name, tc.text)
		out, errOut, status := demo("plan", "--people", path)
		assert.Equal(t, 2, status, tc.name)
		assert.Empty(t, out, tc.name)
		assert.Equal(t, "orgsync chapel: people "+path+":\n"+tc.want, errOut, tc.name)
	}
}

func TestPeopleFileSaysWhoHasLeft(t *testing.T) {
	zone := timeline.DefaultZone()
	pf, err := parsePeople("p.csv", []byte("sAMAccountName,employed,left_on,unit,return_ou,service\n"+
		"anne,true,,skole,,\n"+
		"bent,true,2027-01-01,skole,,\n"+
		"carl,false,2026-11-01,skole,\"OU=Skolen,DC=example,DC=org\",\n"+
		"dorte,,,,,yes\n"), zone)
	require.NoError(t, err)
	person := func(name, day string) chapel.Person {
		p, err := pf.Person(context.Background(), chapel.Account{Username: name}, zone.Start(timeline.MustParseDate(day)))
		require.NoError(t, err)
		return p
	}
	assert.Equal(t, chapel.Person{Known: true, Employed: true, Unit: "skole"}, person("ANNE", "2026-12-01"))
	assert.Equal(t, chapel.Person{Known: true, Employed: true, LeftOn: timeline.MustParseDate("2027-01-01"), Unit: "skole"}, person("bent", "2026-12-31"))
	assert.Equal(t, chapel.Person{Known: true, LeftOn: timeline.MustParseDate("2027-01-01"), Unit: "skole"}, person("bent", "2027-01-01"), "the termination takes effect")
	assert.Equal(t, chapel.Person{Known: true, LeftOn: timeline.MustParseDate("2026-11-01"), Unit: "skole", ReturnOU: "OU=Skolen,DC=example,DC=org"}, person("Carl", "2026-12-01"))
	assert.Equal(t, chapel.Person{Known: true, Service: true}, person("dorte", "2026-12-01"))
	assert.Equal(t, chapel.Person{}, person("erik", "2026-12-01"), "not listed: not linked")
	assert.Equal(t, chapel.Person{}, person("", "2026-12-01"))
}

func TestChapelUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chapel"}, "orgsync chapel: say list, plan or apply (see -h)\n"},
		{[]string{"chapel", "purge", "--inmem-demo"}, "orgsync chapel: say list, plan or apply (see -h)\n"},
		{[]string{"chapel", "list", "plan", "--inmem-demo"}, "orgsync chapel: say list, plan or apply (see -h)\n"},
		{[]string{"chapel", "plan", "--inmem-demo", "--approve", "abc"}, "orgsync chapel: --approve is a flag of apply\n"},
		{[]string{"chapel", "list", "--inmem-demo", "--dry-run"}, "orgsync chapel: --dry-run is a flag of apply\n"},
		{[]string{"chapel", "plan", "--inmem-demo", "--max-share", "1.5"}, "orgsync chapel: --max-actions must be ≥ 0 and --max-share from 0 to 1\n"},
		{[]string{"chapel", "plan", "--inmem-demo", "--max-share", "NaN"}, "orgsync chapel: --max-actions must be ≥ 0 and --max-share from 0 to 1\n"},
		{[]string{"chapel", "plan", "--people", "testdata/people.csv"}, "orgsync chapel: --policy FILE is required: the chapel's policy (see -h)\n"},
		{[]string{"chapel", "plan", "--policy", "testdata/chapel-policy.yaml"}, "orgsync chapel: --people FILE is required: who has left (see -h)\n"},
		{[]string{"chapel", "plan", "--inmem-demo", "--url", "ldaps://dc1"}, "orgsync chapel: --inmem-demo uses no directory: leave out --url\n"},
		{[]string{"chapel", "plan", "--inmem-demo", "--base", "Kommune"}, "orgsync chapel: base \"Kommune\" is not a DN\n"},
	} {
		out, errOut, status := orgsync(tc.args...)
		assert.Equal(t, 2, status, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Equal(t, tc.want, errOut, tc.args)
	}
	_, errOut, status := orgsync("chapel", "-h")
	assert.Equal(t, 0, status)
	for _, want := range []string{"usage: orgsync chapel list|plan|apply", "ORGSYNC_AD_PASSWORD", "never from a flag's value", "--approve FINGERPRINT", "A leaver run normally touches a\nhandful of accounts", "sAMAccountName", "not linked", "-max-share float"} {
		assert.Contains(t, errOut, want)
	}
	out, _, _ := orgsync("help")
	assert.Contains(t, out, "  chapel     list the chapel, plan and apply")
}

// The test directory: the tests' own organisation, in a twin the command
// reaches through openDirectory as if it were AD.
const (
	tBase    = "OU=Kommune,DC=test,DC=dk"
	tSkole   = "OU=Skole,OU=Kommune,DC=test,DC=dk"
	tKapel   = "OU=Kapel,OU=Kommune,DC=test,DC=dk"
	password = "Bind-Pa55-xyzzy-9f3c"
)

// keepOpen is a twin that the command cannot close, so that a test can run
// it several times over the same directory.
type keepOpen struct{ *inmem.Directory }

func (keepOpen) Close() error { return nil }

// failMoves fails every Move of the accounts it names, as a directory that
// refuses one change.
type failMoves struct {
	*inmem.Directory
	ids map[connectors.ID]bool
}

func (f failMoves) Close() error { return nil }

func (f failMoves) Move(ctx context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	if f.ids[id] {
		return "", connectors.Errorf(connectors.Permission, "move", "insufficient access rights")
	}
	return f.Directory.Move(ctx, id, req)
}

type testOrg struct {
	twin   *inmem.Directory
	ids    map[string]connectors.ID
	dir    string // the files
	args   []string
	opened []ad.Config
	wrap   func(*inmem.Directory) connectors.Directory
}

// newTestOrg builds a twin with n employees in Skole and the people in
// left, who left on 2026-03-01, and points the command's AD at it through
// the environment.
func newTestOrg(t *testing.T, n int, left ...string) *testOrg {
	ctx := context.Background()
	twin, err := inmem.New(inmem.Options{BaseDN: "DC=test,DC=dk"})
	require.NoError(t, err)
	for _, ou := range []string{tBase, tSkole, tKapel} {
		_, err := twin.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
		require.NoError(t, err)
	}
	o := &testOrg{twin: twin, ids: map[string]connectors.ID{}, dir: t.TempDir()}
	o.wrap = func(d *inmem.Directory) connectors.Directory { return keepOpen{d} }
	people := "sAMAccountName,employed,left_on\n"
	names := append([]string{}, left...)
	for i := range n {
		names = append(names, "emp"+string(rune('a'+i)))
	}
	for _, name := range names {
		id, err := twin.Create(ctx, connectors.CreateRequest{DN: "CN=" + name + "," + tSkole, Enabled: true, Password: "Kodeord-123!", Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{name}},
		}})
		require.NoError(t, err)
		o.ids[name] = id
		if strings.HasPrefix(name, "emp") {
			people += name + ",true,\n"
		} else {
			people += name + ",false,2026-03-01\n"
		}
	}
	policy := "chapel_ou: " + tKapel + "\nretention: {months: 3}\nquarantine: {days: 30}\n"
	require.NoError(t, os.WriteFile(filepath.Join(o.dir, "policy.yaml"), []byte(policy), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(o.dir, "people.csv"), []byte(people), 0o600))
	o.args = []string{"--policy", filepath.Join(o.dir, "policy.yaml"), "--people", filepath.Join(o.dir, "people.csv"), "--now", "2026-03-02"}

	t.Setenv("ORGSYNC_AD_URL", "ldaps://dc1.test.dk")
	t.Setenv("ORGSYNC_AD_BIND_DN", "svc-orgsync@test.dk")
	t.Setenv("ORGSYNC_AD_PASSWORD", password)
	t.Setenv("ORGSYNC_AD_BASE", tBase)
	t.Setenv("ORGSYNC_AD_CA_FILE", "")
	old := openDirectory
	openDirectory = func(_ context.Context, cfg ad.Config) (connectors.Directory, error) {
		o.opened = append(o.opened, cfg)
		return o.wrap(twin), nil
	}
	t.Cleanup(func() { openDirectory = old })
	return o
}

// run runs the chapel command over the org.
func (o *testOrg) run(t *testing.T, sub string, args ...string) (string, string, int) {
	t.Helper()
	if sub == "apply" { // the fixture's day is not today
		args = append(args, "--at-another-day")
	}
	out, errOut, status := orgsync(append(append([]string{"chapel", sub}, o.args...), args...)...)
	for _, s := range []string{out, errOut} {
		require.NotContains(t, s, password, "a password in the output")
	}
	return out, errOut, status
}

func (o *testOrg) entry(t *testing.T, name string) *connectors.Entry {
	t.Helper()
	e, err := o.twin.Read(context.Background(), o.ids[name], []string{"adminDescription"})
	require.NoError(t, err)
	return e
}

var fingerprint = regexp.MustCompile(`(?m)^fingerprint: ([0-9a-f]{16})$`)

func TestChapelOverADirectory(t *testing.T) {
	o := newTestOrg(t, 18, "anne", "bent")

	out, errOut, status := o.run(t, "plan")
	require.Equal(t, 0, status, errOut)
	assert.Empty(t, errOut)
	m := fingerprint.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	fp := m[1]
	assert.Equal(t, lines(
		"plan at 2026-03-02T00:00:00+01:00: 2 actions for 20 accounts in scope",
		"ACTION   USERNAME  DN                                         TARGET                             REASON",
		"disable  anne      CN=anne,OU=Skole,OU=Kommune,DC=test,DC=dk  OU=Kapel,OU=Kommune,DC=test,DC=dk  the person's last engagement has ended",
		"disable  bent      CN=bent,OU=Skole,OU=Kommune,DC=test,DC=dk  OU=Kapel,OU=Kommune,DC=test,DC=dk  the person's last engagement has ended",
		"breaker: not tripped: 2 disables and deletions of 20 accounts in scope (limits: 50, 10.0%)",
		"fingerprint: "+fp,
	), out)
	// The connector got its configuration from the environment.
	require.Len(t, o.opened, 1)
	assert.Equal(t, ad.Config{URL: "ldaps://dc1.test.dk", BindDN: "svc-orgsync@test.dk", BindPassword: password}, o.opened[0])

	out, errOut, status = o.run(t, "apply")
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, lines(
		"apply at 2026-03-02T00:00:00+01:00: 2 actions for 20 accounts in scope, plan "+fp,
		"done  disable  anne  CN=anne,OU=Skole,OU=Kommune,DC=test,DC=dk → OU=Kapel,OU=Kommune,DC=test,DC=dk",
		"done  disable  bent  CN=bent,OU=Skole,OU=Kommune,DC=test,DC=dk → OU=Kapel,OU=Kommune,DC=test,DC=dk",
		"2 done, 0 failed",
	), out)
	e := o.entry(t, "anne")
	assert.True(t, e.Disabled)
	assert.Equal(t, "CN=anne,"+tKapel, e.DN)
	st, ok, err := chapel.ParseStamp(e.First("adminDescription"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, chapel.Stamp{Disabled: timeline.MustParseDate("2026-03-02"), Reason: chapel.ReasonLeft, From: tSkole}, st)

	// A second run has nothing to do.
	out, _, status = o.run(t, "apply")
	assert.Equal(t, 0, status)
	assert.Equal(t, "apply at 2026-03-02T00:00:00+01:00: nothing to do for 20 accounts in scope\n", out)

	out, _, _ = o.run(t, "list")
	assert.Equal(t, lines(
		"in the chapel at 2026-03-02T00:00:00+01:00: 2 of 20 accounts in scope",
		"USERNAME  STATE      DISABLED    REASON  DELETION DUE  DN",
		"anne      in-chapel  2026-03-02  left    2026-06-02    CN=anne,OU=Kapel,OU=Kommune,DC=test,DC=dk",
		"bent      in-chapel  2026-03-02  left    2026-06-02    CN=bent,OU=Kapel,OU=Kommune,DC=test,DC=dk",
	), out)

	// Three months on, both are deleted, and their usernames are held.
	fp = fingerprintOf(t, o, "--now", "2026-06-02T08:00:00+02:00")
	out, _, status = o.run(t, "apply", "--now", "2026-06-02T08:00:00+02:00", "--max-share", "0")
	assert.Equal(t, 0, status)
	assert.Equal(t, lines(
		"apply at 2026-06-02T08:00:00+02:00: 2 actions for 20 accounts in scope, plan "+fp,
		"done  delete  anne  CN=anne,OU=Kapel,OU=Kommune,DC=test,DC=dk",
		"done  delete  bent  CN=bent,OU=Kapel,OU=Kommune,DC=test,DC=dk",
		"tombstone: anne deleted 2026-06-02; the username is quarantined until 2026-07-02",
		"tombstone: bent deleted 2026-06-02; the username is quarantined until 2026-07-02",
		"2 done, 0 failed",
	), out)
	_, err = o.twin.Read(context.Background(), o.ids["anne"], nil)
	assert.ErrorIs(t, err, connectors.NotFound)
	out, _, _ = o.run(t, "list", "--now", "2026-06-02")
	assert.Equal(t, "in the chapel at 2026-06-02T00:00:00+02:00: nobody (18 accounts in scope)\n", out)
}

// fingerprintOf is the fingerprint of the org's plan now.
func fingerprintOf(t *testing.T, o *testOrg, args ...string) string {
	t.Helper()
	out, _, _ := o.run(t, "plan", args...)
	m := fingerprint.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	return m[1]
}

func TestChapelBreakerOverADirectory(t *testing.T) {
	o := newTestOrg(t, 6, "anne", "bent", "carl", "dorte")
	fp := fingerprintOf(t, o)

	out, errOut, status := o.run(t, "apply")
	assert.Equal(t, 1, status)
	assert.Contains(t, out, "breaker: tripped: 4 disables and deletions are 40.0% of 10 accounts, above the limit of 10.0%; apply needs --approve "+fp+"\n")
	assert.Equal(t, "orgsync chapel apply: chapel: the mass-action breaker stopped the run: 4 disables and deletions are 40.0% of 10 accounts, above the limit of 10.0%. Nothing was changed. Read the plan above; if it is right, run again with --approve "+fp+"\n", errOut)
	for _, name := range []string{"anne", "bent", "carl", "dorte"} {
		assert.False(t, o.entry(t, name).Disabled, "nothing was changed")
	}

	_, errOut, status = o.run(t, "apply", "--approve", "ffffffffffffffff")
	assert.Equal(t, 1, status)
	assert.Contains(t, errOut, "--approve ffffffffffffffff is not this plan's fingerprint ("+fp+")")
	assert.False(t, o.entry(t, "anne").Disabled, "nothing was changed")

	// The plan changes (carl comes back before the run): the approval of
	// the old plan is refused.
	require.NoError(t, os.WriteFile(filepath.Join(o.dir, "people.csv"), []byte("sAMAccountName,employed,left_on\nanne,false,2026-03-01\nbent,false,2026-03-01\ncarl,true,\ndorte,false,2026-03-01\n"), 0o600))
	_, errOut, status = o.run(t, "apply", "--approve", fp)
	assert.Equal(t, 1, status)
	assert.Contains(t, errOut, "--approve "+fp+" is not this plan's fingerprint")
	assert.False(t, o.entry(t, "anne").Disabled, "nothing was changed")

	fp = fingerprintOf(t, o)
	out, _, status = o.run(t, "apply", "--approve", fp)
	assert.Equal(t, 0, status)
	assert.Contains(t, out, "apply at 2026-03-02T00:00:00+01:00: 3 actions for 10 accounts in scope, plan "+fp+" (the breaker tripped; approved)\n")
	assert.Contains(t, out, "3 done, 0 failed\n")
	for _, name := range []string{"anne", "bent", "dorte"} {
		assert.True(t, o.entry(t, name).Disabled, name)
	}
	assert.False(t, o.entry(t, "carl").Disabled)
}

func TestChapelAFailedActionOverADirectory(t *testing.T) {
	o := newTestOrg(t, 18, "anne", "bent")
	o.wrap = func(d *inmem.Directory) connectors.Directory {
		return failMoves{Directory: d, ids: map[connectors.ID]bool{o.ids["anne"]: true}}
	}
	out, errOut, status := o.run(t, "apply")
	assert.Equal(t, 1, status)
	assert.Empty(t, errOut)
	assert.Contains(t, out, "\nerror  disable  anne  CN=anne,OU=Skole,OU=Kommune,DC=test,DC=dk → OU=Kapel,OU=Kommune,DC=test,DC=dk: move: permission denied: insufficient access rights\n"+
		"done   disable  bent  CN=bent,OU=Skole,OU=Kommune,DC=test,DC=dk → OU=Kapel,OU=Kommune,DC=test,DC=dk\n"+
		"1 done, 1 failed\n")

	// The next run completes the interrupted disable.
	o.wrap = func(d *inmem.Directory) connectors.Directory { return keepOpen{d} }
	out, _, _ = o.run(t, "list")
	assert.Contains(t, out, "anne      interrupted  2026-03-02  left    -             CN=anne,OU=Skole,OU=Kommune,DC=test,DC=dk  completing a disable interrupted before the move\n")
	out, _, status = o.run(t, "apply", "--json")
	assert.Equal(t, 0, status)
	ls := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, ls, 2)
	var res actionLine
	require.NoError(t, json.Unmarshal([]byte(ls[0]), &res))
	assert.Equal(t, actionLine{Type: "result", Result: "done", Action: "disable", Username: "anne", ID: string(o.ids["anne"]),
		DN: "CN=anne," + tSkole, State: "interrupted", Target: tKapel, Reason: "completing a disable interrupted before the move"}, res)
	assert.Contains(t, ls[1], `{"type":"summary","done":1,"failed":0,`)
	assert.Equal(t, "CN=anne,"+tKapel, o.entry(t, "anne").DN)
}

func TestChapelDirectoryConfiguration(t *testing.T) {
	o := newTestOrg(t, 1)
	// The password from a file, and the flags over the environment.
	pwFile := filepath.Join(o.dir, "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte(password+"\r\n"), 0o600))
	caFile := filepath.Join(o.dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, []byte("-"), 0o600))
	t.Setenv("ORGSYNC_AD_PASSWORD", "")
	_, errOut, status := o.run(t, "list", "--password-file", pwFile, "--url", "ldap://dc2.test.dk", "--bind-dn", "CN=svc,DC=test,DC=dk", "--ca-file", caFile, "--base", tSkole)
	require.Equal(t, 0, status, errOut)
	require.Len(t, o.opened, 1)
	assert.Equal(t, ad.Config{URL: "ldap://dc2.test.dk", BindDN: "CN=svc,DC=test,DC=dk", BindPassword: password, CAFile: caFile}, o.opened[0])

	// The same AD configuration file as every command's: its keys, the
	// flags over them, its password file.
	adFile := filepath.Join(o.dir, "ad.yaml")
	require.NoError(t, os.WriteFile(adFile, []byte("url: ldaps://dc3.test.dk\nbind_dn: CN=svc3,DC=test,DC=dk\nbase_dn: "+tSkole+"\npassword_file: pw\n"), 0o600))
	t.Setenv("ORGSYNC_AD_URL", "")
	t.Setenv("ORGSYNC_AD_BIND_DN", "")
	t.Setenv("ORGSYNC_AD_BASE", "")
	_, errOut, status = o.run(t, "list", "--ad-config", adFile, "--bind-dn", "CN=svc4,DC=test,DC=dk")
	require.Equal(t, 0, status, errOut)
	require.Len(t, o.opened, 2)
	assert.Equal(t, ad.Config{URL: "ldaps://dc3.test.dk", BindDN: "CN=svc4,DC=test,DC=dk", BindPassword: password, BaseDN: tSkole}, o.opened[1], "the file's keys, a flag over one, the password from its file")
	t.Setenv("ORGSYNC_AD_URL", "ldaps://dc1.test.dk")
	t.Setenv("ORGSYNC_AD_BIND_DN", "svc-orgsync@test.dk")
	t.Setenv("ORGSYNC_AD_BASE", tBase)

	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, "orgsync chapel: no bind password for svc-orgsync@test.dk: name a password_file, or set ORGSYNC_AD_PASSWORD (a password is never written in the configuration, nor given as a flag)\n"},
		{nil, []string{"--password-file", filepath.Join(o.dir, "missing")}, "orgsync chapel: password_file: open " + filepath.Join(o.dir, "missing") + ": no such file or directory\n"},
		{map[string]string{"ORGSYNC_AD_PASSWORD": password, "ORGSYNC_AD_URL": ""}, nil, "orgsync chapel: no directory: give --ad-config FILE or --url ldaps://your-dc (or set ORGSYNC_AD_URL), or try --inmem-demo\n"},
		{map[string]string{"ORGSYNC_AD_PASSWORD": password, "ORGSYNC_AD_BIND_DN": ""}, nil, "orgsync chapel: no bind account: give --bind-dn (or set ORGSYNC_AD_BIND_DN), or bind_dn in --ad-config\n"},
		{map[string]string{"ORGSYNC_AD_PASSWORD": password, "ORGSYNC_AD_BASE": ""}, nil, "orgsync chapel: no base: give --base DN (or set ORGSYNC_AD_BASE), the DN of the accounts in scope\n"},
		{map[string]string{"ORGSYNC_AD_PASSWORD": password}, []string{"--url", "https://dc1.test.dk"}, "orgsync chapel: config: configuration: url \"https://dc1.test.dk\": the scheme must be ldaps:// or ldap://\n"},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		out, errOut, status := o.run(t, "plan", tc.args...)
		assert.Equal(t, 2, status, tc.want)
		assert.Empty(t, out)
		assert.Equal(t, tc.want, errOut)
		t.Setenv("ORGSYNC_AD_PASSWORD", "")
		t.Setenv("ORGSYNC_AD_URL", "ldaps://dc1.test.dk")
		t.Setenv("ORGSYNC_AD_BIND_DN", "svc-orgsync@test.dk")
		t.Setenv("ORGSYNC_AD_BASE", tBase)
	}
	assert.Len(t, o.opened, 2, "the directory was not opened again")
}

func TestChapelDirectoryFailures(t *testing.T) {
	o := newTestOrg(t, 1)
	openDirectory = func(context.Context, ad.Config) (connectors.Directory, error) {
		return nil, connectors.Errorf(connectors.Configuration, "bind", "invalid credentials for svc-orgsync@test.dk")
	}
	out, errOut, status := o.run(t, "plan")
	assert.Equal(t, 2, status)
	assert.Empty(t, out)
	assert.Equal(t, "orgsync chapel: opening the directory at ldaps://dc1.test.dk: bind: configuration: invalid credentials for svc-orgsync@test.dk\n", errOut)

	// The real connector, against a port where nothing listens.
	openDirectory = func(ctx context.Context, cfg ad.Config) (connectors.Directory, error) {
		cfg.DialTimeout = 2e9
		return ad.Open(ctx, cfg)
	}
	out, errOut, status = o.run(t, "plan", "--url", "ldaps://127.0.0.1:1")
	assert.Equal(t, 1, status)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "orgsync chapel: opening the directory at ldaps://127.0.0.1:1: ")
	assert.NotContains(t, errOut, password)
}

// FuzzParsePeople checks that a people file never panics the reader, that
// every problem names the file and a line, and that every account a file
// lists is linked, by any case of its name.
func FuzzParsePeople(f *testing.F) {
	sample, err := os.ReadFile("testdata/people.csv")
	require.NoError(f, err)
	for _, s := range []string{string(sample), "sAMAccountName\nanne\n", "sAMAccountName,employed,left_on\nanne,false,2026-02-30\n\"bent\nx\",true,\n",
		`{"sAMAccountName":"anne","left_on":"2026-03-01"}` + "\n{}\n", "", "\xff,\n"} {
		f.Add("people.csv", s)
		f.Add("people.jsonl", s)
		f.Add("people", s)
	}
	zone := timeline.DefaultZone()
	f.Fuzz(func(t *testing.T, name, data string) {
		if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || strings.ContainsRune("/\\:", r) }) {
			return
		}
		pf, err := parsePeople(name, []byte(data), zone)
		if err != nil {
			for _, l := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(l, name+":") {
					t.Fatalf("a problem that does not name the file: %q", l)
				}
			}
			return
		}
		now := zone.Start(timeline.MustParseDate("2026-12-01"))
		for key := range pf.by {
			for _, u := range []string{key, strings.ToLower(key)} {
				p, err := pf.Person(context.Background(), chapel.Account{Username: u}, now)
				if err != nil || !p.Known {
					t.Fatalf("%q is listed but not linked: %+v, %v", u, p, err)
				}
				if !p.Employed && !p.Service && !p.LeftOn.Valid() {
					t.Fatalf("%q has left on no day: %+v", u, p)
				}
			}
		}
	})
}
