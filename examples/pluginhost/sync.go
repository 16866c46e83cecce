package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/examples/internal/strictyaml"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/service"
	"github.com/orgsync/orgsync/username"
	"go.yaml.in/yaml/v3"
)

// enableDaysBefore is how many days before their first day a new
// employee's account is made, in the built-in configuration.
const enableDaysBefore = 14

// builtinSync is the configuration without --sync-config: every account
// in the base OU itself, the chapel below it, these attributes.
func builtinSync(base, upnDomain string) (adsync.Config, username.Config) {
	return adsync.Config{
			Base:     base,
			ChapelOU: "OU=Kapellet," + base,
			Mapping: adsync.Mapping{EnableDaysBefore: enableDaysBefore, Attributes: map[string]string{
				"givenName":      "{{.Person.GivenNames}}",
				"sn":             "{{.Person.Surname}}",
				"displayName":    "{{.Person.GivenNames}} {{.Person.Surname}}",
				"title":          "{{.Primary.JobFunction}}",
				"department":     "{{.Unit.Name}}",
				"employeeNumber": "{{.Primary.EmploymentNumber}}",
			}},
			OU: adsync.OURule{Mode: "single", Single: base},
		}, username.Config{
			Patterns:   []string{"FFLL", "FFFL", "FLLL", "FFLLX"},
			SuffixBase: "FFLL", SuffixMax: 999,
			Fallback:  "medarb",
			Forbidden: []string{"admin", "root", "test", "guest"},
			UPNDomain: upnDomain,
		}
}

// readSyncConfig reads the sync: and username: sections of a sync
// configuration (orgsync plan's --config), each strictly; the file's
// other sections are the CLI's and left alone.
func readSyncConfig(path string) (adsync.Config, username.Config, error) {
	var sc adsync.Config
	var uc username.Config
	data, err := os.ReadFile(path)
	if err != nil {
		return sc, uc, err
	}
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return sc, uc, fmt.Errorf("%s: %w", path, err)
	}
	for key, v := range map[string]any{"sync": &sc, "username": &uc} {
		n, ok := top[key]
		if !ok {
			return sc, uc, fmt.Errorf("%s: no %s section", path, key)
		}
		b, err := yaml.Marshal(&n)
		if err == nil {
			err = strictyaml.Decode(b, v)
		}
		if err != nil {
			return sc, uc, fmt.Errorf("%s: %s: %w", path, key, err)
		}
	}
	if err := sc.Validate(); err != nil {
		return sc, uc, fmt.Errorf("%s: sync: %w", path, err)
	}
	if err := uc.Validate(); err != nil {
		return sc, uc, fmt.Errorf("%s: username: %w", path, err)
	}
	return sc, uc, nil
}

// openDirectory starts the AD plugin with its configuration file and the
// password in its environment, and checks that the base OU exists.
func openDirectory(ctx context.Context, cfg config) (connectors.Directory, error) {
	dir, err := plugin.OpenDirectory(ctx, cfg.adPlugin, plugin.Options{
		Env:      []string{adConfigEnv + "=" + cfg.adConfig, passwordEnv + "=" + string(cfg.bindPassword)},
		Checksum: cfg.adSum,
		Logger:   cfg.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the AD plugin: %w", err)
	}
	if _, err := dir.ReadDN(ctx, cfg.base, []string{"ou"}); err != nil {
		dir.Close()
		if errors.Is(err, connectors.NotFound) {
			return nil, fmt.Errorf("--base %s does not exist: create the OU first", cfg.base)
		}
		return nil, fmt.Errorf("--base %s: %w", cfg.base, err)
	}
	return dir, nil
}

// wire makes the engine, loads the links, loads the username index from
// the directory, makes the chapel OU if it is missing, and returns the
// reconciler over them all (the service's wiring, service.WireSync) with
// the number of accounts already linked.
func wire(ctx context.Context, cfg config, model *orgmodel.Model, dir connectors.Directory, now func() time.Time) (*adsync.Reconciler, int, error) {
	chapelOU := cfg.sync.ChapelOU
	if chapelOU != "" {
		if err := ensureOU(ctx, dir, chapelOU); err != nil {
			return nil, 0, fmt.Errorf("the chapel OU: %w", err)
		}
	}
	// The names taken anywhere below the connector's base (the domain,
	// unless the AD configuration names a base_dn). A long-running host
	// would keep the index current with follow.Sync or follow.Run.
	idx := username.NewIndex()
	follow, err := username.NewFollower(dir, "", idx)
	if err != nil {
		return nil, 0, err
	}
	if err := follow.Load(ctx); err != nil {
		return nil, 0, err
	}
	links := adsync.NewMapLinks()
	p := service.SyncParts{Model: model, Directory: dir, Links: links, Sync: cfg.sync, Username: cfg.names, Names: idx, Now: now}
	if chapelOU != "" {
		p.Chapel = &chapel.Policy{ChapelOU: chapelOU, Retention: chapel.Retention{Months: 3}, Quarantine: chapel.Retention{Months: 12}}
		p.Breaker = chapel.Breaker{MaxActions: 50, MaxShare: 0.1}
	}
	// Accounts of earlier runs are found by their anchors: the persons'
	// ids derive from the payroll's keys, the same on every run.
	w, err := service.WireSync(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	return w.Reconciler, links.Len(), nil
}

// ensureOU creates an OU if it is not there.
func ensureOU(ctx context.Context, dir connectors.Directory, dn string) error {
	if _, err := dir.ReadDN(ctx, dn, []string{"ou"}); err == nil || !errors.Is(err, connectors.NotFound) {
		return err
	}
	c, ok := dir.(connectors.Creator)
	if !ok {
		return errors.New("the directory plugin cannot create objects")
	}
	_, err := c.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	return err
}
