package boarding

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Engine drives orders: it places them (checking rights and the
// catalogue), keeps their prerequisites up to date from the org model
// (the person and the engagement from payroll, the AD account from the
// directory's read-back), activates them, takes the administrators'
// confirmations, and expires what waits too long. Every change is stored
// with its audit entries from the version it was read at, so two hosts,
// or an event handled twice, never change an order twice.
type Engine struct {
	// Model is the org model.
	Model *orgmodel.Model
	// Catalogue is the systems, equipment and job roles.
	Catalogue *catalogue.Catalogue
	// Rights says who may order, attest and sign off contracts.
	Rights *Rights
	// Store keeps the orders.
	Store Store
	// Now is the clock (default time.Now).
	Now func() time.Time
	// ParkFor is how long an order waits for its prerequisites before it
	// expires (default 90 days); AttestFor how long for an attest
	// (default 14 days).
	ParkFor, AttestFor time.Duration
	// Grace is how long a mover keeps their old roles' items after the
	// move (default 14 days).
	Grace time.Duration
	// Inventory, if set, is the equipment register: a delivery confirmed
	// hands out assets from it, a reclaim takes them back.
	Inventory *inventory.Inventory
	// Logger gets what the engine does; nil: none.
	Logger *slog.Logger
}

// Request is an order as its orderer places it.
type Request struct {
	// Key is the orderer's idempotency key: placing the same key twice
	// gives the one order.
	Key string
	// Person is someone in the org model already, or uuid.Nil for a
	// pending hire.
	Person uuid.UUID
	// Pending names a coming employee the org model does not know yet.
	Pending *PendingHire
	// Unit is the unit they join.
	Unit uuid.UUID
	// Roles are the job roles (catalogue ids).
	Roles []string
	// Extra are items beyond the roles'.
	Extra []catalogue.Item
	// Start is the first day.
	Start timeline.Date
	// Reason is the orderer's reason (required by some roles).
	Reason string
	// Kind is Onboard (the default) or Change: a change of job role for
	// someone the org model has, whose order grants the new roles' items
	// they do not hold and, Grace after Start, revokes the items of the
	// roles in Drop that the new roles do not have.
	Kind OrderKind
	// Drop are the job roles a change leaves.
	Drop []string
}

// RequestError is a request that cannot be an order: what is wrong, for
// the orderer to put right. Nothing was stored.
type RequestError struct {
	// Field is the request's field ("roles[1]", "reason").
	Field string
	// Problem says what is wrong.
	Problem string
}

// Error says what is wrong with the request.
func (e *RequestError) Error() string { return "boarding: order: " + e.Field + ": " + e.Problem }

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) log() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (e *Engine) today() timeline.Date { return e.Model.Zone().Date(e.now()) }

// machine is the engine's actor for what it does itself.
var machine = Actor{Name: "orgsync boarding"}

// Place places an onboarding order for by. It refuses, storing nothing,
// a request its orderer may not make (*PermissionError) or that does not
// hold together (*RequestError). A key placed before gives that order
// back. The order is parked (or awaits the manager's attest, from a
// delegate) and activates at once if its prerequisites already hold.
func (e *Engine) Place(ctx context.Context, by string, req Request) (*Order, error) {
	if req.Key != "" {
		if prev, err := e.byKey(ctx, req.Key); err != nil || prev != nil {
			return prev, err
		}
	}
	now := e.now()
	v := e.Model.Latest()
	permit, err := e.Rights.CanOrder(v, e.today(), by, req.Unit)
	if err != nil {
		return nil, err
	}
	tasks, err := e.tasks(v, req)
	if err != nil {
		return nil, err
	}
	o := &Order{
		ID: uuid.New(), Key: req.Key, Kind: Onboard, Person: req.Person, Pending: req.Pending, Unit: req.Unit,
		Roles: slices.Clone(req.Roles), Start: req.Start, Reason: req.Reason, OrderedBy: by, OnBehalfOf: permit.ActingFor,
		State: Draft, Tasks: tasks, Created: now, Updated: now, Version: 1,
		Prerequisites: []Prerequisite{{Kind: ContractSigned}, {Kind: InOrgModel}, {Kind: AccountSeen}},
	}
	var revoke *Order
	if req.Kind == Change {
		if revoke, err = e.placeChange(ctx, v, o, req); err != nil {
			return nil, err
		}
	}
	actor := Actor{Name: by, ActingFor: permit.ActingFor}
	log, err := o.Do(Submit, now, actor, req.Reason)
	if err != nil {
		return nil, err
	}
	next, wait := Park, or(e.ParkFor, 90*24*time.Hour)
	if permit.NeedsAttest {
		next, wait = AwaitAttest, or(e.AttestFor, 14*24*time.Hour)
	}
	more, err := o.Do(next, now, machine, "")
	if err != nil {
		return nil, err
	}
	log = append(log, more...)
	o.Expires = now.Add(wait)
	log = append(log, e.observe(v, o, now)...)
	err = e.Store.Create(ctx, o, log)
	var dup *DuplicateError
	if errors.As(err, &dup) { // placed meanwhile by another request with the key
		return e.Store.Get(ctx, dup.Existing)
	}
	if err != nil {
		return nil, err
	}
	if revoke != nil {
		revoke.OnBehalfOf = o.OnBehalfOf
		log, err := e.park(v, revoke, Actor{Name: by, ActingFor: permit.ActingFor}, "the job roles left: "+revoke.Reason)
		if err != nil {
			return nil, err
		}
		if _, err := e.createOnce(ctx, revoke, log); err != nil {
			return nil, err
		}
	}
	e.log().Info("boarding: order placed", "order", o.ID, "by", by, "state", o.State)
	return o, nil
}

