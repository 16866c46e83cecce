package boarding

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// birthrightRoles returns the job roles the catalogue's birthright rules
// give an engagement in unit with title on day (the rules and the tree
// as the graph has them that day), sorted.
func (e *Engine) birthrightRoles(g orgmodel.Graph, person, unit uuid.UUID, title string, day timeline.Date) []string {
	chain := []orgmodel.Unit{}
	if u, ok := g.Unit(unit); ok {
		chain = append(chain, u)
	}
	chain = append(chain, g.Ancestors(unit)...)
	matches := func(ref string, u orgmodel.Unit) bool { return u.ID.String() == ref || u.UserKey == ref }
	var out []string
	for _, b := range e.Catalogue.Birthrights {
		if !ruleHolds(b, day) || !titlePasses(b.Titles, title) || slices.Contains(out, b.JobRole) {
			continue
		}
		if r, ok := e.Catalogue.JobRole(b.JobRole); !ok || r.Lifecycle == catalogue.Draft || r.Lifecycle == catalogue.Deprecated {
			continue
		}
		for i, u := range chain {
			if slices.ContainsFunc(b.Except, func(ref string) bool { return matches(ref, u) }) && (i == 0 || b.Inherit) {
				break // left out, with what is below it
			}
			if matches(b.Unit, u) && (i == 0 || b.Inherit) {
				if !b.ManagersOnly || manages(g, person, unit) {
					out = append(out, b.JobRole)
				}
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

func ruleHolds(b catalogue.BirthrightRule, day timeline.Date) bool {
	if from, err := timeline.ParseDate(b.From); err == nil && day < from {
		return false
	}
	if to, err := timeline.ParseDate(b.To); err == nil && day >= to {
		return false
	}
	return true
}

func titlePasses(f catalogue.TitleFilter, title string) bool {
	same := func(t string) bool { return fold(t) == fold(title) }
	if len(f.Include) > 0 && !slices.ContainsFunc(f.Include, same) {
		return false
	}
	return !slices.ContainsFunc(f.Exclude, same)
}

func manages(g orgmodel.Graph, person, unit uuid.UUID) bool {
	return slices.ContainsFunc(g.Managers(unit, orgmodel.ManagerQuery{}), func(m orgmodel.Manager) bool { return m.Person == person })
}

// birthrights gives the person's engagements what the birthright rules
// give them, without an order: for each stretch of an engagement that has
// not ended, the roles of its unit and title; the first stretch's roles
// as an onboarding order (waiting for the AD account), and where a later
// stretch's differ (the person moves unit or title), a change order of
// the new roles' items on the day of the move and one revoking the old
// roles' items Grace later. Each order's key is the engagement and the
// day, so an event handled twice places nothing twice.
func (e *Engine) birthrights(ctx context.Context, v orgmodel.View, person uuid.UUID) error {
	if len(e.Catalogue.Birthrights) == 0 {
		return nil
	}
	today := e.today()
	for _, obj := range v.PointingAt(person, orgmodel.KindEngagement) {
		var prev []string
		first := true
		for sp := range obj.Timeline.All() {
			a, ok := sp.Value.(orgmodel.EngagementAttrs)
			if !ok || a.Person != person {
				continue
			}
			day := max(sp.Interval.From, today)
			roles := e.birthrightRoles(v.At(day), person, a.Unit, a.JobFunction, day)
			if sp.Interval.To > today {
				var err error
				switch {
				case first && len(roles) > 0:
					err = e.auto(ctx, v, "birthright/"+obj.ID.String(), Onboard, person, obj.ID, a.Unit, sp.Interval.From, roles, nil, nil)
				case !first && !slices.Equal(prev, roles):
					err = e.move(ctx, v, person, obj.ID, a.Unit, sp.Interval.From, prev, roles)
				}
				if err != nil {
					return err
				}
			}
			prev, first = roles, false
		}
	}
	return nil
}

// move places a mover's orders: the new roles' items not held granted on
// the day, the old roles' items not in the new revoked Grace later.
func (e *Engine) move(ctx context.Context, v orgmodel.View, person, eng, unit uuid.UUID, day timeline.Date, old, roles []string) error {
	oldItems, _ := e.Catalogue.Resolve(old...)
	newItems, _ := e.Catalogue.Resolve(roles...)
	var grant, revoke []catalogue.Item
	for _, it := range newItems {
		if !slices.Contains(oldItems, it) {
			grant = append(grant, it)
		}
	}
	for _, it := range oldItems {
		if !slices.Contains(newItems, it) {
			revoke = append(revoke, it)
		}
	}
	key := "move/" + eng.String() + "/" + day.String()
	if len(grant) > 0 {
		if err := e.auto(ctx, v, key, Change, person, eng, unit, day, roles, grant, nil); err != nil {
			return err
		}
	}
	if len(revoke) == 0 {
		return nil
	}
	grace := int(or(e.Grace, 14*24*time.Hour) / (24 * time.Hour))
	return e.auto(ctx, v, key+"/revoke", Change, person, eng, unit, day.AddDays(grace), old, nil, revoke)
}

// auto places an order orgsync makes itself: for roles (their items, or
// grant where given), or revoking revoke from start on.
func (e *Engine) auto(ctx context.Context, v orgmodel.View, key string, kind OrderKind, person, eng, unit uuid.UUID, start timeline.Date,
	roles []string, grant, revoke []catalogue.Item) error {
	now := e.now()
	o := &Order{ID: uuid.New(), Key: key, Kind: kind, Person: person, Engagement: eng, Unit: unit, Roles: slices.Clone(roles),
		Start: start, OrderedBy: machine.Name, State: Draft, Created: now, Updated: now, Version: 1,
		Prerequisites: []Prerequisite{{Kind: InOrgModel}, {Kind: AccountSeen}}}
	reason := "the birthright rules give the roles"
	if revoke != nil {
		o.Roles = nil
		o.Prerequisites = []Prerequisite{{Kind: DayReached}}
		reason = "the person moved; the old roles' items go after the grace period"
		for _, it := range revoke {
			o.Tasks = append(o.Tasks, e.newTask(it, true))
		}
	} else {
		if grant == nil {
			grant, _ = e.Catalogue.Resolve(roles...)
		}
		for _, it := range grant {
			o.Tasks = append(o.Tasks, e.newTask(it, false))
		}
	}
	log, err := e.park(v, o, machine, reason)
	if err != nil {
		return err
	}
	_, err = e.createOnce(ctx, o, log)
	return err
}

// park submits and parks an order orgsync places itself, giving it until
// ParkFor after its day, and observes the model for it at once.
func (e *Engine) park(v orgmodel.View, o *Order, by Actor, reason string) ([]AuditEntry, error) {
	now := e.now()
	log, err := o.Do(Submit, now, by, reason)
	if err != nil {
		return nil, err
	}
	more, err := o.Do(Park, now, machine, "")
	if err != nil {
		return nil, err
	}
	o.Expires = e.Model.Zone().Start(o.Start).Add(or(e.ParkFor, 90*24*time.Hour))
	log = append(log, more...)
	return append(log, e.observe(v, o, now)...), nil
}

// createOnce stores a new order unless one with its key is stored
// already (placed by an earlier handling of the same event, or another
// host): placed says which.
func (e *Engine) createOnce(ctx context.Context, o *Order, log []AuditEntry) (placed bool, err error) {
	err = e.Store.Create(ctx, o, log)
	var dup *DuplicateError
	if errors.As(err, &dup) {
		return false, nil
	}
	return err == nil, err
}

// newTask is the task of an item: granted or delivered, or revoked or
// reclaimed.
func (e *Engine) newTask(it catalogue.Item, takeBack bool) Task {
	t := Task{ID: uuid.New(), State: Pending, Item: Item{System: it.System, Resource: it.Resource, Equipment: it.Equipment, Quantity: it.Quantity}}
	switch {
	case it.IsEquipment() && takeBack:
		t.Action = Reclaim
	case it.IsEquipment():
		t.Action = Deliver
	case takeBack:
		t.Action = Revoke
	default:
		t.Action = Grant
	}
	if !it.IsEquipment() {
		if s, ok := e.Catalogue.System(it.System); ok {
			t.Integrated = s.Kind == catalogue.Integrated
		}
	}
	return t
}
