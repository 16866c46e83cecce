package adsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// Service accounts are accounts the org model records for a unit rather
// than a person (a school's shared mailbox user, a kiosk login), as an
// identity source such as Omada delivers them, with their objectGUID.
// People create them; the engine keeps the mapped attributes and the OU of
// each in line with its unit, by the ServiceMapping over the unit's Data
// (no Person, no Primary; Unit, Ancestors, the unit's manager's account
// as ManagerDN, the account's Username). It never creates, enables,
// disables or deletes one, and the chapel leaves them alone.

// serviceAccounts returns the service accounts valid on the graph's day:
// the model's AD accounts with a unit and an objectGUID.
func serviceAccounts(g orgmodel.Graph) []orgmodel.Account {
	var out []orgmodel.Account
	for o := range g.View().All(orgmodel.KindAccount) {
		attrs, ok := o.Timeline.At(g.Day())
		if !ok {
			continue
		}
		if a, ok := attrs.(orgmodel.AccountAttrs); ok && a.System == System && a.Unit != uuid.Nil && a.ExternalID != "" {
			if acc, ok := g.Account(o.ID); ok {
				out = append(out, acc)
			}
		}
	}
	slices.SortFunc(out, func(a, b orgmodel.Account) int { return strings.Compare(a.ExternalID, b.ExternalID) })
	return out
}

// serviceData is what the service mapping sees of a unit's account.
func serviceData(g orgmodel.Graph, a orgmodel.Account, dns AccountDNs) (*Data, error) {
	u, ok := g.Unit(a.Unit)
	if !ok {
		return nil, fmt.Errorf("adsync: the unit %s of service account %s is not valid on %s", a.Unit, a.ExternalID, g.Day())
	}
	d := &Data{Day: g.Day(), Unit: unitOf(u), Username: a.Username}
	for _, anc := range g.Ancestors(a.Unit) {
		d.Ancestors = append(d.Ancestors, unitOf(anc))
	}
	if dns != nil {
		for _, m := range g.Managers(a.Unit, orgmodel.ManagerQuery{Inherit: true, SkipVacant: true}) {
			if dn, ok := dns.AccountDN(m.Person); ok {
				d.ManagerDN = dn
				break
			}
		}
	}
	return d, nil
}

// planServices plans the service accounts on the graph's day against the
// accounts f finds. A service account AD does not have, or that fails to
// map, is an error of its own; the others are planned.
func (e *Engine) planServices(ctx context.Context, g orgmodel.Graph, f finder) (*Plan, error) {
	p := &Plan{}
	if e.cfg.ServiceMapping == nil {
		return p, nil
	}
	for _, a := range serviceAccounts(g) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ops, err := e.planService(ctx, g, a, f)
		if err != nil {
			p.Errors = append(p.Errors, &PersonError{Person: a.ID, Err: err})
			continue
		}
		p.Ops = append(p.Ops, ops...)
	}
	return p, nil
}

func (e *Engine) planService(ctx context.Context, g orgmodel.Graph, a orgmodel.Account, f finder) ([]Op, error) {
	d, err := serviceData(g, a, e.links)
	if err != nil {
		return nil, err
	}
	attrs, err := e.cfg.ServiceMapping.Render(d)
	if err != nil {
		return nil, fmt.Errorf("service account %s: %w", a.ExternalID, err)
	}
	target, err := e.cfg.OU.Target(d)
	if err != nil {
		return nil, err
	}
	en, err := f.read(ctx, connectors.ID(a.ExternalID))
	if errors.Is(err, connectors.NotFound) {
		return nil, fmt.Errorf("adsync: service account %s (%s) of unit %q is not in AD below the base", a.ExternalID, a.Username, d.Unit.Name)
	}
	if err != nil {
		return nil, err
	}
	if e.inChapel(en.DN) {
		return nil, nil
	}
	var ops []Op
	if ch := Diff(attrs, en); len(ch) > 0 {
		ops = append(ops, Op{Kind: OpModify, Person: a.ID, Service: true, Account: en.ID, DN: en.DN, Changes: ch, Reason: "mapped attributes of a service account differ"})
	}
	if !inOU(en.DN, target) {
		ops = append(ops, Op{Kind: OpMove, Person: a.ID, Service: true, Account: en.ID, DN: en.DN, Target: target, Reason: "the service account's unit belongs in another OU"})
	}
	return ops, nil
}
