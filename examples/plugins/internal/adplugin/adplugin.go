package adplugin

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/examples/internal/strictyaml"
)

// The environment the plugins read.
const (
	// ConfigEnv names the configuration file.
	ConfigEnv = "ORGSYNC_AD_CONFIG"
	// PasswordEnv holds the bind account's password.
	PasswordEnv = "ORGSYNC_AD_BIND_PASSWORD"
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

// LoadConfig reads the configuration file getenv names, strictly, and the
// password from getenv, and validates the result.
func LoadConfig(getenv func(string) string) (ad.Config, error) {
	var cfg ad.Config
	path := getenv(ConfigEnv)
	if path == "" {
		return cfg, fmt.Errorf("%s is not set: it names the configuration file (YAML or JSON)", ConfigEnv)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", ConfigEnv, err)
	}
	if err := strictyaml.Decode(data, &cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.BindPassword != "" {
		return ad.Config{}, fmt.Errorf("%s: bind_password must not be in the file: the password comes from %s only", path, PasswordEnv)
	}
	if cfg.CAFile != "" && !filepath.IsAbs(cfg.CAFile) {
		cfg.CAFile = filepath.Join(filepath.Dir(path), cfg.CAFile)
	}
	cfg.BindPassword = connectors.Secret(getenv(PasswordEnv))
	if cfg.BindPassword == "" {
		return cfg, fmt.Errorf("%s is not set: the plugin binds with the password in it", PasswordEnv)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
