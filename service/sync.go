package service

import (
	"context"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/username"
)

// SyncParts are what the sync into AD is wired from: the service's own
// wiring, the operator CLI's and the quickstart's are this one.
type SyncParts struct {
	// Model is the org model.
	Model *orgmodel.Model
	// Directory is AD (or its twin).
	Directory connectors.Directory
	// Links are the account links (statedb's, or adsync.NewMapLinks()).
	Links adsync.Links
	// Tokens keep the read-back's place in AD's change feed; nil: no
	// read-back.
	Tokens adsync.TokenStore
	// Sync is the engine's configuration.
	Sync adsync.Config
	// Username is the username rules.
	Username username.Config
	// Names holds the names taken, filled by the caller from the
	// directory (username.LoadDirectory, or a Follower that keeps it
	// current); nil for an empty one. Every name the model's accounts have
	// had is added to it, so that a deleted account's name stays in
	// quarantine as the rules say.
	Names *username.Index
	// Taken are further places names are taken (a live look-up in the
	// directory: username.NewDirectoryTaken).
	Taken []username.Taken
	// Chapel, if set, is the chapel's policy, under Breaker.
	Chapel *chapel.Policy
	// Breaker is the chapel's mass-action breaker.
	Breaker chapel.Breaker
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Actor names the read-back in the model's registrations.
	Actor string
}

// Sync is the sync into AD, wired.
type Sync struct {
	// Engine plans.
	Engine *adsync.Engine
	// Reconciler plans and applies the whole directory, with the chapel.
	Reconciler *adsync.Reconciler
	// ReadBack follows AD's change feed (nil without Tokens).
	ReadBack *adsync.ReadBack
	// Usernames makes the new accounts' names.
	Usernames *username.Generator
	// Names is the index of names taken.
	Names *username.Index
}

// WireSync makes the engine over the directory and links, loads the links
// from the model's accounts and the anchors in the directory, and makes
// the username generator, the chapel, the reconciler and the read-back.
// A bad configuration is a *ConfigError naming its section.
func WireSync(ctx context.Context, p SyncParts) (*Sync, error) {
	if p.Now == nil {
		p.Now = time.Now
	}
	eng, err := adsync.NewEngine(p.Sync, p.Directory, p.Links)
	if err != nil {
		return nil, &ConfigError{Key: "sync", Err: err}
	}
	if _, err := adsync.LoadLinks(ctx, eng, p.Model.Latest(), p.Links); err != nil {
		return nil, fmt.Errorf("reading the accounts: %w", err)
	}
	idx := p.Names
	if idx == nil {
		idx = username.NewIndex()
	}
	zone := p.Model.Zone()
	username.LoadHistory(p.Model.Latest(), adsync.System, zone, zone.Date(p.Now()), idx)
	gen, err := username.New(p.Username, append([]username.Taken{idx}, p.Taken...))
	if err != nil {
		return nil, &ConfigError{Key: "username", Err: err}
	}
	applier := adsync.Applier{Usernames: gen}
	out := &Sync{Engine: eng, Usernames: gen, Names: idx,
		Reconciler: &adsync.Reconciler{Engine: eng, Model: p.Model, Applier: applier, Now: p.Now}}
	if p.Chapel != nil {
		policy := *p.Chapel
		if out.Reconciler.Chapel, err = chapel.NewRunner(chapel.Runner{Dir: p.Directory, Base: p.Sync.Base, Policy: &policy,
			People: &adsync.ChapelPeople{Engine: eng, Model: p.Model}, Breaker: p.Breaker}); err != nil {
			return nil, &ConfigError{Key: "chapel", Err: err}
		}
	}
	if p.Tokens != nil {
		out.ReadBack = &adsync.ReadBack{Engine: eng, Model: p.Model, Tokens: p.Tokens, Applier: applier, Now: p.Now, Actor: p.Actor}
	}
	return out, nil
}
