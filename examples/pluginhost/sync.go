package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/username"
)

// enableDaysBefore is how many days before their first day a new
// employee's account is made.
const enableDaysBefore = 14

// mapping is what the engine writes on each account.
var mapping = map[string]string{
	"givenName":      "{{.Person.GivenNames}}",
	"sn":             "{{.Person.Surname}}",
	"displayName":    "{{.Person.GivenNames}} {{.Person.Surname}}",
	"title":          "{{.Primary.JobFunction}}",
	"department":     "{{.Unit.Name}}",
	"employeeNumber": "{{.Primary.EmploymentNumber}}",
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

// wire makes the engine (every account in the base OU itself), loads the
// links, loads the username index from the directory, makes the chapel
// OU if it is missing, and returns the reconciler over them all with the
// number of accounts already linked.
func wire(ctx context.Context, cfg config, model *orgmodel.Model, dir connectors.Directory, now func() time.Time) (*adsync.Reconciler, int, error) {
	chapelOU := "OU=Kapellet," + cfg.base
	if err := ensureOU(ctx, dir, chapelOU); err != nil {
		return nil, 0, fmt.Errorf("the chapel OU: %w", err)
	}
	links := adsync.NewMapLinks()
	eng, err := adsync.NewEngine(adsync.Config{
		Base:     cfg.base,
		ChapelOU: chapelOU,
		Mapping:  adsync.Mapping{Attributes: mapping, EnableDaysBefore: enableDaysBefore},
		OU:       adsync.OURule{Mode: "single", Single: cfg.base},
	}, dir, links)
	if err != nil {
		return nil, 0, err
	}
	// Accounts of earlier runs are found by their anchors: the persons'
	// ids derive from the payroll's keys, the same on every run.
	linked, err := adsync.LoadLinks(ctx, eng, model.Latest(), links)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the accounts: %w", err)
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
	names, err := username.New(username.Config{
		Patterns:   []string{"FFLL", "FFFL", "FLLL", "FFLLX"},
		SuffixBase: "FFLL", SuffixMax: 999,
		Fallback:  "medarb",
		Forbidden: []string{"admin", "root", "test", "guest"},
		UPNDomain: cfg.upnDomain,
	}, []username.Taken{idx})
	if err != nil {
		return nil, 0, err
	}
	runner, err := chapel.NewRunner(chapel.Runner{
		Dir: dir, Base: cfg.base,
		Policy:  &chapel.Policy{ChapelOU: chapelOU, Retention: chapel.Retention{Months: 3}, Quarantine: chapel.Retention{Months: 12}},
		People:  &adsync.ChapelPeople{Engine: eng, Model: model},
		Breaker: chapel.Breaker{MaxActions: 50, MaxShare: 0.1},
	})
	if err != nil {
		return nil, 0, err
	}
	return &adsync.Reconciler{Engine: eng, Model: model, Applier: adsync.Applier{Usernames: names}, Chapel: runner, Now: now}, linked, nil
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
