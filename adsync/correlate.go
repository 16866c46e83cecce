package adsync

import (
	"context"
	"errors"
	"fmt"
	"text/template"

	"github.com/orgsync/orgsync/connectors"
)

// Outcome is what correlation found for a person.
type Outcome uint8

// The outcomes.
const (
	// Linked: the stored link names an account that exists.
	Linked Outcome = iota + 1
	// Unlinked: exactly one account matches (by the anchor or a rule);
	// the engine links it.
	Unlinked
	// Unmatched: no account matches; the engine creates one.
	Unmatched
	// Disputed: several accounts match; reported, never acted on.
	Disputed
)

var outcomeNames = [...]string{Linked: "linked", Unlinked: "unlinked", Unmatched: "unmatched", Disputed: "disputed"}

// String names the outcome.
func (o Outcome) String() string {
	if o >= Linked && o <= Disputed {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Correlation says how accounts are found for persons.
type Correlation struct {
	// Anchor is the attribute that holds the person's id, written in the
	// same Add that creates the account, so that creation and linking are
	// one step: an account created just before a crash is found by it on
	// the next run. Default "adminDisplayName" (base schema, single-valued,
	// rarely used by administrators).
	Anchor string `json:"anchor" yaml:"anchor"`
	// Rules find accounts made before orgsync: each is an attribute and a
	// template for the value it must hold, tried in order until one
	// matches something.
	Rules []Rule `json:"rules" yaml:"rules"`

	compiled []*template.Template
}

// Rule is one correlation rule.
type Rule struct {
	// Attribute is the AD attribute compared.
	Attribute string `json:"attribute" yaml:"attribute"`
	// Value is a template over Data for the value it must equal.
	Value string `json:"value" yaml:"value"`
}

// Compile checks the rules, as Mapping.Compile does templates.
func (c *Correlation) Compile() error {
	if c.Anchor == "" {
		c.Anchor = "adminDisplayName"
	}
	var errs []error
	if err := connectors.CheckAttributeNames("correlation anchor", []string{c.Anchor}); err != nil {
		errs = append(errs, configErr("correlation.anchor", err))
	}
	c.compiled = c.compiled[:0]
	for i, r := range c.Rules {
		if err := connectors.CheckAttributeNames("correlation rule", []string{r.Attribute}); err != nil {
			errs = append(errs, configErr(fmt.Sprintf("correlation.rules.%d", i), fmt.Errorf("correlation rule %d: %w", i+1, err)))
			continue
		}
		t, err := template.New(r.Attribute).Funcs(Funcs).Option("missingkey=error").Parse(r.Value)
		if err == nil {
			_, err = render(t, sampleData())
		}
		if err != nil {
			errs = append(errs, configErr(fmt.Sprintf("correlation.rules.%d", i), fmt.Errorf("correlation rule %d (%s): %w", i+1, r.Attribute, err)))
			continue
		}
		c.compiled = append(c.compiled, t)
	}
	return errors.Join(errs...)
}

// Match is the result of correlating one person.
type Match struct {
	// Outcome is what was found.
	Outcome Outcome
	// Entry is the account, for Linked and Unlinked.
	Entry *connectors.Entry
	// By says how it was found: "link", "anchor", or the rule's attribute.
	By string
	// Candidates are the accounts' ids, for Disputed.
	Candidates []connectors.ID
}

// finder is where correlation looks accounts up: the directory itself
// (one search per question, for the worker's few persons) or an index of
// every account loaded with one search (for a run over everyone).
type finder interface {
	read(ctx context.Context, id connectors.ID) (*connectors.Entry, error)
	find(ctx context.Context, attr, value string) ([]*connectors.Entry, error)
}

// Correlate finds the account of the person d describes: by the stored
// link (an objectGUID, "" if none), then by the anchor, then by the rules,
// searching below base and reading attrs of what it finds. A stale link
// (the account is gone) falls through to the anchor and the rules.
func (c *Correlation) Correlate(ctx context.Context, dir connectors.Directory, base string, link connectors.ID, d *Data, attrs []string) (Match, error) {
	return c.correlate(ctx, dirFinder{dir: dir, base: base, attrs: attrs}, link, d)
}

func (c *Correlation) correlate(ctx context.Context, f finder, link connectors.ID, d *Data) (Match, error) {
	if link != "" {
		e, err := f.read(ctx, link)
		switch {
		case err == nil:
			return Match{Outcome: Linked, Entry: e, By: "link"}, nil
		case !errors.Is(err, connectors.NotFound):
			return Match{}, err
		}
	}
	m, err := match(ctx, f, c.Anchor, d.Person.ID, "anchor")
	if err != nil || m.Outcome != Unmatched {
		return m, err
	}
	for i, t := range c.compiled {
		v, err := render(t, d)
		if err != nil {
			return Match{}, fmt.Errorf("adsync: correlation rule %d: %w", i+1, err)
		}
		if v == "" {
			continue // nothing to compare: the rule does not apply
		}
		m, err := match(ctx, f, c.Rules[i].Attribute, v, c.Rules[i].Attribute)
		if err != nil || m.Outcome != Unmatched {
			return m, err
		}
	}
	return Match{Outcome: Unmatched}, nil
}

// match turns what a finder found into an outcome.
func match(ctx context.Context, f finder, attr, value, by string) (Match, error) {
	found, err := f.find(ctx, attr, value)
	if err != nil {
		return Match{}, err
	}
	switch len(found) {
	case 0:
		return Match{Outcome: Unmatched}, nil
	case 1:
		return Match{Outcome: Unlinked, Entry: found[0], By: by}, nil
	}
	m := Match{Outcome: Disputed, By: by}
	for _, e := range found {
		m.Candidates = append(m.Candidates, e.ID)
	}
	return m, nil
}

// dirFinder asks the directory.
type dirFinder struct {
	dir   connectors.Directory
	base  string
	attrs []string
}

func (f dirFinder) read(ctx context.Context, id connectors.ID) (*connectors.Entry, error) {
	return f.dir.Read(ctx, id, f.attrs)
}

func (f dirFinder) find(ctx context.Context, attr, value string) ([]*connectors.Entry, error) {
	var found []*connectors.Entry
	req := connectors.SearchRequest{BaseDN: f.base, Filter: connectors.And(connectors.Eq("objectClass", "user"), connectors.Eq(attr, value)), Attributes: f.attrs}
	err := f.dir.Search(ctx, req, func(e *connectors.Entry) error {
		found = append(found, e)
		if len(found) > 10 {
			return connectors.ErrStop // enough to call it disputed
		}
		return nil
	})
	return found, err
}

// accountIndex is every account below the base, read with one search and
// indexed by id and by the values of the attributes correlation compares
// (case-folded, as AD's equality matching is for these).
type accountIndex struct {
	byID   map[connectors.ID]*connectors.Entry
	byAttr map[string]map[string][]*connectors.Entry
}

// searchAccounts reads every user account below base.
func searchAccounts(ctx context.Context, dir connectors.Directory, base string, attrs []string) ([]*connectors.Entry, error) {
	var out []*connectors.Entry
	req := connectors.SearchRequest{BaseDN: base, Filter: connectors.Eq("objectClass", "user"), Attributes: attrs}
	err := dir.Search(ctx, req, func(e *connectors.Entry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// indexAccounts indexes accounts by id and by the values of keys.
func indexAccounts(entries []*connectors.Entry, keys []string) *accountIndex {
	x := &accountIndex{byID: make(map[connectors.ID]*connectors.Entry, len(entries)), byAttr: map[string]map[string][]*connectors.Entry{}}
	for _, k := range keys {
		x.byAttr[connectors.FoldCase(k)] = map[string][]*connectors.Entry{}
	}
	for _, e := range entries {
		x.byID[e.ID] = e
		for k, idx := range x.byAttr {
			for _, v := range e.Get(k) {
				idx[connectors.FoldCase(v)] = append(idx[connectors.FoldCase(v)], e)
			}
		}
	}
	return x
}

func (x *accountIndex) read(_ context.Context, id connectors.ID) (*connectors.Entry, error) {
	if e, ok := x.byID[id]; ok {
		return e, nil
	}
	return nil, connectors.Errorf(connectors.NotFound, "read", "no account %s below the base", id)
}

func (x *accountIndex) find(_ context.Context, attr, value string) ([]*connectors.Entry, error) {
	return x.byAttr[connectors.FoldCase(attr)][connectors.FoldCase(value)], nil
}
