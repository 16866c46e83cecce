package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
)

// planFingerprint finds the fingerprint in plan's text output.
var planFingerprint = regexp.MustCompile(`(?m)^plan for \S+ \(org model registration \d+\), fingerprint ([0-9a-f]{16})$`)

// nationalID matches a CPR number in full, with or without its dash.
var nationalID = regexp.MustCompile(`\b\d{6}-?\d{4}\b`)

// noDirectory makes opening AD fail the test: the demo and a bad
// configuration must never get that far.
func noDirectory(t *testing.T) {
	old := openDirectory
	openDirectory = func(context.Context, ad.Config) (connectors.Directory, error) {
		t.Error("the command opened the directory")
		return nil, errors.New("no directory in this test")
	}
	t.Cleanup(func() { openDirectory = old })
}

// sampleWith writes the sample configuration with its text changed (old →
// new, in pairs) and returns the file's path.
func sampleWith(t *testing.T, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/sync/sync.yaml")
	require.NoError(t, err)
	s := string(data)
	for i := 0; i < len(replace); i += 2 {
		require.Contains(t, s, replace[i])
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "sync.yaml")
	require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
	return path
}

func TestSyncSampleConfigLoads(t *testing.T) {
	data, err := os.ReadFile("testdata/sync/sync.yaml")
	require.NoError(t, err)
	s, err := loadSyncConfig("sync.yaml", data, true, "")
	require.NoError(t, err)
	assert.Equal(t, "OU=Kommune,DC=example,DC=org", s.cfg.Sync.Base)
	assert.Equal(t, "OU=Kapellet,OU=Kommune,DC=example,DC=org", s.cfg.Chapel.Policy.ChapelOU, "the chapel OU is said once")
	assert.Len(t, s.cfg.Sync.Mapping.Attributes, 8)
	assert.Len(t, s.cfg.Sync.Groups, 3)
	assert.Equal(t, 200, s.synth.Persons)
	assert.Equal(t, "2026-12-01", s.synth.Today.String())
	assert.Equal(t, 50, s.breaker.MaxActions)
	assert.InDelta(t, 0.1, s.breaker.MaxShare, 1e-9)
	assert.Equal(t, "Europe/Copenhagen", s.zone.String())

	// Against AD the directory section counts: the sample's password file
	// is not on this machine, and that is the only problem.
	_, err = loadSyncConfig("sync.yaml", data, false, "")
	var ce *configError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "directory.password_file", ce.Key)
	assert.Equal(t, 13, ce.Line)
	assert.Len(t, flatten(err), 1, err)

	dir := t.TempDir()
	pw, ca := filepath.Join(dir, "pw"), filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(pw, []byte("s3cret\n"), 0o600))
	require.NoError(t, os.WriteFile(ca, nil, 0o600))
	local := strings.NewReplacer("/etc/orgsync/ad-password", pw, "/etc/orgsync/ad-ca.pem", ca).Replace(string(data))
	s, err = loadSyncConfig("sync.yaml", []byte(local), false, "")
	require.NoError(t, err)
	assert.Equal(t, "ldaps://dc1.example.org", s.ad.URL)
	assert.Equal(t, ca, s.ad.CAFile)
	assert.Equal(t, "svc-orgsync@example.org", s.ad.BindDN)
	assert.Equal(t, connectors.Secret("s3cret"), s.ad.BindPassword, "the trailing newline is dropped")
}

