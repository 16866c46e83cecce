package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/inmem"
)

func main() {
	adConfig := flag.String("ad", "", "a JSON file with an AD connector configuration; empty uses the in-memory directory")
	base := flag.String("base", "", "with -ad: the DN of an OU to work in")
	keep := flag.Bool("keep", false, "keep what the story created")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := start(ctx, *adConfig, *base, *keep, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// start opens the directory the flags name and runs the story in it.
func start(ctx context.Context, adConfig, base string, keep bool, w io.Writer) error {
	var dir connectors.Directory
	if adConfig == "" {
		twin := inmem.MustNew(inmem.Options{BaseDN: "DC=kommune,DC=example"})
		dir, base = twin, twin.BaseDN()
		fmt.Fprintln(w, "directory: in-memory twin (connectors/inmem)")
	} else {
		if base == "" {
			return fmt.Errorf("-ad needs -base, the DN of an OU to work in")
		}
		cfg, err := readConfig(adConfig)
		if err != nil {
			return err
		}
		d, err := ad.Open(ctx, cfg)
		if err != nil {
			return err
		}
		dir = d
		fmt.Fprintf(w, "directory: Active Directory at %s\n", cfg.URL)
	}
	defer dir.Close()
	return run(ctx, dir, base, keep, w)
}

func readConfig(path string) (ad.Config, error) {
	var cfg ad.Config
	f, err := os.Open(path)
	if err != nil {
		return cfg, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
