package adconfig

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func TestReadBuildsTheConfigWithThePasswordFromAFileOrTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pw", "Hemmelig-2027\nignored\n")
	path := write(t, dir, "ad.yaml", "url: ldaps://dc1.sjolund.dk\nbind_dn: svc-orgsync@sjolund.dk\nbase_dn: OU=Kommune,DC=sjolund,DC=dk\npassword_file: pw\ntimeout: 45s\n")
	f, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "pw"), f.PasswordFile, "relative to the file")
	cfg, err := f.Build(Overrides{}, env(nil))
	require.NoError(t, err)
	assert.Equal(t, connectors.Secret("Hemmelig-2027"), cfg.BindPassword, "the file's first line")
	assert.Equal(t, "OU=Kommune,DC=sjolund,DC=dk", cfg.BaseDN)

	f.PasswordFile = ""
	cfg, err = f.Build(Overrides{URL: "ldaps://dc2.sjolund.dk"}, env(map[string]string{PasswordEnv: "fra-miljøet"}))
	require.NoError(t, err)
	assert.Equal(t, "ldaps://dc2.sjolund.dk", cfg.URL, "a flag overrides the file")
	assert.Equal(t, connectors.Secret("fra-miljøet"), cfg.BindPassword)
	cfg, err = f.Build(Overrides{}, env(map[string]string{OldPasswordEnv: "gammel"}))
	require.NoError(t, err)
	assert.Equal(t, connectors.Secret("gammel"), cfg.BindPassword, "the plugins' old name still works")
}

func TestBadConfigurationsSayWhatToSet(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ text, want string }{
		"a password in the file": {"url: ldaps://dc1\nbind_dn: x\nbind_password: hemmeligt\n", "bind_password must not be in the file"},
		"an unknown key":         {"url: ldaps://dc1\nbind_dn: x\ncolour: red\n", "colour"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(write(t, dir, "ad.yaml", c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "hemmeligt")
		})
	}
	for name, c := range map[string]struct {
		f    File
		want string
	}{
		"no url":      {File{}, "url"},
		"no bind dn":  {func() File { var f File; f.URL = "ldaps://dc1"; return f }(), "bind_dn"},
		"no password": {func() File { var f File; f.URL, f.BindDN = "ldaps://dc1", "svc"; return f }(), PasswordEnv},
		"a missing password file": {func() File {
			var f File
			f.URL, f.BindDN, f.PasswordFile = "ldaps://dc1", "svc", filepath.Join(dir, "nope")
			return f
		}(), "password_file"},
		"a bad url": {func() File { var f File; f.URL, f.BindDN = "https://dc1", "svc"; return f }(), "ldaps://"},
	} {
		t.Run(name, func(t *testing.T) {
			getenv := env(nil)
			if name == "a bad url" {
				getenv = env(map[string]string{PasswordEnv: "pw"})
			}
			_, err := c.f.Build(Overrides{}, getenv)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
