package main

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// syncDemoConfig is the sample configuration, which is also the demo's, so
// that what the README says of it and what --inmem-demo does cannot drift
// apart.
//
//go:embed testdata/sync/sync.yaml
var syncDemoConfig []byte

// syncDemoAgo is how long before the demo's now its directory was last
// synced: the plan shows what a month of the org model brings.
const syncDemoAgo = 30 * 24 * time.Hour

// syncDemoEdit is the title someone typed into one account by hand since
// the last sync, which the plan puts right.
const syncDemoEdit = "Konsulent (rettet i hånden)"

// syncDemoLeft is how many days before now the demo's leaver left.
const syncDemoLeft = 3

// newSyncDemo builds the demo directory: an in-memory twin with the OUs
// and groups the configuration names, synced with the org model as it was
// syncDemoAgo before now, and one account's title edited by hand since.
// It registers a leaver in the org model too: someone whose engagements
// ended syncDemoLeft days ago, for the chapel.
// Its ids are numbered in the order of the DNs (see stableIDs), so a plan's
// fingerprint is the same from one run to the next.
func newSyncDemo(ctx context.Context, s *syncSetup, model *orgmodel.Model, now time.Time) (*stableIDs, error) {
	cfg := s.cfg.Sync
	root, ous, err := ancestors(cfg.Base)
	if err != nil {
		return nil, err
	}
	twin, err := inmem.New(inmem.Options{BaseDN: root})
	if err != nil {
		return nil, err
	}
	ensure := func(dn, class string) error {
		if _, err := twin.ReadDN(ctx, dn, []string{"cn"}); err == nil {
			return nil
		}
		attrs := []connectors.Attribute{{Name: "objectClass", Values: []string{class}}}
		if class == "group" {
			sum := sha256.Sum256([]byte(strings.ToLower(dn)))
			attrs = append(attrs, connectors.Attribute{Name: "sAMAccountName", Values: []string{"grp-" + hex.EncodeToString(sum[:5])}})
		}
		_, err := twin.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: attrs})
		return err
	}
	if cfg.ChapelOU != "" {
		ous = append(ous, cfg.ChapelOU)
	}
	for _, r := range cfg.Groups {
		_, parent, err := connectors.SplitDN(r.Group)
		if err != nil {
			return nil, err
		}
		ous = append(ous, parent)
	}
	for _, ou := range ous {
		if err := ensure(ou, "organizationalUnit"); err != nil {
			return nil, fmt.Errorf("OU %s: %w", ou, err)
		}
	}
	for _, r := range cfg.Groups {
		if err := ensure(r.Group, "group"); err != nil {
			return nil, fmt.Errorf("group %s: %w", r.Group, err)
		}
	}

	// The last sync, until it had nothing more to do.
	then := now.Add(-syncDemoAgo)
	rec, err := wireSync(ctx, s, model, adsync.NewMapLinks(), twin, root, func() time.Time { return then })
	if err != nil {
		return nil, err
	}
	if rec.Chapel != nil {
		rec.Chapel.Breaker = chapel.Breaker{} // the past is not the demo's question
	}
	for range 4 {
		rp, err := rec.Plan(ctx)
		if err != nil {
			return nil, err
		}
		if len(rp.Accounts.Ops) == 0 && (rp.Chapel == nil || len(rp.Chapel.Actions()) == 0) {
			break
		}
		rep, err := rec.Apply(ctx, rp, "")
		if err != nil {
			return nil, err
		}
		if rep.Failed() > 0 {
			return nil, fmt.Errorf("the demo's last sync failed: %d operations", rep.Failed())
		}
	}

	// A title edited by hand: the first account in DN order.
	var first *connectors.Entry
	err = twin.Search(ctx, connectors.SearchRequest{BaseDN: cfg.Base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"title"}}, func(e *connectors.Entry) error {
		if first == nil || dnLess(e.DN, first.DN) {
			first = e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, errors.New("the demo's last sync made no accounts")
	}
	if err := twin.Modify(ctx, first.ID, []connectors.Modification{{Op: connectors.ModReplace, Name: "title", Values: []string{syncDemoEdit}}}); err != nil {
		return nil, err
	}
	if err := demoLeaver(ctx, model, s.zone.Date(now).AddDays(-syncDemoLeft)); err != nil {
		return nil, err
	}
	return newStableIDs(ctx, twin)
}

// demoLeaver ends on day the engagements of the first person (by id) who
// has one engagement then and holds no manager role.
func demoLeaver(ctx context.Context, model *orgmodel.Model, day timeline.Date) error {
	v := model.Latest()
	g := v.At(day.AddDays(-1))
	managers := map[uuid.UUID]bool{}
	for o := range v.All(orgmodel.KindManager) {
		if a, ok := o.Timeline.At(g.Day()); ok {
			managers[a.(orgmodel.ManagerAttrs).Person] = true
		}
	}
	for _, p := range adsync.PersonsOn(g) {
		if es := g.Engagements(p); len(es) == 1 && !managers[p] && es[0].Validity.To > day {
			var cs orgmodel.ChangeSet
			cs.Terminate(es[0].ID, day)
			_, err := model.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "demo", Note: "a leaver since the last sync"})
			return err
		}
	}
	return errors.New("the demo found no one to leave")
}

// ancestors splits a DN into its domain (the DC= part) and the OUs from
// the domain down to the DN.
func ancestors(dn string) (root string, ous []string, err error) {
	for d := dn; ; {
		rdn, parent, err := connectors.SplitDN(d)
		if err != nil {
			return "", nil, err
		}
		if strings.EqualFold(rdn.Type, "DC") {
			return d, ous, nil
		}
		ous = append([]string{d}, ous...)
		if parent == "" {
			return "", nil, fmt.Errorf("%s is not below a domain (DC=…)", dn)
		}
		d = parent
	}
}

func dnLess(a, b string) bool {
	na, _ := connectors.NormalizeDN(a)
	nb, _ := connectors.NormalizeDN(b)
	return na < nb
}

// Create makes an object in the demo's twin; its id is the twin's own.
func (s *stableIDs) Create(ctx context.Context, req connectors.CreateRequest) (connectors.ID, error) {
	return s.twin.Create(ctx, req)
}

// The sync commands need the demo directory to create accounts too.
var _ connectors.Creator = (*stableIDs)(nil)
