package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/examples/internal/strictyaml"
)

// The environment the plugin reads.
const (
	configEnv   = "ORGSYNC_AD_CONFIG"
	passwordEnv = "ORGSYNC_AD_BIND_PASSWORD"
)

// openTimeout bounds connecting and binding before the handshake; the
// host waits 30 seconds for the handshake by default.
const openTimeout = 25 * time.Second

func main() {
	log := plugin.Logger()
	if len(os.Args) > 1 {
		log.Error("the AD plugin takes no arguments: set " + configEnv + " and " + passwordEnv)
		os.Exit(1)
	}
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		log.Error("the AD plugin's configuration", "error", err)
		os.Exit(1)
	}
	cfg.Logger = log
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	d, err := ad.Open(ctx, cfg)
	cancel()
	if err != nil {
		log.Error("the AD plugin cannot connect", "error", err)
		os.Exit(1)
	}
	plugin.Serve(d)
}

// loadConfig reads the configuration file getenv names, strictly, and the
// password from getenv, and validates the result.
func loadConfig(getenv func(string) string) (ad.Config, error) {
	var cfg ad.Config
	path := getenv(configEnv)
	if path == "" {
		return cfg, fmt.Errorf("%s is not set: it names the configuration file (YAML or JSON)", configEnv)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", configEnv, err)
	}
	if err := strictyaml.Decode(data, &cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.BindPassword != "" {
		return ad.Config{}, fmt.Errorf("%s: bind_password must not be in the file: the password comes from %s only", path, passwordEnv)
	}
	if cfg.CAFile != "" && !filepath.IsAbs(cfg.CAFile) {
		cfg.CAFile = filepath.Join(filepath.Dir(path), cfg.CAFile)
	}
	cfg.BindPassword = connectors.Secret(getenv(passwordEnv))
	if cfg.BindPassword == "" {
		return cfg, fmt.Errorf("%s is not set: the plugin binds with the password in it", passwordEnv)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
