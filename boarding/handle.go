package boarding

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Handle brings the orders an org-model event is about up to date: the
// pending hires the event's person may be (orders for the units the
// person has engagements in), the person's open orders (their
// engagement, their AD account from read-back), and the person's
// terminations: an engagement whose end is registered (for a future day
// or one gone by) gets an offboarding order of what orgsync granted for
// it, an onboarding order that would start on or after the end is
// cancelled, and a termination moved or withdrawn moves or cancels its
// offboarding order. Handling an event twice changes nothing.
func (e *Engine) Handle(ctx context.Context, ev orgmodel.Event) error {
	if ev.OwnerKind != orgmodel.KindPerson || ev.Owner == uuid.Nil {
		return nil
	}
	v := e.Model.Latest()
	person := ev.Owner
	if ev.Kind == orgmodel.KindEngagement || ev.Kind == orgmodel.KindPerson {
		for _, unit := range engagementUnits(v, person) {
			pending, err := e.Store.List(ctx, Query{Unmatched: true, Open: true, Unit: unit})
			if err != nil {
				return err
			}
			if err := e.observeAll(ctx, v, pending); err != nil {
				return err
			}
		}
	}
	mine, err := e.Store.List(ctx, Query{Person: person, Open: true})
	if err != nil {
		return err
	}
	if err := e.observeAll(ctx, v, mine); err != nil {
		return err
	}
	if ev.Kind == orgmodel.KindEngagement || ev.Kind == orgmodel.KindPerson || ev.Kind == orgmodel.KindManager {
		if err := e.birthrights(ctx, v, person); err != nil {
			return err
		}
		return e.terminations(ctx, v, person)
	}
	return nil
}