func (e *Engine) byKey(ctx context.Context, key string) (*Order, error) {
	if len(key) > 200 {
		return nil, &RequestError{Field: "key", Problem: "an idempotency key is at most 200 bytes"}
	}
	found, err := e.Store.List(ctx, Query{Key: key})
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return &found[0], nil
}

// tasks checks the request against the catalogue and the model and
// returns the order's tasks, one per item.
func (e *Engine) tasks(v orgmodel.View, req Request) ([]Task, error) {
	bad := func(field, format string, a ...any) error {
		return &RequestError{Field: field, Problem: fmt.Sprintf(format, a...)}
	}
	switch {
	case req.Key == "":
		return nil, bad("key", "an order needs an idempotency key (the form's, or the API caller's)")
	case req.Kind != "" && req.Kind != Onboard && req.Kind != Change:
		return nil, bad("kind", "an order placed is an onboarding or a change; offboarding follows the termination")
	case req.Kind == Change && req.Person == uuid.Nil:
		return nil, bad("person", "a change is for someone the org model has")
	case req.Kind != Change && len(req.Drop) > 0:
		return nil, bad("drop", "only a change leaves job roles")
	case req.Person == uuid.Nil && req.Pending == nil:
		return nil, bad("person", "name the person, or the coming employee")
	case req.Person != uuid.Nil && req.Pending != nil:
		return nil, bad("person", "name the person or the coming employee, not both")
	case req.Start == 0:
		return nil, bad("start", "an order needs the first day")
	case len(req.Roles) == 0 && len(req.Extra) == 0:
		return nil, bad("roles", "an order needs a job role or an item")
	}
	if p := req.Pending; p != nil && (strings.TrimSpace(p.GivenNames) == "" || strings.TrimSpace(p.Surname) == "") {
		return nil, bad("pending", "a coming employee needs given names and a surname")
	}
	if req.Person != uuid.Nil {
		if o, ok := v.Object(req.Person); !ok || o.Kind != orgmodel.KindPerson {
			return nil, bad("person", "no person %s in the org model", req.Person)
		}
	}
	g := v.At(e.today())
	for i, id := range req.Roles {
		r, ok := e.Catalogue.JobRole(id)
		switch {
		case !ok:
			return nil, bad(fmt.Sprintf("roles[%d]", i), "the catalogue has no job role %q", clip(id))
		case r.Lifecycle == catalogue.Draft || r.Lifecycle == catalogue.Deprecated:
			return nil, bad(fmt.Sprintf("roles[%d]", i), "the job role %s is %s and cannot be ordered", r.Name, r.Lifecycle)
		case r.RequiresReason && strings.TrimSpace(req.Reason) == "":
			return nil, bad("reason", "the job role %s needs a reason", r.Name)
		case !orderableIn(g, r, req.Unit):
			return nil, bad(fmt.Sprintf("roles[%d]", i), "the job role %s cannot be ordered in this unit", r.Name)
		case req.Person != uuid.Nil && !titleFits(v.At(req.Start), req.Person, req.Unit, r.Titles):
			return nil, bad(fmt.Sprintf("roles[%d]", i), "the job role %s is not for the person's job title in this unit", r.Name)
		}
	}
	items, err := e.Catalogue.Resolve(req.Roles...)
	if err != nil {
		return nil, bad("roles", "%v", err)
	}
	for i, it := range req.Extra {
		if it.IsEquipment() {
			if _, ok := e.Catalogue.EquipmentKind(it.Equipment); !ok || it.Quantity < 1 {
				return nil, bad(fmt.Sprintf("extra[%d]", i), "no equipment kind %q, or a quantity below 1", clip(it.Equipment))
			}
		} else if _, ok := e.Catalogue.Resource(it.System, it.Resource); !ok {
			return nil, bad(fmt.Sprintf("extra[%d]", i), "the catalogue has no resource %q in system %q", clip(it.Resource), clip(it.System))
		}
		if !slices.Contains(items, it) {
			items = append(items, it)
		}
	}
	var out []Task
	for _, it := range items {
		out = append(out, e.newTask(it, false))
	}
	return out, nil
}

// titleFits reports whether the person's engagement in unit on the
// graph's day has a job title the role's filter lets through (a filter
// with no titles lets every title through; a person with no engagement
// there is for the model's observation to find later).
func titleFits(g orgmodel.Graph, person, unit uuid.UUID, f catalogue.TitleFilter) bool {
	if len(f.Include) == 0 && len(f.Exclude) == 0 {
		return true
	}
	for _, en := range g.Engagements(person) {
		if en.Unit == unit {
			return titlePasses(f, en.JobFunction)
		}
	}
	return true
}

// orderableIn reports whether the role may be ordered in unit on the
// graph's day: no scopes means anywhere; a scope names a unit by id or
// user key, and with Inherit the units below it.
func orderableIn(g orgmodel.Graph, r catalogue.JobRole, unit uuid.UUID) bool {
	if len(r.OrderableIn) == 0 {
		return true
	}
	chain := []orgmodel.Unit{}
	if u, ok := g.Unit(unit); ok {
		chain = append(chain, u)
	}
	chain = append(chain, g.Ancestors(unit)...)
	for _, sc := range r.OrderableIn {
		for i, u := range chain {
			if (u.ID.String() == sc.Unit || u.UserKey == sc.Unit) && (i == 0 || sc.Inherit) {
				return true
			}
		}
	}
	return false
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
