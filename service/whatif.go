package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// WhatIfRequest is a proposed change to the org model: snapshots as a
// source would deliver them (a reorg's units and engagements; the
// orgmodel/modelfile format), imported into a fork of the model as of a
// day.
type WhatIfRequest struct {
	// Snapshots are the proposed sources' snapshots, imported in order.
	Snapshots []orgmodel.Snapshot
	// Day is the day the plan is made for (default today): the
	// proposal's terminations start then, and the AD plan is that day's.
	Day timeline.Date
}

// WhatIfResult is what a proposal would do, computed on a fork: nothing
// is written to the model, AD or the orders.
type WhatIfResult struct {
	// Day is the day planned for.
	Day timeline.Date `json:"day"`
	// Changes describes the proposal's changes to the model, one per
	// line (the org rules' after it included).
	Changes []string `json:"changes"`
	// Stats count the objects by what the proposal does to them.
	Stats orgmodel.ImportStats `json:"stats"`
	// Plan is what a reconciliation on that day would do in AD.
	Plan *adsync.RunPlan `json:"plan"`
	// Orders are the boarding orders the proposal would give (movers'
	// grants and revocations, birthrights, offboarding); empty without
	// boarding.
	Orders []*boarding.Order `json:"orders,omitempty"`
}

// ErrBadProposal is a what-if whose proposal cannot be imported.
var ErrBadProposal = errors.New("service: the proposal cannot be imported")

// maxWhatIfChanges bounds the change lines a result lists.
const maxWhatIfChanges = 5000

// WhatIf applies a proposal to a fork of the model (the org rules run
// after it, as after an import) and plans it: the AD operations of a
// reconciliation on the day, and the boarding orders its events would
// give. The fork is the model as the store holds it, read afresh; it and
// every order are thrown away after.
func (s *Service) WhatIf(ctx context.Context, req WhatIfRequest) (*WhatIfResult, error) {
	if len(req.Snapshots) == 0 {
		return nil, fmt.Errorf("%w: no snapshots", ErrBadProposal)
	}
	day := req.Day
	if day == 0 {
		day = s.zone.Date(s.opts.Now())
	}
	fork, err := s.fork(ctx)
	if err != nil {
		return nil, err
	}
	defer fork.Close()
	sub, err := fork.Subscribe("what-if")
	if err != nil {
		return nil, err
	}
	if _, err := sub.StartAtPresent(ctx); err != nil {
		return nil, err
	}
	res := &WhatIfResult{Day: day}
	now := s.zone.Start(day).Add(12 * time.Hour)
	reg := orgmodel.Registration{Time: s.opts.Now(), Actor: "what-if"}
	for i, snap := range req.Snapshots {
		cs, st, err := orgmodel.Import(fork.Latest(), snap, orgmodel.ImportOptions{Today: day})
		if err != nil {
			return nil, fmt.Errorf("%w: snapshot %d (%s): %v", ErrBadProposal, i+1, snap.Source, err)
		}
		res.Stats.Created += st.Created
		res.Stats.Updated += st.Updated
		res.Stats.Terminated += st.Terminated
		res.Stats.Unchanged += st.Unchanged
		res.Stats.NotOwned += st.NotOwned
		if cs.IsEmpty() {
			continue
		}
		res.addChanges(cs)
		if _, err := fork.Apply(ctx, cs, reg); err != nil {
			return nil, fmt.Errorf("%w: snapshot %d (%s): %v", ErrBadProposal, i+1, snap.Source, err)
		}
	}
	if s.rules != nil {
		rr, err := RunRules(ctx, fork, s.rules, day, "what-if: the org rules", reg.Time)
		if err != nil {
			return nil, fmt.Errorf("the org rules on the proposal: %w", err)
		}
		res.addChanges(rr.Changes)
	}
	if res.Plan, err = s.forkPlan(ctx, fork, now); err != nil {
		return nil, err
	}
	if s.boarding != nil {
		if res.Orders, err = s.forkOrders(ctx, fork, sub, now); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// addChanges lists a change set's lines, up to the bound.
func (r *WhatIfResult) addChanges(cs *orgmodel.ChangeSet) {
	if cs == nil || cs.IsEmpty() {
		return
	}
	for _, l := range strings.Split(cs.String(), "\n") {
		if l == "" {
			continue
		}
		if len(r.Changes) == maxWhatIfChanges {
			r.Changes = append(r.Changes, "… and more")
			return
		}
		r.Changes = append(r.Changes, l)
	}
}

// fork is a model of its own holding what the store holds.
func (s *Service) fork(ctx context.Context) (*orgmodel.Model, error) {
	mem := orgmodel.NewMemStore()
	if err := s.db.Model().Load(ctx, func(c orgmodel.Commit) error { return mem.Commit(ctx, c) }); err != nil {
		return nil, fmt.Errorf("reading the model for the what-if: %w", err)
	}
	return orgmodel.Open(ctx, orgmodel.Options{Zone: s.zone, Store: mem})
}

// forkPlan plans a reconciliation of the fork at now, against the real
// directory (read only) and links.
func (s *Service) forkPlan(ctx context.Context, fork *orgmodel.Model, now time.Time) (*adsync.RunPlan, error) {
	rec := &adsync.Reconciler{Engine: s.engine, Model: fork, Applier: s.rec.Applier, Now: func() time.Time { return now }}
	if s.cfg.Chapel != nil {
		policy := s.cfg.chapelPolicy()
		var err error
		rec.Chapel, err = chapel.NewRunner(chapel.Runner{Dir: s.dir, Base: s.cfg.Sync.Base, Policy: &policy,
			People: &adsync.ChapelPeople{Engine: s.engine, Model: fork}, Breaker: s.rec.Chapel.Breaker})
		if err != nil {
			return nil, err
		}
	}
	return rec.Plan(ctx)
}

// forkOrders hands the fork's events to a boarding engine over a copy of
// the orders, and returns the orders that are new.
func (s *Service) forkOrders(ctx context.Context, fork *orgmodel.Model, sub *orgmodel.Subscription, now time.Time) ([]*boarding.Order, error) {
	orders, err := s.boarding.Store.List(ctx, boarding.Query{})
	if err != nil {
		return nil, err
	}
	mem := boarding.NewMemStore()
	known := make(map[uuid.UUID]bool, len(orders))
	for i := range orders {
		known[orders[i].ID] = true
		if err := mem.Create(ctx, &orders[i], nil); err != nil {
			return nil, err
		}
	}
	e := *s.boarding
	e.Model, e.Store, e.Inventory, e.Now, e.Logger = fork, mem, nil, func() time.Time { return now }, nil
	for {
		wait, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		ev, err := sub.Next(wait)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := e.Handle(ctx, ev); err != nil {
			return nil, fmt.Errorf("boarding on the proposal: %w", err)
		}
	}
	all, err := mem.List(ctx, boarding.Query{})
	if err != nil {
		return nil, err
	}
	var out []*boarding.Order
	for i := range all {
		if !known[all[i].ID] {
			out = append(out, &all[i])
		}
	}
	return out, nil
}