func (e *Engine) observeAll(ctx context.Context, v orgmodel.View, orders []Order) error {
	for i := range orders {
		if err := e.apply(ctx, &orders[i], func(o *Order) ([]AuditEntry, error) {
			return e.observe(v, o, e.now()), nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// engagementUnits returns the units of the person's engagements, on any
// day.
func engagementUnits(v orgmodel.View, person uuid.UUID) []uuid.UUID {
	var out []uuid.UUID
	for _, obj := range v.PointingAt(person, orgmodel.KindEngagement) {
		for sp := range obj.Timeline.All() {
			if a, ok := sp.Value.(orgmodel.EngagementAttrs); ok && a.Person == person && !slices.Contains(out, a.Unit) {
				out = append(out, a.Unit)
			}
		}
	}
	return out
}

// Run handles the org model's events until ctx ends, acknowledging each
// after its orders are stored: a crash handles the event again, which
// changes nothing. A new subscriber starts at the present (the model's
// history holds no orders). Only a failing store stops it.
func (e *Engine) Run(ctx context.Context, name string) error {
	if name == "" {
		name = "boarding"
	}
	sub, err := e.Model.Subscribe(name)
	if err != nil {
		return err
	}
	if _, err := sub.StartAtPresent(ctx); err != nil {
		return err
	}
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		if err := e.Handle(ctx, ev); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if err := sub.Ack(ctx, ev); err != nil {
			return err
		}
	}
}

// terminations gives each of the person's engagements the offboarding
// its end calls for. An engagement cleared whole (a hire withdrawn) ends
// today.
func (e *Engine) terminations(ctx context.Context, v orgmodel.View, person uuid.UUID) error {
	all, err := e.Store.List(ctx, Query{Person: person})
	if err != nil {
		return err
	}
	// The engagements the person's orders are for: an engagement cleared
	// whole no longer points at the person, but its orders still name it.
	var engs []uuid.UUID
	for _, o := range all {
		if o.Engagement != uuid.Nil && !slices.Contains(engs, o.Engagement) {
			engs = append(engs, o.Engagement)
		}
	}
	for _, id := range engs {
		obj, ok := v.Object(id)
		if !ok { // deleted: as withdrawn
			obj = orgmodel.Object{ID: id, Kind: orgmodel.KindEngagement}
		}
		var theirs []Order
		for _, o := range all {
			if o.Engagement == obj.ID {
				theirs = append(theirs, o)
			}
		}
		if len(theirs) == 0 {
			continue // orgsync ordered nothing for it: nothing to take back
		}
		end := timeline.Open
		if b, ok := obj.Timeline.Bounds(); ok {
			end = b.To
		} else if end = e.today(); slices.ContainsFunc(theirs, func(o Order) bool { return o.Kind == Offboard && o.State != Cancelled }) {
			continue // withdrawn, and its offboarding placed on an earlier day
		}
		if err := e.terminate(ctx, v, obj, end, theirs); err != nil {
			return err
		}
	}
	return nil
}

// terminate settles one engagement's orders with its end (timeline.Open:
// none).
func (e *Engine) terminate(ctx context.Context, v orgmodel.View, eng orgmodel.Object, end timeline.Date, orders []Order) error {
	var offboard *Order
	for i := range orders {
		o := &orders[i]
		switch {
		case o.State.Terminal():
		case o.Kind == Offboard && o.Start != end:
			why := "the termination was withdrawn"
			if end != timeline.Open {
				why = "the last day moved to " + end.AddDays(-1).String()
			}
			if err := e.apply(ctx, o, func(o *Order) ([]AuditEntry, error) { return o.Do(Cancel, e.now(), machine, why) }); err != nil {
				return err
			}
		case o.Kind == Offboard:
			offboard = o
		case end != timeline.Open && o.Start >= end:
			if err := e.apply(ctx, o, func(o *Order) ([]AuditEntry, error) {
				return o.Do(Cancel, e.now(), machine, "the person leaves on "+end.AddDays(-1).String()+", before the first day")
			}); err != nil {
				return err
			}
		}
	}
	if end == timeline.Open {
		return nil
	}
	held := granted(orders)
	held, err := e.withInventory(ctx, orders[0].Person, held)
	if err != nil {
		return err
	}
	if offboard != nil {
		return e.apply(ctx, offboard, func(o *Order) ([]AuditEntry, error) { return e.addRevokes(o, held), nil })
	}
	if len(held) == 0 {
		return nil
	}
	return e.offboard(ctx, v, eng, end, held, orders[0])
}

// granted returns what the orders granted or delivered, done, and not
// revoked or returned by a later order: what an offboarding takes back.
func granted(orders []Order) []Item {
	var held []Item
	for _, o := range orders {
		for _, t := range o.Tasks {
			if t.State != Done {
				continue
			}
			switch t.Action {
			case Grant, Deliver:
				if !slices.Contains(held, t.Item) {
					held = append(held, t.Item)
				}
			case Revoke, Reclaim:
				held = slices.DeleteFunc(held, func(it Item) bool { return it == t.Item })
			}
		}
	}
	return held
}

// offboard places the offboarding order of an engagement ending on end:
// the held items revoked or reclaimed on the last day, by the systems'
// administrators or connectors. first is one of the engagement's orders.
func (e *Engine) offboard(ctx context.Context, v orgmodel.View, eng orgmodel.Object, end timeline.Date, held []Item, first Order) error {
	a, ok := orgread.At[orgmodel.EngagementAttrs](eng, end.AddDays(-1))
	if !ok { // cleared whole: the person and unit its orders were for
		a.Person, a.Unit = first.Person, first.Unit
	}
	now := e.now()
	o := &Order{
		ID: uuid.New(), Key: "offboard/" + eng.ID.String() + "/" + end.String(), Kind: Offboard,
		Person: a.Person, Engagement: eng.ID, Unit: a.Unit, Start: end, OrderedBy: machine.Name,
		State: Draft, Created: now, Updated: now, Version: 1,
		Prerequisites: []Prerequisite{{Kind: LastDay}},
	}
	e.addRevokes(o, held)
	log, err := e.park(v, o, machine, "the engagement ends; its last day is "+end.AddDays(-1).String())
	if err != nil {
		return err
	}
	placed, err := e.createOnce(ctx, o, log)
	if placed {
		e.log().Info("boarding: offboarding order placed", "order", o.ID, "engagement", eng.ID, "last_day", end.AddDays(-1))
	}
	return err
}

// addRevokes adds a revoke or reclaim task for each held item the
// offboarding order does not have yet (granted after it was placed), and
// returns their entries.
func (e *Engine) addRevokes(o *Order, held []Item) []AuditEntry {
	if o.State != Draft && o.State != Parked {
		return nil
	}
	var log []AuditEntry
	now := e.now()
	for _, it := range held {
		if slices.ContainsFunc(o.Tasks, func(t Task) bool { return t.Item == it || it.IsEquipment() && t.Item.Equipment == it.Equipment }) {
			continue
		}
		t := e.newTask(catalogue.Item{System: it.System, Resource: it.Resource, Equipment: it.Equipment, Quantity: it.Quantity}, true)
		o.Tasks = append(o.Tasks, t)
		if o.State != Draft {
			log = append(log, o.entry(t.ID, now, machine, "add", "", string(Pending), "granted after the offboarding was placed"))
		}
	}
	if len(log) > 0 {
		o.touch(now)
	}
	return log
}

// withInventory adds to held the equipment the inventory says the person
// holds that no order delivered (handed out at the desk), and raises a
// kind's quantity to what they hold: offboarding takes back every piece.
func (e *Engine) withInventory(ctx context.Context, person uuid.UUID, held []Item) ([]Item, error) {
	if e.Inventory == nil || person == uuid.Nil {
		return held, nil
	}
	assets, err := e.Inventory.Outstanding(ctx, person)
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	var kinds []string
	for _, a := range assets {
		if count[a.Kind] == 0 {
			kinds = append(kinds, a.Kind)
		}
		count[a.Kind]++
	}
	for _, k := range kinds {
		i := slices.IndexFunc(held, func(it Item) bool { return it.Equipment == k })
		if i < 0 {
			held = append(held, Item{Equipment: k, Quantity: count[k]})
		} else {
			held[i].Quantity = max(held[i].Quantity, count[k])
		}
	}
	return held, nil
}
