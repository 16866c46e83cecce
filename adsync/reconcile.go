package adsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Reconciler runs the whole job once: every person in the org model
// against every account below the base, and the chapel over leavers. It is
// the safety net under the event-driven Worker (run at start and on a
// schedule) and what an operator runs by hand (plan, review, apply).
type Reconciler struct {
	// Engine plans the accounts.
	Engine *Engine
	// Model is the org model.
	Model *orgmodel.Model
	// Applier applies the accounts' operations; Engine and Names are set
	// per run.
	Applier Applier
	// Chapel, if set, hands leavers to the chapel and brings rehires
	// back; its People should be a ChapelPeople over the same engine. Its
	// mass-action breaker weighs every disable and deletion of the run.
	Chapel *chapel.Runner
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

// RunPlan is what one run would do.
type RunPlan struct {
	// Now is the instant planned for, and Day its day in the model's zone.
	Now time.Time `json:"now"`
	// Day is the day the org model was read on.
	Day timeline.Date `json:"day"`
	// Registration is the org model's registration the plan read.
	Registration uint64 `json:"registration"`
	// Chapel is the chapel's plan (leavers, returns, deletions); nil
	// without a chapel.
	Chapel *chapel.Plan `json:"-"`
	// Accounts is the plan of the persons' accounts.
	Accounts *Plan `json:"accounts"`
	// Missing is what the plan depends on that the directory lacks (the
	// base, the chapel's OU, groups): while it is not empty, Apply
	// applies nothing.
	Missing []Missing `json:"missing,omitempty"`
}

// Fingerprint identifies what the plan does: an operator who reviewed a
// plan applies it by its fingerprint, and a run that would now do anything
// else is refused (see Reconciler.ApplyReviewed).
func (p *RunPlan) Fingerprint() string {
	h := sha256.New()
	if p.Chapel != nil {
		fmt.Fprintf(h, "chapel %s\n", p.Chapel.Fingerprint())
	}
	fmt.Fprintf(h, "accounts %s\n", p.Accounts.Fingerprint())
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// String prints the plan for people.
func (p *RunPlan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan for %s (org model registration %d), fingerprint %s\n", p.Day, p.Registration, p.Fingerprint())
	if len(p.Missing) > 0 {
		if slices.ContainsFunc(p.Missing, func(m Missing) bool { return !m.Create }) {
			fmt.Fprintf(&b, "NOT READY    the directory lacks %d thing(s) the plan depends on; apply changes nothing until they exist:\n", len(p.Missing))
		} else {
			fmt.Fprintf(&b, "TO CREATE    the directory lacks %d thing(s) the plan depends on; the configuration lets the apply create them first:\n", len(p.Missing))
		}
		for _, m := range p.Missing {
			fmt.Fprintf(&b, "missing      %s\n", m)
		}
	}
	if p.Chapel != nil {
		acts := p.Chapel.Actions()
		fmt.Fprintf(&b, "chapel: %d of %d accounts to act on\n", len(acts), p.Chapel.InScope)
		for _, it := range acts {
			line := fmt.Sprintf("%-12s %s", it.Decision.Action, it.Account.DN)
			if it.Decision.Target != "" {
				line += " → " + it.Decision.Target
			}
			fmt.Fprintf(&b, "%s  (%s)\n", redact.NationalIDs(line), redact.NationalIDs(it.Decision.Reason))
		}
		for _, w := range p.Chapel.Warnings {
			fmt.Fprintf(&b, "warning      %s\n", w)
		}
		for _, e := range p.Chapel.Errors {
			fmt.Fprintf(&b, "error        %v\n", e)
		}
		if p.Chapel.Tripped != "" {
			fmt.Fprintf(&b, "BREAKER      %s: apply needs the approval of this plan\n", p.Chapel.Tripped)
		}
	}
	fmt.Fprintf(&b, "accounts: %d operations, %d persons failed\n", len(p.Accounts.Ops), len(p.Accounts.Errors))
	b.WriteString(p.Accounts.String())
	return b.String()
}

// JSON returns the plan as JSON for review and records: its fingerprint,
// the chapel's actions, and the accounts' operations with national ids
// masked (Plan.JSON).
func (p *RunPlan) JSON() ([]byte, error) {
	type action struct {
		Action  string `json:"action"`
		Account string `json:"account"`
		DN      string `json:"dn"`
		Target  string `json:"target,omitempty"`
		Reason  string `json:"reason"`
	}
	type chapelPart struct {
		InScope  int      `json:"in_scope"`
		Tripped  string   `json:"breaker,omitempty"`
		Actions  []action `json:"actions"`
		Warnings []string `json:"warnings,omitempty"`
		Errors   []string `json:"errors,omitempty"`
	}
	accounts, err := p.Accounts.JSON()
	if err != nil {
		return nil, err
	}
	out := struct {
		Fingerprint  string          `json:"fingerprint"`
		Now          time.Time       `json:"now"`
		Day          timeline.Date   `json:"day"`
		Registration uint64          `json:"registration"`
		Missing      []Missing       `json:"missing,omitempty"`
		Chapel       *chapelPart     `json:"chapel,omitempty"`
		Accounts     json.RawMessage `json:"accounts"`
	}{Fingerprint: p.Fingerprint(), Now: p.Now, Day: p.Day, Registration: p.Registration, Missing: p.Missing, Accounts: accounts}
	if p.Chapel != nil {
		c := &chapelPart{InScope: p.Chapel.InScope, Tripped: p.Chapel.Tripped, Warnings: p.Chapel.Warnings, Actions: []action{}}
		for _, it := range p.Chapel.Actions() {
			c.Actions = append(c.Actions, action{Action: it.Decision.Action.String(), Account: it.Account.ID, DN: it.Account.DN, Target: it.Decision.Target, Reason: it.Decision.Reason})
		}
		for _, e := range p.Chapel.Errors {
			c.Errors = append(c.Errors, e.Error())
		}
		out.Chapel = c
	}
	return json.MarshalIndent(out, "", "  ")
}

// RunReport is what one run did.
type RunReport struct {
	// Plan is what was applied.
	Plan *RunPlan
	// Chapel is the chapel's report; nil without a chapel or when the
	// breaker stopped it.
	Chapel *chapel.Report
	// Accounts is the accounts' report.
	Accounts *Report
	// Created are the prerequisites the apply created first, as the
	// configuration allowed (Config.CreateMissing).
	Created []Missing
}

// Failed counts the operations that failed, of both parts.
func (r *RunReport) Failed() int {
	n := 0
	if r.Chapel != nil {
		n += r.Chapel.Failed()
	}
	if r.Accounts != nil {
		n += r.Accounts.Failed()
	}
	return n + len(r.Plan.Accounts.Errors)
}

// Errors returns what failed in the run, in order: the persons that could
// not be planned, the account operations that failed (each named by its
// kind and DN), and the chapel's actions that failed. Each error's text has
// its national ids masked, so that a host can log them as they are;
// errors.Is and errors.As see the errors underneath.
func (r *RunReport) Errors() []error {
	var out []error
	if r.Plan != nil {
		for _, e := range r.Plan.Accounts.Errors {
			out = append(out, maskedError{e})
		}
	}
	if r.Accounts != nil {
		for _, res := range r.Accounts.Results {
			if res.Err != nil {
				out = append(out, maskedError{fmt.Errorf("%s %s: %w", res.Op.Kind, res.Op.DN, res.Err)})
			}
		}
	}
	if r.Chapel != nil {
		for _, res := range r.Chapel.Results {
			if res.Err != nil {
				out = append(out, maskedError{res.Err})
			}
		}
	}
	return out
}

// maskedError is an error whose text has its national ids masked.
type maskedError struct{ err error }

func (m maskedError) Error() string { return redact.NationalIDs(m.err.Error()) }
func (m maskedError) Unwrap() error { return m.err }

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Plan plans a run at the clock's instant: the chapel over every account
// in scope, every person valid on the day, and the service accounts (with
// a ServiceMapping). All read the accounts
// with one search where the chapel's scope is below the engine's base.
func (r *Reconciler) Plan(ctx context.Context) (*RunPlan, error) {
	now := r.now()
	v := r.Model.Latest()
	g := v.Today(now)
	rp := &RunPlan{Now: now, Day: g.Day(), Registration: v.Registration().Seq}
	persons := PersonsOn(g)
	e := r.Engine
	// Without the base there is nothing to read or plan: say so first.
	if _, err := e.dir.ReadDN(ctx, e.cfg.Base, []string{"objectClass"}); connectors.KindOf(err) == connectors.NotFound {
		rp.Accounts = &Plan{}
		rp.Missing = []Missing{{What: "base OU", DN: e.cfg.Base, Needed: fmt.Sprintf("every account (%d persons to sync)", len(persons))}}
		e.cfg.markCreatable(rp.Missing)
		return rp, nil
	} else if err != nil {
		return nil, err
	}
	if r.Chapel != nil && !r.sharesRead() {
		cp, err := r.Chapel.Plan(ctx, now)
		if err != nil {
			return nil, err
		}
		rp.Chapel = cp
	}
	var read []*connectors.Entry
	p, index, err := e.planBulk(ctx, g, persons, func() ([]*connectors.Entry, error) {
		attrs := e.readAttrs()
		if r.Chapel != nil {
			attrs = append(attrs, r.Chapel.Attributes()...)
		}
		var err error
		read, err = searchAccounts(ctx, e.dir, e.cfg.Base, attrs)
		return read, err
	})
	if err != nil {
		return nil, err
	}
	services, err := e.planServices(ctx, g, index)
	if err != nil {
		return nil, err
	}
	p.Ops = append(p.Ops, services.Ops...)
	p.Errors = append(p.Errors, services.Errors...)
	rp.Accounts = p
	if r.Chapel != nil && r.sharesRead() {
		cp, err := r.Chapel.PlanEntries(ctx, now, read)
		if err != nil {
			return nil, err
		}
		rp.Chapel = cp
	}
	if rp.Missing, err = r.prerequisites(ctx, rp); err != nil {
		return nil, err
	}
	e.cfg.markCreatable(rp.Missing)
	return rp, nil
}

// sharesRead reports whether the chapel's accounts are all below the
// engine's base, so that one search reads the accounts for both.
func (r *Reconciler) sharesRead() bool {
	b := r.Engine.cfg.Base
	return connectors.IsUnderDN(r.Chapel.Base, b) && connectors.IsUnderDN(r.Chapel.Policy.ChapelOU, b)
}

// Apply carries out a plan: the accounts' part first, while the directory
// is as it was planned against, then the chapel's. The other order would
// write DNs the chapel has just moved away: a manager returning from the
// chapel is planned as the manager at their DN in the chapel, and AD
// refuses a reference to a DN that no longer exists, while it carries
// existing references along when the chapel moves the account. The links
// follow the chapel's moves, so the next plan sees the accounts where
// they are. A chapel plan that trips the breaker is applied only with
// approval equal to its fingerprint; without it, the accounts' part is
// still applied (it neither disables nor deletes) and the error is
// chapel.ErrBreaker. A returning account's attributes are corrected on the
// next run. A plan whose prerequisites do not hold (RunPlan.Missing) is
// not applied at all: a *PrerequisiteError lists them, unless the
// configuration lets the apply create every one (Config.CreateMissing).
// Then they are created first, and the report says so (Created); a plan
// made without its base has no accounts to apply, so the run ends there,
// and the next plan (Reconcile's at once) plans them.
func (r *Reconciler) Apply(ctx context.Context, rp *RunPlan, approval string) (*RunReport, error) {
	rep := &RunReport{Plan: rp}
	if len(rp.Missing) > 0 {
		base, err := r.createMissing(ctx, rp.Missing)
		if err != nil {
			return nil, err
		}
		rep.Created = rp.Missing
		if base {
			rep.Accounts = &Report{}
			return rep, nil
		}
	}
	a := r.Applier
	a.Engine = r.Engine
	a.Names = GraphNames{Graph: r.Model.AsOf(rp.Registration).At(rp.Day)}
	ar, err := a.Apply(ctx, rp.Accounts)
	rep.Accounts = ar
	errs := []error{err}
	if rp.Chapel != nil && ctx.Err() == nil {
		// A returning account goes to the OU the OU rule gives it, which
		// may not exist (a mirrored unit no one worked in yet): the chapel
		// moves accounts but makes no OUs, so they are made here. If one
		// cannot be made, that account's reactivation fails and says so.
		for _, it := range rp.Chapel.Actions() {
			if it.Decision.Action == chapel.Reactivate && it.Decision.Target != "" {
				_ = a.ensureOU(ctx, it.Decision.Target)
			}
		}
		cr, err := r.Chapel.Apply(ctx, rp.Chapel, approval)
		if err != nil && !errors.Is(err, chapel.ErrBreaker) {
			return rep, errors.Join(append(errs, err)...)
		}
		rep.Chapel = cr
		errs = append(errs, err)
		if cr != nil {
			r.followChapel(ctx, cr)
		}
	}
	return rep, errors.Join(errs...)
}

// followChapel points the links of the accounts the chapel moved at their
// new DNs. An account that cannot be read now keeps its old DN until the
// read-back sees it.
func (r *Reconciler) followChapel(ctx context.Context, cr *chapel.Report) {
	e := r.Engine
	for _, res := range cr.Results {
		if res.Err != nil || res.Item.Decision.Target == "" || res.Item.Decision.Action == chapel.Delete {
			continue
		}
		id := connectors.ID(res.Item.Account.ID)
		person, ok := e.links.Owner(id)
		if !ok {
			continue
		}
		if en, err := e.dir.Read(ctx, id, []string{"cn"}); err == nil {
			e.links.Set(person, id, en.DN)
		}
	}
}

// Reconcile plans and applies a run. A run whose chapel part trips the
// breaker applies the accounts' part and returns chapel.ErrBreaker.
//
// A run that creates a manager's account also fills it in as the manager
// of the persons below, which its plan could not (the account did not
// exist yet), so that the next run has nothing to do.
func (r *Reconciler) Reconcile(ctx context.Context) (*RunReport, error) {
	rp, err := r.Plan(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := r.Apply(ctx, rp, "")
	if err == nil && rep != nil && slices.ContainsFunc(rep.Created, func(m Missing) bool { return m.What == "base OU" }) {
		// The base was made: plan what goes in it, now it can be read.
		created := rep.Created
		if rp, err = r.Plan(ctx); err != nil {
			return rep, err
		}
		rep, err = r.Apply(ctx, rp, "")
		if rep != nil {
			rep.Created = append(created, rep.Created...)
		}
	}
	if rep != nil && rep.Accounts != nil && len(rep.Accounts.Created) > 0 && ctx.Err() == nil {
		err = errors.Join(err, r.fillManagers(ctx, rp, rep))
	}
	return rep, err
}

// fillManagers plans again the persons one of whose managers got an
// account in the run, and applies that, adding the results to the run's.
func (r *Reconciler) fillManagers(ctx context.Context, rp *RunPlan, rep *RunReport) error {
	g := r.Model.AsOf(rp.Registration).At(rp.Day)
	var persons []uuid.UUID
	for _, p := range PersonsOn(g) {
		eg, _, ok := engagedOn(g, p, r.Engine.cfg.Mapping.EnableDaysBefore)
		if !ok {
			continue
		}
		for _, m := range eg.PersonManagers(p) {
			if _, ok := rep.Accounts.Created[m.Person]; ok {
				persons = append(persons, p)
				break
			}
		}
	}
	if len(persons) == 0 {
		return nil
	}
	plan, err := r.Engine.Plan(ctx, g, persons)
	if err != nil {
		return err
	}
	a := r.Applier
	a.Engine = r.Engine
	a.Names = GraphNames{Graph: g}
	more, err := a.Apply(ctx, plan)
	if more != nil {
		rep.Accounts.Results = append(rep.Accounts.Results, more.Results...)
	}
	return err
}

// ErrPlanChanged is returned by ApplyReviewed when the run would now do
// something other than the plan the operator reviewed.
var ErrPlanChanged = errors.New("adsync: the directory or the org model changed since the plan was made; plan again and review")

// ApplyReviewed plans again and applies only if the new plan is the one
// reviewed (same fingerprint): a saved plan is applied exactly, with the
// values it was made with, even those masked in its printout. An approval
// of a tripped breaker is the same fingerprint.
func (r *Reconciler) ApplyReviewed(ctx context.Context, fingerprint string) (*RunReport, error) {
	rp, err := r.Plan(ctx)
	if err != nil {
		return nil, err
	}
	if got := rp.Fingerprint(); got != fingerprint {
		return nil, fmt.Errorf("%w (reviewed %s, now %s)", ErrPlanChanged, fingerprint, got)
	}
	approval := ""
	if rp.Chapel != nil {
		approval = rp.Chapel.Fingerprint()
	}
	return r.Apply(ctx, rp, approval)
}

// PersonsOn returns the persons valid on the graph's day, in a stable
// order: those a full run plans (persons without an engagement are
// skipped by the plan; their accounts are the chapel's).
func PersonsOn(g orgmodel.Graph) []uuid.UUID {
	var out []uuid.UUID
	for o := range g.View().All(orgmodel.KindPerson) {
		if _, ok := o.Timeline.At(g.Day()); ok {
			out = append(out, o.ID)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return out
}
