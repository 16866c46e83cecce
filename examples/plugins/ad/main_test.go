package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
)

// env is a fake environment.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// write writes a file in dir and returns its name.
func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	ca := write(t, dir, "ca.pem", "not checked until the connector dials")
	yml := write(t, dir, "ad.yaml", "url: ldaps://dc1.example.org\nca_file: ca.pem\nbind_dn: svc@example.org\ndial_timeout: 5s\nbase_dn: OU=Kommune,DC=example,DC=org\n")
	cfg, err := loadConfig(env{configEnv: yml, passwordEnv: "s3cret!"}.get)
	require.NoError(t, err)
	assert.Equal(t, "ldaps://dc1.example.org", cfg.URL)
	assert.Equal(t, ca, cfg.CAFile, "relative to the configuration file")
	assert.Equal(t, "svc@example.org", cfg.BindDN)
	assert.Equal(t, connectors.Secret("s3cret!"), cfg.BindPassword)
	assert.Equal(t, 5*time.Second, cfg.DialTimeout)
	assert.Equal(t, "OU=Kommune,DC=example,DC=org", cfg.BaseDN)

	js := write(t, dir, "ad.json", `{"url": "ldap://dc1.example.org", "bind_dn": "svc@example.org", "ca_file": "`+ca+`", "max_conns": 3}`)
	cfg, err = loadConfig(env{configEnv: js, passwordEnv: "pw"}.get)
	require.NoError(t, err)
	assert.Equal(t, "ldap://dc1.example.org", cfg.URL)
	assert.Equal(t, ca, cfg.CAFile)
	assert.Equal(t, 3, cfg.MaxConns)
}

func TestLoadConfigRefuses(t *testing.T) {
	dir := t.TempDir()
	good := "url: ldaps://dc1.example.org\nbind_dn: svc@example.org\n"
	for _, tc := range []struct {
		name string
		file string // the file's text; "-" for no file
		env  env
		want string
	}{
		{"no config", "-", env{passwordEnv: "pw"}, "ORGSYNC_AD_CONFIG is not set: it names the configuration file (YAML or JSON)"},
		{"missing file", "-", env{configEnv: filepath.Join(dir, "nope.yaml"), passwordEnv: "pw"}, "ORGSYNC_AD_CONFIG: open " + filepath.Join(dir, "nope.yaml") + ": no such file or directory"},
		{"no password", good, env{}, "ORGSYNC_AD_BIND_PASSWORD is not set"},
		{"password in the file", good + "bind_password: hunter22\n", env{passwordEnv: "pw"}, "bind_password must not be in the file: the password comes from ORGSYNC_AD_BIND_PASSWORD only"},
		{"unknown key", good + "bind_pasword: x\n", env{passwordEnv: "pw"}, "field bind_pasword not found in type ad.Config"},
		{"empty", "", env{passwordEnv: "pw"}, "the file is empty"},
		{"two documents", good + "---\n" + good, env{passwordEnv: "pw"}, "more than one YAML document"},
		{"invalid", "url: https://dc1.example.org\nbind_dn: svc@example.org\n", env{passwordEnv: "pw"}, "the scheme must be ldaps:// or ldap://"},
		{"bad duration", good + "timeout: soon\n", env{passwordEnv: "pw"}, "cannot unmarshal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file != "-" {
				tc.env[configEnv] = write(t, t.TempDir(), "ad.yaml", tc.file)
			}
			_, err := loadConfig(tc.env.get)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "hunter22")
		})
	}
}
