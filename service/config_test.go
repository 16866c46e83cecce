package service

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every problem in a configuration is reported at once, each with its
// file, line and key, and matches ErrConfig.
func TestConfigProblemsAllAtOnce(t *testing.T) {
	const bad = `
zone: Mars/Olympus
directory:
  url: ldaps://dc1.example.org
sync: {base: "OU=Kommune,DC=example,DC=org", ou: {mode: single, single: "OU=Kommune,DC=example,DC=org"}}
username: {patterns: [FFLL]}
sources:
  - name: sd
    kind: sd-loen
    connector: {institution: XY}
  - name: sd
    kind: opus
    every: 10s
    connector: {dir: dumps}
  - name: omada
    kind: omada
    connector: {url: "https://omada.example.org"}
reports:
  - name: hires
http:
  listen: nowhere
  cert_file: cert.pem
`
	_, err := Parse("serve.yaml", []byte(strings.TrimLeft(bad, "\n")))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrConfig)
	want := []string{
		"serve.yaml:1: zone: ",
		"serve.yaml:2: directory.bind_dn: no account to bind as",
		`serve.yaml:8: sources.0.kind: "sd-loen": use one of`,
		`serve.yaml:10: sources.1.name: "sd" is another source's name too`,
		"serve.yaml:12: sources.1.every: 10s: at least a minute",
		"serve.yaml:14: sources.2.identity: an identity source needs its intake",
		"serve.yaml:17: reports: reports are mailed: they need the mail section",
		"serve.yaml:20: http.listen: ",
		"serve.yaml:19: http: cert_file and key_file go together",
	}
	for _, w := range want {
		assert.Contains(t, err.Error(), w)
	}
	var n int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *ConfigError
		if assert.True(t, errors.As(e, &ce), "%T", e) {
			n++
		}
	}
	assert.Equal(t, len(want), n, "one error for each problem:\n%v", err)
}

// An unknown key and a secret written in the file are refused with their
// lines; a JSON configuration reads as the YAML one does.
func TestConfigStrict(t *testing.T) {
	_, err := Parse("serve.yaml", []byte("directory:\n  twin: true\nsync:\n  base: OU=K,DC=x\n  bsae: oops\n"))
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "serve.yaml:5: field bsae not found")

	_, err = Parse("serve.yaml", []byte("directory:\n  url: ldaps://dc\n  bind_dn: svc\n  password: hemmeligt\nsync:\n  base: OU=K,DC=x\n"))
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "serve.yaml:4: a secret is never written in the configuration")
	assert.NotContains(t, err.Error(), "hemmeligt", "the secret is not repeated")

	cfg, err := Parse("serve.json", []byte(`{"directory": {"twin": true}, "sync": {"base": "OU=K,DC=example,DC=org", "ou": {"mode": "single", "single": "OU=K,DC=example,DC=org"}}, "username": {"patterns": ["FFLL"]}, "schedule": {"reconcile": "30m"}}`))
	require.NoError(t, err)
	assert.True(t, cfg.Directory.Twin)
	assert.Equal(t, "30m0s", cfg.Schedule.Reconcile.String())

	_, err = Parse("empty.yaml", nil)
	assert.ErrorContains(t, err, "empty.yaml: the file is empty")
}

// Relative paths are the configuration's folder's; a bare store path
// becomes a SQLite URL.
func TestConfigPathsAreTheFilesFolder(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "serve.yaml", `
directory: {twin: true}
store: {url: state/orgsync.db, key: {file: keys/db.key}}
sync: {base: "OU=K,DC=example,DC=org", ou: {mode: single, single: "OU=K,DC=example,DC=org"}}
username: {patterns: [FFLL]}
`)
	cfg, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, "sqlite:"+dir+"/state/orgsync.db", cfg.Store.URL)
	assert.Equal(t, dir+"/keys/db.key", cfg.Store.Key.File)
	assert.Equal(t, "sqlite:"+dir+"/orgsync.db", (&Config{dir: dir}).storeURL(), "the default")
}
