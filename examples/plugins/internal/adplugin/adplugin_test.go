package adplugin

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
	cfg, err := LoadConfig(env{ConfigEnv: yml, PasswordEnv: "s3cret!"}.get)
	require.NoError(t, err)
	assert.Equal(t, "ldaps://dc1.example.org", cfg.URL)
	assert.Equal(t, ca, cfg.CAFile, "relative to the configuration file")
	assert.Equal(t, "svc@example.org", cfg.BindDN)
	assert.Equal(t, connectors.Secret("s3cret!"), cfg.BindPassword)
	assert.Equal(t, 5*time.Second, cfg.DialTimeout)
	assert.Equal(t, "OU=Kommune,DC=example,DC=org", cfg.BaseDN)

	js := write(t, dir, "ad.json", `{"url": "ldap://dc1.example.org", "bind_dn": "svc@example.org", "ca_file": "`+ca+`", "max_conns": 3}`)
	cfg, err = LoadConfig(env{ConfigEnv: js, PasswordEnv: "pw"}.get)
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
		{"no config", "-", env{PasswordEnv: "pw"}, "ORGSYNC_AD_CONFIG is not set: it names the configuration file (YAML or JSON)"},
		{"missing file", "-", env{ConfigEnv: filepath.Join(dir, "nope.yaml"), PasswordEnv: "pw"}, "ORGSYNC_AD_CONFIG: open " + filepath.Join(dir, "nope.yaml") + ": no such file or directory"},
		{"no password", good, env{}, "no bind password for svc@example.org: name a password_file, or set ORGSYNC_AD_PASSWORD"},
		{"password in the file", good + "bind_password: hunter22\n", env{PasswordEnv: "pw"}, "bind_password must not be in the file: name a password_file, or set ORGSYNC_AD_PASSWORD"},
		{"unknown key", good + "bind_pasword: x\n", env{PasswordEnv: "pw"}, "field bind_pasword not found"},
		{"empty", "", env{PasswordEnv: "pw"}, "the file is empty"},
		{"two documents", good + "---\n" + good, env{PasswordEnv: "pw"}, "more than one YAML document"},
		{"invalid", "url: https://dc1.example.org\nbind_dn: svc@example.org\n", env{PasswordEnv: "pw"}, "the scheme must be ldaps:// or ldap://"},
		{"bad duration", good + "timeout: soon\n", env{PasswordEnv: "pw"}, "cannot unmarshal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file != "-" {
				tc.env[ConfigEnv] = write(t, t.TempDir(), "ad.yaml", tc.file)
			}
			_, err := LoadConfig(tc.env.get)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "hunter22")
		})
	}
}

// The plugins take no arguments, and a configuration that is refused is
// reported before anything is dialled.
func TestOpenRefuses(t *testing.T) {
	_, err := Open("test plugin", []string{"--password", "hunter22"}, env{}.get, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the test plugin takes no arguments: set ORGSYNC_AD_CONFIG and ORGSYNC_AD_PASSWORD")
	assert.NotContains(t, err.Error(), "hunter22")
	_, err = Open("test plugin", nil, env{PasswordEnv: "pw"}.get, nil)
	assert.ErrorContains(t, err, "the test plugin's configuration: ORGSYNC_AD_CONFIG is not set")
}
