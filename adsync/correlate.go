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
		errs = append(errs, err)
	}
	c.compiled = c.compiled[:0]
	for i, r := range c.Rules {
		if err := connectors.CheckAttributeNames("correlation rule", []string{r.Attribute}); err != nil {
			errs = append(errs, fmt.Errorf("adsync: correlation rule %d: %w", i+1, err))
			continue
		}
		t, err := template.New(r.Attribute).Funcs(Funcs).Option("missingkey=error").Parse(r.Value)
		if err == nil {
			_, err = render(t, sampleData())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("adsync: correlation rule %d (%s): %w", i+1, r.Attribute, err))
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

// Correlate finds the account of the person d describes: by the stored
// link (an objectGUID, "" if none), then by the anchor, then by the rules,
// searching below base and reading attrs of what it finds. A stale link
// (the account is gone) falls through to the anchor and the rules.
func (c *Correlation) Correlate(ctx context.Context, dir connectors.Directory, base string, link connectors.ID, d *Data, attrs []string) (Match, error) {
	if link != "" {
		e, err := dir.Read(ctx, link, attrs)
		switch {
		case err == nil:
			return Match{Outcome: Linked, Entry: e, By: "link"}, nil
		case !errors.Is(err, connectors.NotFound):
			return Match{}, err
		}
	}
	m, err := c.search(ctx, dir, base, connectors.Eq(c.Anchor, d.Person.ID), "anchor", attrs)
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
		m, err := c.search(ctx, dir, base, connectors.Eq(c.Rules[i].Attribute, v), c.Rules[i].Attribute, attrs)
		if err != nil || m.Outcome != Unmatched {
			return m, err
		}
	}
	return Match{Outcome: Unmatched}, nil
}

// search looks for user accounts matching f.
func (c *Correlation) search(ctx context.Context, dir connectors.Directory, base string, f connectors.Filter, by string, attrs []string) (Match, error) {
	var found []*connectors.Entry
	req := connectors.SearchRequest{BaseDN: base, Filter: connectors.And(connectors.Eq("objectClass", "user"), f), Attributes: attrs}
	err := dir.Search(ctx, req, func(e *connectors.Entry) error {
		found = append(found, e)
		if len(found) > 10 {
			return connectors.ErrStop // enough to call it disputed
		}
		return nil
	})
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
