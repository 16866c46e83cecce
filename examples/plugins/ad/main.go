package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/plugin"
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
	if err := decode(data, &cfg); err != nil {
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

// decode reads one YAML document (JSON is YAML too) into v; a key v does
// not know is an error, as is a second document.
func decode(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the file is empty")
		}
		return err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	return nil
}
