package main

import (
	"context"
	"encoding/pem"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/omada/omadatest"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// importFixture is a payroll delivery of the synthetic municipality, an
// import configuration reading it, and an empty state database.
type importFixture struct {
	dir, config, db, key string
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	f := &importFixture{dir: t.TempDir()}
	_, errOut, status := orgsync("payroll-export", "--dir", filepath.Join(f.dir, "payroll"), "--persons", "300", "--seed", "5", "--today", "2026-12-01")
	require.Equal(t, 0, status, errOut)
	f.config = filepath.Join(f.dir, "import.yaml")
	rules, err := filepath.Abs("testdata/rules/rules.yaml") // the sample's, made for the synthetic municipality
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f.config, []byte("source: sd\nconnector:\n  dir: payroll\nrules: "+rules+"\n"), 0o600))
	f.db = "sqlite:" + filepath.Join(f.dir, "orgsync.db")
	f.key = filepath.Join(f.dir, "orgsync.key")
	require.NoError(t, os.WriteFile(f.key, []byte(statedb.GenerateKey()), 0o600))
	return f
}

func (f *importFixture) run(args ...string) (string, string, int) {
	return orgsync(append(append([]string{"import"}, args...), "--config", f.config, "--db", f.db, "--db-key-file", f.key)...)
}

var fingerprintRE = regexp.MustCompile(`--fingerprint ([0-9a-f]{16})`)

var cprRE = regexp.MustCompile(`\b\d{6}-?\d{4}\b`)

// The operator's path: plan, apply the reviewed plan (then the org rules
// run), and a second plan has nothing to do. A stale fingerprint applies
// nothing.
func TestImportPlanThenApply(t *testing.T) {
	f := newImportFixture(t)
	out, errOut, status := f.run("plan", "file")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `import of sd: \d+ created, 0 updated, 0 terminated`, out)
	assert.Contains(t, out, "… and ")
	assert.NotRegexp(t, cprRE, out, "no national id in a plan")
	m := fingerprintRE.FindStringSubmatch(out)
	require.Len(t, m, 2, out)

	_, errOut, status = f.run("apply", "file", "--fingerprint", "0123456789abcdef")
	assert.Equal(t, 1, status)
	assert.Contains(t, errOut, "no longer the one reviewed")
	again, _, _ := f.run("plan", "file")
	assert.Contains(t, again, m[1], "nothing was imported")

	out, errOut, status = f.run("apply", "file", "--fingerprint", m[1])
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "imported as registration")
	assert.Contains(t, out, "the org rules:")

	out, errOut, status = f.run("plan", "file")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "nothing to change.", "the model holds the delivery, and the rules' rulings stay")
}

func TestImportBadInput(t *testing.T) {
	f := newImportFixture(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"an unknown kind", []string{"plan", "ldap"}, "no source kind"},
		{"another day, not confirmed", []string{"apply", "file", "--today", "2027-06-01"}, "--at-another-day"},
		{"a bad day", []string{"plan", "file", "--today", "2027-13-01"}, "--today"},
		{"a negative limit", []string{"plan", "file", "--limit", "-1"}, "--limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, status := f.run(c.args...)
			assert.Equal(t, 2, status)
			assert.Contains(t, errOut, c.want)
		})
	}
	_, errOut, status := orgsync("import", "plan", "file", "--config", f.config)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--db")

	require.NoError(t, os.WriteFile(f.config, []byte("source: sd\nconnector:\n  dir: payroll\n  folder: x\n"), 0o600))
	_, errOut, status = f.run("plan", "file")
	assert.Equal(t, 2, status, "an unknown key in the connector's section")
	assert.Contains(t, errOut, "folder")

	require.NoError(t, os.WriteFile(f.config, []byte("source: sd\nconnector:\n  dir: missing\n"), 0o600))
	_, errOut, status = f.run("plan", "file")
	assert.NotEqual(t, 0, status)
	assert.Contains(t, errOut, "missing")
}

func TestImportPlanAtAnotherDayIsAWhatIf(t *testing.T) {
	f := newImportFixture(t)
	out, errOut, status := f.run("plan", "file", "--today", "2027-06-01")
	require.Equal(t, 0, status, errOut)
	assert.True(t, strings.Contains(out, "what-if: terminations as of 2027-06-01"), out)
}

