package adconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/examples/internal/strictyaml"
)

// The environment.
const (
	// FileEnv names the configuration file, where a command has no
	// --ad-config (and for the plugins, which take no arguments).
	FileEnv = "ORGSYNC_AD_CONFIG"
	// PasswordEnv holds the bind password, where the file names no
	// password_file.
	PasswordEnv = "ORGSYNC_AD_PASSWORD"
	// OldPasswordEnv is the name the AD plugins used to read; it is read
	// when PasswordEnv is not set.
	OldPasswordEnv = "ORGSYNC_AD_BIND_PASSWORD"
)

// File is the configuration as written: ad.Config's keys and the file the
// password is in.
type File struct {
	ad.Config `yaml:",inline"`
	// PasswordFile names the file holding the bind password (its first
	// line), relative to the configuration's folder.
	PasswordFile string `yaml:"password_file" json:"password_file"`
}

// Overrides are flags that replace single keys of the file.
type Overrides struct {
	// URL, CAFile, BindDN, BaseDN and PasswordFile replace the file's
	// url, ca_file, bind_dn, base_dn and password_file where not empty.
	URL, CAFile, BindDN, BaseDN, PasswordFile string
}

// Read reads the configuration file at path, strictly: an unknown key is
// an error, and so is bind_password (the password is never in the file).
// Relative ca_file and password_file are resolved against the file's
// folder.
func Read(path string) (File, error) {
	var f File
	data, err := os.ReadFile(path)
	if err != nil {
		return f, err
	}
	if err := strictyaml.Decode(data, &f); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	if f.BindPassword != "" {
		return File{}, fmt.Errorf("%s: bind_password must not be in the file: name a password_file, or set %s", path, PasswordEnv)
	}
	f.Resolve(filepath.Dir(path))
	return f, nil
}

// Resolve makes relative ca_file and password_file paths relative to dir.
func (f *File) Resolve(dir string) {
	for _, p := range []*string{&f.CAFile, &f.PasswordFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// Build applies the overrides, reads the password (password_file, else
// PasswordEnv, else OldPasswordEnv from getenv) and validates the result.
// Every problem is an error saying what to set.
func (f File) Build(o Overrides, getenv func(string) string) (ad.Config, error) {
	for _, kv := range []struct {
		to *string
		v  string
	}{
		{&f.URL, o.URL}, {&f.CAFile, o.CAFile}, {&f.BindDN, o.BindDN}, {&f.BaseDN, o.BaseDN}, {&f.PasswordFile, o.PasswordFile},
	} {
		if kv.v != "" {
			*kv.to = kv.v
		}
	}
	cfg := f.Config
	switch {
	case cfg.URL == "":
		return cfg, errors.New("no directory: the configuration's url (ldaps://dc1.example.org) is missing")
	case cfg.BindDN == "":
		return cfg, errors.New("no account to bind as: the configuration's bind_dn is missing")
	}
	pw := ""
	if f.PasswordFile != "" {
		b, err := os.ReadFile(f.PasswordFile)
		if err != nil {
			return cfg, fmt.Errorf("password_file: %w", err)
		}
		pw = strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
		if pw == "" {
			return cfg, fmt.Errorf("password_file %s is empty", f.PasswordFile)
		}
	} else if pw = getenv(PasswordEnv); pw == "" {
		pw = getenv(OldPasswordEnv)
	}
	if pw == "" {
		return cfg, fmt.Errorf("no bind password for %s: name a password_file, or set %s (a password is never written in the configuration, nor given as a flag)", cfg.BindDN, PasswordEnv)
	}
	cfg.BindPassword = connectors.Secret(pw)
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}
