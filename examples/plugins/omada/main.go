package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/examples/internal/strictyaml"
)

// configEnv names the configuration file.
const configEnv = "ORGSYNC_OMADA_CONFIG"

func main() {
	log := plugin.Logger()
	conn, err := open(os.Args[1:], os.Getenv, log)
	if err != nil {
		log.Error("the omada plugin cannot start", "error", err)
		os.Exit(1)
	}
	plugin.Serve(conn)
}

// open reads the configuration getenv names and opens the connector,
// whose log lines go to log.
func open(args []string, getenv func(string) string, log *slog.Logger) (*omada.Connector, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("the omada plugin takes no arguments: set %s", configEnv)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, err
	}
	cfg.Logger, cfg.Getenv = log, getenv
	return omada.Open(cfg)
}

// loadConfig reads the configuration file strictly, resolves its
// relative file names against its folder, and refuses secrets written in
// it.
func loadConfig(getenv func(string) string) (omada.Config, error) {
	var cfg omada.Config
	path := getenv(configEnv)
	if path == "" {
		return cfg, fmt.Errorf("%s is not set: it names the configuration file (YAML or JSON)", configEnv)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", configEnv, err)
	}
	if err := strictyaml.Decode(data, &cfg); err != nil {
		return omada.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	rel(&cfg.CAFile)
	if b := cfg.Basic; b != nil {
		if b.Password != "" {
			return omada.Config{}, errors.New(path + ": basic_auth.password must not be in the file: use password_file or password_env")
		}
		rel(&b.PasswordFile)
	}
	if o := cfg.OIDC; o != nil {
		if o.ClientSecret != "" {
			return omada.Config{}, errors.New(path + ": oidc.client_secret must not be in the file: use client_secret_file or client_secret_env")
		}
		rel(&o.ClientSecretFile)
	}
	return cfg, nil
}