// OPUS dumps through their connector: the plan lists the records the
// connector skipped, with where they are, and an apply that imported the
// rest says so with status 1; the next plan has nothing to do.
func TestImportOPUS(t *testing.T) {
	f := &importFixture{dir: t.TempDir()}
	dumps := filepath.Join(f.dir, "dumps")
	require.NoError(t, os.MkdirAll(dumps, 0o700))
	entries, err := os.ReadDir("../../connectors/opus/testdata/folder")
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("../../connectors/opus/testdata/folder", e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dumps, e.Name()), b, 0o600))
	}
	f.config = filepath.Join(f.dir, "import.yaml")
	require.NoError(t, os.WriteFile(f.config, []byte("source: opus\nconnector:\n  dir: dumps\n"), 0o600))
	f.db = "sqlite:" + filepath.Join(f.dir, "orgsync.db")
	f.key = filepath.Join(f.dir, "orgsync.key")
	require.NoError(t, os.WriteFile(f.key, []byte(statedb.GenerateKey()), 0o600))

	out, errOut, status := f.run("plan", "opus", "--limit", "0")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `import of opus: [1-9]\d* created`, out)
	assert.Regexp(t, `\d+ record\(s\) skipped as malformed; put them right in the source:\n  ZLPE\d+`, out)
	assert.NotRegexp(t, cprRE, out, "no national id in a plan")

	out, errOut, status = f.run("apply", "opus")
	assert.Equal(t, 1, status, "imported, with records skipped: "+errOut)
	assert.Contains(t, out, "imported as registration")
	out, errOut, status = f.run("plan", "opus")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "nothing to change.")
}

// SD Løn's web service through its connector: a person hired at an
// Ældrecenter is planned and imported, and SD being down is a clear error
// that imports nothing.
func TestImportSD(t *testing.T) {
	srv := sdtest.NewTLS("XY", "SYorgsync", "kodeord")
	t.Cleanup(srv.Close)
	srv.SetData(&sdtest.Data{
		Departments: []sdtest.Department{{ID: "R", Level: "NY1-niveau", Name: "Kommunen", From: "2000-01-01", To: "9999-12-31"},
			{ID: "A", Level: "Afdelings-niveau", Name: "Ældrecenter Åbo", From: "2000-01-01", To: "9999-12-31"}},
		Organization: []sdtest.Window{{From: "2000-01-01", To: "9999-12-31", Branches: [][]string{{"A", "R"}}}},
		Persons: []sdtest.Person{{CPR: "0101901234", GivenName: "Åse", Surname: "Øby", Employments: []sdtest.Employment{{ID: "1",
			Departments: []sdtest.Part{{From: "2020-01-01", To: "9999-12-31", Value: "A"}},
			Statuses:    []sdtest.Part{{From: "2020-01-01", To: "9999-12-31", Value: "1"}}}}}},
	})
	f := &importFixture{dir: t.TempDir()}
	require.NoError(t, os.WriteFile(filepath.Join(f.dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(f.dir, "pw"), []byte("kodeord\n"), 0o600))
	f.config = filepath.Join(f.dir, "import.yaml")
	require.NoError(t, os.WriteFile(f.config, []byte("source: sd\nconnector:\n  url: "+srv.URL+"/sdws/\n  institution: XY\n  user: SYorgsync\n  password_file: pw\n  ca_file: ca.pem\n"), 0o600))
	f.db = "sqlite:" + filepath.Join(f.dir, "orgsync.db")
	f.key = filepath.Join(f.dir, "orgsync.key")
	require.NoError(t, os.WriteFile(f.key, []byte(statedb.GenerateKey()), 0o600))

	out, errOut, status := f.run("plan", "sd", "--limit", "0")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `import of sd: [1-9]\d* created`, out)
	assert.NotContains(t, out, "0101901234")
	out, errOut, status = f.run("apply", "sd")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "the org rules: none configured")

	srv.Close()
	_, errOut, status = f.run("plan", "sd")
	assert.Equal(t, 1, status, "an outage is not the operator's configuration")
	assert.Contains(t, errOut, "reading the payroll")
}

