package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/connectors/sdloen"
)

// configEnv names the configuration file.
const configEnv = "ORGSYNC_SDLOEN_CONFIG"

func main() {
	log := plugin.Logger()
	conn, err := open(os.Args[1:], os.Getenv)
	if err != nil {
		log.Error("the SD plugin cannot start", "error", err)
		os.Exit(1)
	}
	plugin.Serve(conn)
}

// open reads the configuration file getenv names and opens the
// connector, whose log lines go to plugin.Logger.
func open(args []string, getenv func(string) string) (*sdloen.Connector, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("the SD plugin takes no arguments: set %s", configEnv)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = plugin.Logger()
	return sdloen.Open(cfg)
}

// loadConfig reads the file strictly (an unknown field is an error): JSON
// if it ends in .json, YAML otherwise.
func loadConfig(getenv func(string) string) (sdloen.Config, error) {
	var cfg sdloen.Config
	path := getenv(configEnv)
	if path == "" {
		return cfg, fmt.Errorf("%s is not set: it names the configuration file (YAML or JSON)", configEnv)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", configEnv, err)
	}
	if strings.HasSuffix(path, ".json") {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&cfg)
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		err = dec.Decode(&cfg)
	}
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&cfg.PasswordFile, &cfg.CAFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	cfg.Getenv = getenv
	return cfg, nil
}