func TestSyncConfigErrorsHaveFileAndLine(t *testing.T) {
	noDirectory(t)
	for _, tc := range []struct {
		name    string
		replace []string
		line    int
		key     string
		says    string
	}{
		{"unknown key", []string{"  drift: correct", "  drift: correct\n  colour: red"}, 77, "", "field colour not found"},
		{"bad YAML", []string{"zone: Europe/Copenhagen", "zone: a: b"}, 16, "", "mapping values are not allowed"},
		{"bad template", []string{`title: "{{.Primary.JobFunction}}"`, `title: "{{.Primary.Job}}"`}, 44, "sync.mapping.attributes.title", "can't evaluate field Job"},
		{"unknown function", []string{`company: "{{(root .).Name}}"`, `company: "{{top .}}"`}, 46, "sync.mapping.attributes.company", `function "top" not defined`},
		{"reserved attribute", []string{`sn: "{{.Person.Surname}}"`, `sAMAccountName: "{{.Person.Surname}}"`}, 42, "sync.mapping.attributes.sAMAccountName", "not mappable"},
		{"bad base", []string{"base: OU=Kommune,DC=example,DC=org\n  # Accounts", "base: Kommune\n  # Accounts"}, 30, "sync.base", "is not a DN"},
		{"bad group", []string{"job_function: Pædagog\n      group: CN=Pædagoger,OU=Grupper,OU=Kommune,DC=example,DC=org", "job_function: Pædagog\n      group: Pædagoger"}, 72, "sync.groups.2", "group rule 3"},
		{"bad OU mode", []string{"mode: mirror", "mode: mirrored"}, 63, "sync.ou.mode", `"mirrored" is not single, table or mirror`},
		{"bad drift", []string{"drift: correct", "drift: sometimes"}, 76, "sync.drift", `"sometimes": want "correct" or "report"`},
		{"bad zone", []string{"zone: Europe/Copenhagen", "zone: Europe/Nowhere"}, 16, "zone", "unknown time zone"},
		{"no model", []string{"  synthetic:\n    size: small", "  other:\n    size: small"}, 22, "", "field other not found"},
		{"bad size", []string{"    size: small", "    size: huge"}, 21, "model", `"huge" is not small or municipal`},
		{"bad username rules", []string{`patterns: ["FFLL", "FFFL", "FLLL", "FFLLX"]`, `patterns: ["FQ"]`}, 80, "username", `"Q" is not one of`},
		{"bad retention", []string{"retention: {months: 3}", "retention: {months: 0}"}, 96, "chapel.policy.retention", "retention must be a positive"},
		{"two chapels", []string{"retention: {months: 3}", "retention: {months: 3}\n    chapel_ou: OU=Andet,DC=example,DC=org"}, 97, "chapel.policy.chapel_ou", "must agree"},
		{"bad breaker", []string{"max_share: 0.1", "max_share: 2"}, 101, "chapel.breaker", "max_share from 0 to 1"},
		{"no URL", []string{"url: ldaps://dc1.example.org        #", "url: \"\"        #"}, 10, "directory.url", "no directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := sampleWith(t, tc.replace...)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			demo := !strings.HasPrefix(tc.key, "directory")
			_, err = loadSyncConfig(path, data, demo, "")
			var ce *configError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.line, ce.Line, err.Error())
			assert.Equal(t, tc.key, ce.Key, err.Error())
			assert.Contains(t, ce.Error(), tc.says)
			assert.True(t, strings.HasPrefix(ce.Error(), path+":"), ce.Error())

			// The command says the same and does nothing.
			args := []string{"plan", "--config", path}
			if demo {
				args = append(args, "--inmem-demo")
			}
			out, errOut, status := orgsync(args...)
			assert.Equal(t, 2, status)
			assert.Empty(t, out)
			assert.Contains(t, errOut, "orgsync plan: config "+path+":\n  "+path+":")
			assert.Contains(t, errOut, tc.says)
			assert.NotContains(t, errOut, "in-memory demo directory", "nothing was built")
		})
	}
}

func TestSyncConfigReportsEveryProblem(t *testing.T) {
	path := sampleWith(t, "drift: correct", "drift: sometimes", "mode: mirror", "mode: mirrored", "zone: Europe/Copenhagen", "zone: Europe/Nowhere")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = loadSyncConfig(path, data, true, "")
	var lines []int
	for _, e := range flatten(err) {
		var ce *configError
		require.ErrorAs(t, e, &ce)
		lines = append(lines, ce.Line)
	}
	assert.Equal(t, []int{16, 63, 76}, lines, "every problem, in the file's order")
}

