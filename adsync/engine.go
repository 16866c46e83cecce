package adsync

import (
	"context"
	"errors"
	"maps"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// Config is the engine's configuration.
type Config struct {
	// Base is the OU the engine manages: it touches accounts below it
	// only.
	Base string `json:"base" yaml:"base"`
	// ChapelOU is the chapel's OU; accounts there are the chapel's.
	ChapelOU string `json:"chapel_ou" yaml:"chapel_ou"`
	// Mapping is how attributes are made.
	Mapping Mapping `json:"mapping" yaml:"mapping"`
	// Correlation is how accounts are found.
	Correlation Correlation `json:"correlation" yaml:"correlation"`
	// OU is where accounts live.
	OU OURule `json:"ou" yaml:"ou"`
	// Groups are the group rules.
	Groups []GroupRule `json:"groups" yaml:"groups"`
	// ServiceMapping, if set, is the mapping of service accounts (the org
	// model's AD accounts bound to a unit): their mapped attributes and OU
	// follow their unit. Unset: service accounts are not touched.
	ServiceMapping *Mapping `json:"service_mapping" yaml:"service_mapping"`
	// Drift is what the read-back does when someone edits a mapped
	// attribute, or moves a managed account, by hand in AD: DriftCorrect
	// (the default: the org model is the truth for what is mapped) puts
	// it right at once; DriftReport reports it and leaves it until the
	// next reconciliation, which writes the model's values as it does
	// after any change (it cannot tell an edit by hand from a change in
	// the model). A value that AD should own is left out of the mapping.
	Drift string `json:"drift" yaml:"drift"`
	// CreateMissing names the prerequisites the apply may create when a
	// plan finds them missing: "base" (the base OU and any OUs above it
	// below the domain), "chapel" (the chapel's OU) and "groups" (the
	// groups the group rules name, and their OUs). Left out, a missing
	// prerequisite stops the apply, which changes nothing until it is
	// made in AD: the safe default where AD's structure is the
	// municipality's own.
	CreateMissing []string `json:"create_missing" yaml:"create_missing"`
}

// The drift policies.
const (
	DriftCorrect = "correct"
	DriftReport  = "report"
)

// Engine plans (and, in time, applies) the org model into a directory.
type Engine struct {
	cfg           Config
	dir           connectors.Directory
	links         Links
	managedGroups map[string]string
	chapelKey     string
}

// NewEngine checks the configuration (Config.Validate) and returns an
// engine.
func NewEngine(cfg Config, dir connectors.Directory, links Links) (*Engine, error) {
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.Drift == "" {
		cfg.Drift = DriftCorrect
	}
	e := &Engine{cfg: cfg, dir: dir, links: links, managedGroups: map[string]string{}}
	for _, r := range cfg.Groups {
		if n, err := connectors.NormalizeDN(r.Group); err == nil {
			e.managedGroups[n] = r.Group
		}
	}
	if n, err := connectors.NormalizeDN(cfg.ChapelOU); err == nil && cfg.ChapelOU != "" {
		e.chapelKey = n
	}
	if dir == nil || links == nil {
		errs = append(errs, errors.New("adsync: an engine needs a directory and links"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return e, nil
}

// readAttrs are the attributes read of an account: the mapped ones (of
// persons and of service accounts), the anchor and the rules' attributes,
// and memberOf.
func (e *Engine) readAttrs() []string {
	out := []string{"memberOf", e.cfg.Correlation.Anchor}
	for a := range e.cfg.Mapping.Attributes {
		out = append(out, a)
	}
	for _, r := range e.cfg.Correlation.Rules {
		out = append(out, r.Attribute)
	}
	if e.cfg.ServiceMapping != nil {
		for a := range e.cfg.ServiceMapping.Attributes {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// inChapel reports whether dn is in the chapel OU.
func (e *Engine) inChapel(dn string) bool {
	if e.chapelKey == "" {
		return false
	}
	_, parent, err := connectors.SplitDN(dn)
	if err != nil {
		return false
	}
	n, err := connectors.NormalizeDN(parent)
	return err == nil && n == e.chapelKey
}

// bulk is how many persons make a run read every account at once rather
// than ask the directory person by person: below it, a few searches are
// cheaper than reading everything; above it, one paged search is.
const bulk = 50

// Plan plans every person given on the graph's day. A person that fails is
// recorded and the others are planned. For more than a few persons it
// reads every account below the base with one search and correlates in
// memory, instead of searching per person (the anchor attribute is not
// indexed in AD); that search runs while the persons' desired accounts are
// worked out from the model, and every step uses all cores.
func (e *Engine) Plan(ctx context.Context, g orgmodel.Graph, persons []uuid.UUID) (*Plan, error) {
	if len(persons) <= bulk {
		f := dirFinder{dir: e.dir, base: e.cfg.Base, attrs: e.readAttrs()}
		return e.planAll(ctx, persons, func(i int) ([]Op, error) { return e.planPerson(ctx, g, persons[i], f) })
	}
	p, _, err := e.planBulk(ctx, g, persons, func() ([]*connectors.Entry, error) {
		return searchAccounts(ctx, e.dir, e.cfg.Base, e.readAttrs())
	})
	return p, err
}

// planBulk plans the persons against the accounts read reads (at least
// readAttrs of every user account below the base), reading them while the
// persons' desired accounts are worked out.
func (e *Engine) planBulk(ctx context.Context, g orgmodel.Graph, persons []uuid.UUID, read func() ([]*connectors.Entry, error)) (*Plan, *accountIndex, error) {
	type index struct {
		x   *accountIndex
		err error
	}
	loaded := make(chan index, 1)
	go func() {
		keys := []string{e.cfg.Correlation.Anchor}
		for _, r := range e.cfg.Correlation.Rules {
			keys = append(keys, r.Attribute)
		}
		entries, err := read()
		if err != nil {
			loaded <- index{nil, err}
			return
		}
		loaded <- index{indexAccounts(entries, keys), nil}
	}()
	wants := make([]*wanted, len(persons))
	_, err := e.planAll(ctx, persons, func(i int) ([]Op, error) {
		w, err := e.want(g, persons[i])
		wants[i] = w
		return nil, err
	})
	x := <-loaded
	if err != nil {
		return nil, nil, err
	}
	if x.err != nil {
		return nil, nil, x.err
	}
	p, err := e.planAll(ctx, persons, func(i int) ([]Op, error) {
		if wants[i] == nil {
			_, err := e.want(g, persons[i]) // the person's error again
			return nil, err
		}
		return e.compare(ctx, wants[i], x.x)
	})
	return p, x.x, err
}

// planAll runs plan for every person on all cores and gathers the
// operations in the persons' order. Planning a person only reads (the
// graph, the account index, the links), so persons are independent.
func (e *Engine) planAll(ctx context.Context, persons []uuid.UUID, plan func(i int) ([]Op, error)) (*Plan, error) {
	type result struct {
		ops []Op
		err error
	}
	results := make([]result, len(persons))
	workers := min(runtime.GOMAXPROCS(0), 1+len(persons)/bulk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(persons) || ctx.Err() != nil {
					return
				}
				ops, err := plan(i)
				results[i] = result{ops, err}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := &Plan{}
	for i, r := range results {
		switch {
		case errors.Is(r.err, ErrNoEngagement):
			continue // the chapel's business
		case r.err != nil:
			p.Errors = append(p.Errors, &PersonError{Person: persons[i], Err: r.err})
			continue
		}
		p.Ops = append(p.Ops, r.ops...)
	}
	return p, nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}
