package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRulesPlanOnTheSyntheticMunicipality(t *testing.T) {
	out, errOut, status := orgsync("rules", "plan", "--limit", "3")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `^org rules from `+time.Now().Format(time.DateOnly)+`: \d+ operation\(s\) on \d+ object\(s\), leder \d+, elevation \d+, coupling \d+, primary \d+; \d+ conflict\(s\)\n`, out)
	assert.Contains(t, out, "  … and ")
	assert.Contains(t, out, "payroll units with engagements and no relation to an administrative unit:\n")
	assert.NotRegexp(t, nationalID, out)
	again, _, _ := orgsync("rules", "plan", "--limit", "3")
	assert.Equal(t, out, again, "the same every time")
}

func TestRulesApplySettles(t *testing.T) {
	out, errOut, status := orgsync("rules", "apply", "--limit", "0")
	require.Equal(t, 0, status, errOut)
	assert.True(t, strings.HasSuffix(out, "applied; a second run changes nothing.\nthe synthetic municipality lives in memory for the run: nothing is kept (use --db).\n"), out)
	assert.Contains(t, out, "placed by rules/coupling")
}

// With --db the rules read the model in the state database, and apply
// writes what they decide there.
func TestRulesOnTheStateDatabase(t *testing.T) {
	f := newImportFixture(t)
	require.NoError(t, os.WriteFile(f.config, []byte("source: sd\nconnector:\n  dir: payroll\nrules: none\n"), 0o600))
	_, errOut, status := f.run("apply", "file")
	require.Equal(t, 0, status, errOut)
	db := []string{"--db", f.db, "--db-key-file", f.key}
	out, errOut, status := orgsync(append([]string{"rules", "plan"}, db...)...)
	require.Equal(t, 0, status, errOut)
	assert.NotContains(t, out, ": 0 operation(s)", "the import left the rules undone")
	out, errOut, status = orgsync(append([]string{"rules", "apply"}, db...)...)
	require.Equal(t, 0, status, errOut)
	assert.NotContains(t, out, "nothing is kept")
	out, errOut, status = orgsync(append([]string{"rules", "plan"}, db...)...)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, ": 0 operation(s) on 0 object(s)", "what the rules decided is in the database")
}

func TestRulesPlanJSON(t *testing.T) {
	out, errOut, status := orgsync("rules", "plan", "--json", "--from", "2027-01-01")
	require.Equal(t, 0, status, errOut)
	var res struct {
		Range     struct{ From string }
		Changed   map[string]int
		Conflicts []struct{ Kind, Rule string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	assert.Equal(t, "2027-01-01", res.Range.From)
	assert.Positive(t, res.Changed["coupling"])
}

func TestRulesConfigErrorsHaveTheirLines(t *testing.T) {
	data, err := os.ReadFile("testdata/rules/rules.yaml")
	require.NoError(t, err)
	s := strings.Replace(string(data), "  action: cut ", "  action: terminate ", 1)
	s = strings.Replace(s, "choose: [latest-start, lowest-employment-number]", "choose: [latest-start, tallest]", 1)
	path := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
	_, errOut, status := orgsync("rules", "plan", "--config", path)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, path+":15: leder.choose.1: \"tallest\" is not")
	assert.Contains(t, errOut, path+":32: validity.action: \"terminate\" is not cut or vacate")

	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), "  recursive: true", "  recursive: true\n  recursve: false", 1)), 0o600))
	_, errOut, status = orgsync("rules", "plan", "--config", path)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "recursve")
	assert.Regexp(t, `:\d+: `, errOut, "the unknown key's line")

	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), "payroll_root: U00001", "payroll_root: U99999", 1)), 0o600))
	_, errOut, status = orgsync("rules", "plan", "--config", path)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, `coupling.payroll_root: no unit has the id or user key "U99999"`)
}

func TestRulesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"rules"}, {"rules", "run"}, {"rules", "plan", "--size", "huge"}, {"rules", "plan", "--from", "2026-13-01"}, {"rules", "plan", "extra"}} {
		_, errOut, status := orgsync(args...)
		assert.Equal(t, 2, status, "%v: %s", args, errOut)
		assert.NotEmpty(t, errOut)
	}
}

func TestRulesOnAModelFile(t *testing.T) {
	model := filepath.Join(t.TempDir(), "model.json")
	orig, err := os.ReadFile("testdata/rules/model.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(model, orig, 0o640))
	out, errOut, status := orgsync("rules", "apply", "--model", model, "--config", "testdata/rules/model-rules.yaml")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, `Mohammed Ali Østergaard in "Plejecentre" (payroll: "Plejecenter Solgården", placed by rules/coupling)`)
	assert.Contains(t, out, `Anne Sofie Møller-Hansen in "Ældre og Sundhed" (payroll: "Ældre og Sundhed", placed by rules/elevation)`)
	assert.True(t, strings.HasSuffix(out, "applied; a second run changes nothing.\n"+model+" is not changed: the rules' decisions are kept in a state database (import it, then rules apply --db).\n"), out)
	assert.NotRegexp(t, nationalID, out)
	after, err := os.ReadFile(model)
	require.NoError(t, err)
	assert.Equal(t, orig, after, "the model file is read only")

	_, errOut, status = orgsync("rules", "apply", "--model", model, "--config", "testdata/rules/model-rules.yaml", "--from", "2027-06-01")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "--at-another-day")

	broken := filepath.Join(t.TempDir(), "model.json")
	data, err := os.ReadFile("testdata/rules/model.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(broken, []byte(strings.Replace(string(data), `"from": "2020-01-01", "name": "Plejecentre"`, `"from": "2020-13-01", "name": "Plejecentre"`, 1)), 0o600))
	_, errOut, status = orgsync("rules", "plan", "--model", broken, "--config", "testdata/rules/model-rules.yaml")
	assert.Equal(t, 2, status)
	assert.Regexp(t, `--model: .*model\.json:\d+:\d+: .*from`, errOut, "the file, line and field")
}
