package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRulesPlanOnTheSyntheticMunicipality(t *testing.T) {
	out, errOut, status := orgsync("rules", "plan", "--limit", "3")
	require.Equal(t, 0, status, errOut)
	assert.Regexp(t, `^org rules from 2026-12-01: \d+ operation\(s\) on \d+ object\(s\), leder \d+, elevation \d+, coupling \d+, primary \d+; \d+ conflict\(s\)\n`, out)
	assert.Contains(t, out, "  … and ")
	assert.Contains(t, out, "payroll units with engagements and no relation to an administrative unit:\n")
	assert.NotRegexp(t, nationalID, out)
	again, _, _ := orgsync("rules", "plan", "--limit", "3")
	assert.Equal(t, out, again, "the same every time")
}

func TestRulesApplySettles(t *testing.T) {
	out, errOut, status := orgsync("rules", "apply", "--limit", "0")
	require.Equal(t, 0, status, errOut)
	assert.True(t, strings.HasSuffix(out, "applied; a second run changes nothing.\n"), out)
	assert.Contains(t, out, "placed by rules/coupling")
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
	out, errOut, status := orgsync("rules", "apply", "--model", "testdata/rules/model.json", "--config", "testdata/rules/model-rules.yaml")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, `Mohammed Ali Østergaard in "Plejecentre" (payroll: "Plejecenter Solgården", placed by rules/coupling)`)
	assert.Contains(t, out, `Anne Sofie Møller-Hansen in "Ældre og Sundhed" (payroll: "Ældre og Sundhed", placed by rules/elevation)`)
	assert.True(t, strings.HasSuffix(out, "applied; a second run changes nothing.\n"), out)
	assert.NotRegexp(t, nationalID, out)

	broken := filepath.Join(t.TempDir(), "model.json")
	data, err := os.ReadFile("testdata/rules/model.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(broken, []byte(strings.Replace(string(data), `"from": "2020-01-01", "name": "Plejecentre"`, `"from": "2020-13-01", "name": "Plejecentre"`, 1)), 0o600))
	_, errOut, status = orgsync("rules", "plan", "--model", broken, "--config", "testdata/rules/model-rules.yaml")
	assert.Equal(t, 2, status)
	assert.Regexp(t, `--model: .*model\.json:\d+:\d+: .*from`, errOut, "the file, line and field")
}
