package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/examples/internal/strictyaml"
)

// configEnv names the configuration file when -config is not given.
const configEnv = "ORGSYNC_OPUS_CONFIG"

func main() {
	log := plugin.Logger()
	conn, err := open(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		log.Error("the OPUS plugin cannot start", "error", err)
		os.Exit(1)
	}
	plugin.Serve(conn)
}

// open reads the configuration from args and getenv and opens the
// connector, whose log lines go to plugin.Logger.
func open(args []string, getenv func(string) string) (*opus.Connector, error) {
	fs := flag.NewFlagSet("opus-plugin", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are logged; nothing goes to stdout
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: opus-plugin [-config FILE]\n\nAn orgsync plugin serving the OPUS dumps of the configuration FILE (default $%s).\nA host runs it; run by hand it exits.\n", configEnv)
	}
	path := fs.String("config", "", "the configuration `file`, YAML or JSON (default $"+configEnv+")")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *path == "" {
		*path = getenv(configEnv)
	}
	if *path == "" {
		return nil, fmt.Errorf("no configuration: give -config FILE or set %s", configEnv)
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return nil, err
	}
	return opus.Open(cfg, opus.Options{Logger: plugin.Logger()})
}

// loadConfig reads a configuration file strictly (an unknown key is an
// error) and validates it; a relative dir is relative to the file.
func loadConfig(path string) (opus.Config, error) {
	var cfg opus.Config
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	if err := strictyaml.Decode(data, &cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.Dir != "" && !filepath.IsAbs(cfg.Dir) {
		cfg.Dir = filepath.Join(filepath.Dir(path), cfg.Dir)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
