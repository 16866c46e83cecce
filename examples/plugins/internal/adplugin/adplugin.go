package adplugin

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/examples/internal/adconfig"
)

// The environment the plugins read.
const (
	// ConfigEnv names the configuration file (adconfig's format, the
	// same as every command's).
	ConfigEnv = adconfig.FileEnv
	// PasswordEnv holds the bind account's password, where the file names
	// no password_file (adconfig.OldPasswordEnv is read too).
	PasswordEnv = adconfig.PasswordEnv
)

// openTimeout bounds connecting and binding before the handshake; the
// host waits 30 seconds for the handshake by default.
const openTimeout = 25 * time.Second

// Open reads the configuration from getenv, and connects and binds to AD
// with it, logging through log, before the plugin's handshake: a wrong
// URL, certificate or password is reported when the host starts the
// plugin. args are the plugin's command-line arguments, of which there
// must be none; name is the plugin's, for the errors.
func Open(name string, args []string, getenv func(string) string, log *slog.Logger) (*ad.Directory, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("the %s takes no arguments: set %s and %s", name, ConfigEnv, PasswordEnv)
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return nil, fmt.Errorf("the %s's configuration: %w", name, err)
	}
	cfg.Logger = log
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	d, err := ad.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("the %s cannot connect: %w", name, err)
	}
	return d, nil
}

// LoadConfig reads the configuration file getenv names (strictly, as
// adconfig.Read does) and the password (its password_file, or from
// getenv), and validates the result.
func LoadConfig(getenv func(string) string) (ad.Config, error) {
	path := getenv(ConfigEnv)
	if path == "" {
		return ad.Config{}, fmt.Errorf("%s is not set: it names the configuration file (YAML or JSON)", ConfigEnv)
	}
	f, err := adconfig.Read(path)
	if err != nil {
		return ad.Config{}, fmt.Errorf("%s: %w", ConfigEnv, err)
	}
	cfg, err := f.Build(adconfig.Overrides{}, getenv)
	if err != nil {
		return ad.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