// Omada's temporary staff through its connector, after the payroll: a
// vikar in a payroll unit becomes a person with an engagement there, and
// a malformed record is listed with where it is.
func TestImportOmada(t *testing.T) {
	f := newImportFixture(t)
	_, errOut, status := f.run("apply", "file")
	require.Equal(t, 0, status, errOut)
	pay, err := payrollfile.Open(filepath.Join(f.dir, "payroll"), payrollfile.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	snap, err := pay.Snapshot(bg)
	require.NoError(t, err)
	pay.Close()
	unit := snap.Units[len(snap.Units)-1].Key

	fields := omada.Fields{NationalID: "C_CPRNUMBER", GivenNames: "FIRSTNAME", Surname: "LASTNAME", Unit: "C_OUID", Category: "CATEGORY"}
	srv := omadatest.New(t, omadatest.Options{Username: "svc-orgsync", Password: "Kodeord-ÆØÅ", Fields: fields})
	require.NoError(t, srv.Publish(&connectors.IdentitySnapshot{Identities: []connectors.Identity{
		{Key: "V1", NationalID: "0101901234", GivenNames: "Vibeke", Surname: "Vikarsen", Unit: unit, Category: "Vikar", Valid: timeline.Since(timeline.MustDate(2026, 11, 1))},
	}}))
	t.Setenv("OMADA_PW", "Kodeord-ÆØÅ")
	omadaConfig := filepath.Join(f.dir, "omada.yaml")
	require.NoError(t, os.WriteFile(omadaConfig, []byte(`source: omada
connector:
  url: "`+srv.ViewURL()+`"
  ca_file: "`+srv.CAFile(t)+`"
  basic_auth: {username: svc-orgsync, password_env: OMADA_PW}
  fields: {national_id: C_CPRNUMBER, given_names: FIRSTNAME, surname: LASTNAME, unit: C_OUID, category: CATEGORY}
identity:
  temporary_categories: [Vikar]
  units_from: sd
`), 0o600))
	run := func(args ...string) (string, string, int) {
		return orgsync(append(append([]string{"import"}, args...), "--config", omadaConfig, "--db", f.db, "--db-key-file", f.key)...)
	}
	out, errOut, status := run("plan", "omada", "--limit", "0")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `import of omada: [1-9]\d* created`, out)
	assert.Contains(t, out, "engagement", "the vikar gets an engagement in the payroll unit")
	assert.NotRegexp(t, cprRE, out)
	out, errOut, status = run("apply", "omada")
	require.Equal(t, 0, status, errOut+out)
	out, _, _ = run("plan", "omada")
	assert.Contains(t, out, "nothing to change.")

	require.NoError(t, os.WriteFile(omadaConfig, []byte("source: omada\nconnector:\n  url: x\n"), 0o600))
	_, errOut, status = run("plan", "omada")
	assert.Equal(t, 2, status, "an identity source needs its intake section")
	assert.Contains(t, errOut, "identity section")
}

var bg = context.Background()

// A payroll served by a plugin process (the example file payroll plugin)
// is planned and imported like a connector compiled in: the same plan,
// then the org rules.
func TestImportPlugin(t *testing.T) {
	f := newImportFixture(t)
	bin := filepath.Join(f.dir, "payroll-plugin")
	out, err := exec.Command("go", "build", "-o", bin, "../plugins/payrollfile").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	rules, err := filepath.Abs("testdata/rules/rules.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f.config, []byte(fmt.Sprintf("source: sd\nconnector:\n  path: payroll-plugin\n  env: [ORGSYNC_PAYROLL_DIR=%s]\nrules: %s\n",
		filepath.Join(f.dir, "payroll"), rules)), 0o600))

	text, errOut, status := f.run("plan", "plugin")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `import of sd: [1-9]\d* created`, text)
	fp := fingerprintRE.FindStringSubmatch(text)
	require.NotNil(t, fp, text)
	text, errOut, status = f.run("apply", "plugin", "--fingerprint", fp[1])
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, text, "imported as registration")
	assert.Contains(t, text, "the org rules:")
	text, errOut, status = f.run("plan", "plugin")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, text, "nothing to change.")
}