func TestSyncPlanDemo(t *testing.T) {
	noDirectory(t)
	out, errOut, status := orgsync("plan", "--inmem-demo")
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, "orgsync plan: the in-memory demo directory; nothing is kept after the run\n", errOut)
	fp := planFingerprint.FindStringSubmatch(out)
	require.NotNil(t, fp, out)
	assert.Contains(t, out, "\nchapel: 1 of 185 accounts to act on\ndisable      CN=")
	assert.Contains(t, out, "  (the person's last engagement has ended)\n")
	assert.Regexp(t, `\n    title: "`+regexp.QuoteMeta(syncDemoEdit)+`" → "\w+"\n`, out, "the hand edit is put right")
	assert.Regexp(t, `(?m)^create +CN=`, out)
	assert.Regexp(t, `(?m)^move +CN=`, out)
	assert.True(t, strings.HasSuffix(out, "\nto apply exactly this plan: orgsync apply --inmem-demo --fingerprint "+fp[1]+"\n"), out)

	// The demo is the same every time: a plan read now applies later.
	again, _, _ := orgsync("plan", "--inmem-demo")
	assert.Equal(t, out, again)
}

func TestSyncPlanJSONMasksNationalIDs(t *testing.T) {
	// A municipality that maps the CPR number on purpose.
	path := sampleWith(t, `      manager: "{{.ManagerDN}}"`, "      manager: \"{{.ManagerDN}}\"\n      employeeID: \"{{cpr .}}\"")
	text, _, status := orgsync("plan", "--inmem-demo", "--config", path)
	require.Equal(t, 0, status)
	out, errOut, status := orgsync("plan", "--inmem-demo", "--config", path, "--json")
	require.Equal(t, 0, status, errOut)
	var plan struct {
		Fingerprint string `json:"fingerprint"`
		Day         string `json:"day"`
		Chapel      struct {
			InScope int `json:"in_scope"`
			Actions []struct {
				Action string `json:"action"`
				Target string `json:"target"`
			} `json:"actions"`
		} `json:"chapel"`
		Accounts struct {
			Ops []struct {
				Op      string `json:"op"`
				Changes []struct {
					Attribute string   `json:"attribute"`
					New       []string `json:"new"`
				} `json:"changes"`
			} `json:"ops"`
		} `json:"accounts"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &plan), out)
	assert.Equal(t, planFingerprint.FindStringSubmatch(text)[1], plan.Fingerprint, "the text and the JSON are one plan")
	assert.Equal(t, "2026-12-01", plan.Day)
	require.Len(t, plan.Chapel.Actions, 1)
	assert.Equal(t, "disable", plan.Chapel.Actions[0].Action)
	masked := 0
	for _, op := range plan.Accounts.Ops {
		for _, c := range op.Changes {
			if c.Attribute == "employeeID" {
				assert.Regexp(t, `^\d{6}-xxxx$`, c.New[0])
				masked++
			}
		}
	}
	assert.Positive(t, masked, "the new accounts' employeeID is in the plan, masked")
	assert.NotRegexp(t, nationalID, out)
	assert.NotRegexp(t, nationalID, text)
}

func TestMaskPlanKeepsTheFingerprint(t *testing.T) {
	assert.Equal(t, "fingerprint ab0123456789cd01\n    employeeID: \"\" → \"010190-xxxx\"\n",
		maskPlan("fingerprint ab0123456789cd01\n    employeeID: \"\" → \"0101901234\"\n", "ab0123456789cd01"))
}

func TestSyncPlanOut(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plan.txt")
	out, errOut, status := orgsync("plan", "--inmem-demo", "--out", file)
	require.Equal(t, 0, status, errOut)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	fp := planFingerprint.FindStringSubmatch(string(data))
	require.NotNil(t, fp, string(data))
	assert.Equal(t, lines(
		"plan written to "+file+": 7 operations, 1 chapel action, 0 persons failed; fingerprint "+fp[1],
		"to apply exactly this plan: orgsync apply --inmem-demo --fingerprint "+fp[1],
	), out)
}

func TestSyncApplyReviewedPlanOnly(t *testing.T) {
	noDirectory(t)
	out, _, _ := orgsync("plan", "--inmem-demo")
	fp := planFingerprint.FindStringSubmatch(out)[1]

	_, errOut, status := orgsync("apply", "--inmem-demo")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--fingerprint is required")

	// A plan that is not this one: refused, nothing done.
	out, errOut, status = orgsync("apply", "--inmem-demo", "--fingerprint", "0123456789abcdef")
	assert.Equal(t, 1, status)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "orgsync apply: adsync: the directory or the org model changed since the plan was made; plan again and review (reviewed 0123456789abcdef, now "+fp+"). Nothing was changed.")

	out, errOut, status = orgsync("apply", "--inmem-demo", "--fingerprint", fp)
	require.Equal(t, 0, status, errOut)
	assert.True(t, strings.HasPrefix(out, "apply of plan "+fp+" at 2026-12-01T10:00:00+01:00\ndone   disable      CN="), out)
	assert.Regexp(t, `(?m)^done   create +CN=`, out)
	assert.Regexp(t, `(?m)^done   modify +CN=`, out)
	assert.True(t, strings.HasSuffix(out, "\n8 done, 0 failed\n"), out)
}

func TestSyncReconcileHoldsTheBreaker(t *testing.T) {
	noDirectory(t)
	out, errOut, status := orgsync("reconcile", "--inmem-demo")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "\nreconcile of plan ")
	assert.True(t, strings.HasSuffix(out, "\n8 done, 0 failed\n"), out)

	// One disable of 185 accounts is more than a share of 0.1%: the
	// chapel's part waits for an approval, the accounts' part is done.
	path := sampleWith(t, "max_share: 0.1", "max_share: 0.001")
	out, errOut, status = orgsync("reconcile", "--inmem-demo", "--config", path)
	assert.Equal(t, 1, status)
	assert.Contains(t, out, "BREAKER      1 disables and deletions are 0.5% of 185 accounts")
	assert.NotContains(t, out, "done   disable")
	assert.True(t, strings.HasSuffix(out, "\n7 done, 0 failed\n"), out)
	assert.Contains(t, errOut, "chapel: the mass-action breaker stopped the run")

	// Applying the reviewed plan by its fingerprint approves it.
	plan, _, _ := orgsync("plan", "--inmem-demo", "--config", path)
	fp := planFingerprint.FindStringSubmatch(plan)[1]
	out, errOut, status = orgsync("apply", "--inmem-demo", "--config", path, "--fingerprint", fp)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "\ndone   disable      CN=")
}

func TestSyncUsage(t *testing.T) {
	noDirectory(t)
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"plan"}, "--config FILE is required"},
		{[]string{"plan", "--inmem-demo", "extra"}, `unexpected argument "extra"`},
		{[]string{"apply", "--inmem-demo", "--json", "--fingerprint", "x"}, "--json and --out are flags of plan"},
		{[]string{"reconcile", "--inmem-demo", "--out", "x"}, "--json and --out are flags of plan"},
		{[]string{"plan", "--inmem-demo", "--fingerprint", "x"}, "--fingerprint is a flag of apply"},
		{[]string{"plan", "--inmem-demo", "--now", "soon"}, "--now"},
		{[]string{"plan", "--config", "testdata/sync/missing.yaml"}, "config: open testdata/sync/missing.yaml"},
	} {
		out, errOut, status := orgsync(tc.args...)
		assert.Equal(t, 2, status, tc.args)
		assert.Empty(t, out)
		assert.Contains(t, errOut, tc.says, tc.args)
	}
	out, _, status := orgsync("help")
	assert.Equal(t, 0, status)
	for _, c := range []string{"plan", "apply", "reconcile"} {
		assert.Regexp(t, `(?m)^  `+c+` `, out)
	}
}

// The org model can come from a model file: the plan is of its persons.
func TestSyncPlanOfAModelFile(t *testing.T) {
	data, err := os.ReadFile("testdata/sync/sync.yaml")
	require.NoError(t, err)
	model, err := filepath.Abs("testdata/rules/model.json")
	require.NoError(t, err)
	cfg := regexp.MustCompile(`(?s)\nmodel:\n.*?\n\n`).ReplaceAllString(string(data), "\nmodel:\n  file: "+model+"\n\n")
	require.Contains(t, cfg, "file: "+model)
	path := filepath.Join(t.TempDir(), "sync.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	out, errOut, status := orgsync("plan", "--inmem-demo", "--config", path)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "Møller-Hansen")
	assert.Contains(t, out, "Østergaard")
	assert.NotRegexp(t, `\b\d{6}-?\d{4}\b`, out)

	bad := strings.Replace(cfg, "file: "+model, "file: "+model+"\n  synthetic: {size: small, today: 2026-12-01}", 1)
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o600))
	_, errOut, status = orgsync("plan", "--inmem-demo", "--config", path)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "model.file or model.synthetic")
}
