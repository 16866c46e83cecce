package notify_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/notify"
)

func TestAnUnknownFieldInATemplateNamesTheFileAndLine(t *testing.T) {
	dir := t.TempDir()
	src := "{{define \"subject\"}}Ny: {{.Person.Name}}{{end}}\n{{define \"text\"}}\nHej\n{{.Persn.Name}}\n{{end}}\n{{define \"html\"}}<p>x</p>{{end}}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "person-created.tmpl"), []byte(src), 0o644))
	_, err := notify.Compile(notify.Config{From: from, Templates: dir,
		Rules: []notify.Rule{{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Manager: true}}}})
	var ce *notify.ConfigError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, filepath.Join(dir, "person-created.tmpl"), ce.File)
	assert.Equal(t, 4, ce.Line)
	assert.Contains(t, err.Error(), "Persn")
}

func TestConfigErrorsAreAllReported(t *testing.T) {
	_, err := notify.Compile(notify.Config{From: from, Rules: []notify.Rule{
		{Name: "a", Trigger: "no-such-trigger", To: notify.Recipients{Manager: true}},
		{Name: "a", Trigger: notify.PersonCreated, To: notify.Recipients{Addresses: []string{"x@y.test\r\nBcc: z@y.test"}}},
		{Name: "b", Trigger: notify.UnitWithoutManager, To: notify.Recipients{Person: true}, Scope: notify.Scope{EngagementTypes: []string{"Timeløn"}}},
		{Name: "c", Trigger: notify.FutureHire},
	}})
	require.Error(t, err)
	for _, want := range []string{"unknown trigger", "two rules have this name", "addresses[0]", "is about a unit", "needs recipients"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.False(t, strings.Contains(err.Error(), "\r\n"), "the bad address is quoted, not written out")

	_, err = notify.Compile(notify.Config{From: from, Rules: []notify.Rule{
		{Name: "d", Trigger: notify.FutureHire, To: notify.Recipients{Manager: true}, Template: "missing"}}})
	assert.ErrorContains(t, err, `no template "missing"`)
}

func TestATemplateWithoutAnHTMLPartIsRefused(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "future-hire.tmpl"), []byte(`{{define "subject"}}x{{end}}{{define "text"}}y{{end}}`), 0o644))
	_, err := notify.Compile(notify.Config{From: from, Templates: dir,
		Rules: []notify.Rule{{Name: "k", Trigger: notify.FutureHire, To: notify.Recipients{Manager: true}}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `defines no "html" template`)
}
