package orgmodel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Apply validates the change set as a whole and, if it keeps every rule,
// registers it: the store commits the new versions and their events in one
// step, and then readers see them. If any rule is broken it returns a
// *ChangeSetError listing the problems and changes nothing; if the store
// fails it returns the store's error and changes nothing.
//
// reg.Time, reg.Actor and reg.Note describe the registration; reg.Seq is
// assigned. An empty change set registers nothing and returns the zero
// Registration.
func (m *Model) Apply(ctx context.Context, cs *ChangeSet, reg Registration) (Registration, error) {
	if err := ctx.Err(); err != nil {
		return Registration{}, err
	}
	if cs == nil || cs.IsEmpty() {
		return Registration{}, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()

	tx := &txn{m: m, changed: make(map[uuid.UUID]*Object), old: make(map[uuid.UUID]*Object)}
	if reg.Time.IsZero() || strings.TrimSpace(reg.Actor) == "" || checkText("actor", reg.Actor, true) != nil || checkText("note", reg.Note, false) != nil {
		tx.probs.add(&ValidationError{Rule: RuleRegistration, Detail: "a registration needs a time and an actor (printable text of at most 1024 bytes)"})
	} else if n := len(m.regs); n > 0 && reg.Time.Before(m.regs[n-1].Time) {
		tx.probs.add(&ValidationError{Rule: RuleRegistration, Detail: fmt.Sprintf("registration time %s is before the last registration's %s", reg.Time.UTC().Format("2006-01-02T15:04:05Z"), m.regs[n-1].Time.UTC().Format("2006-01-02T15:04:05Z"))})
	}
	for _, op := range cs.ops {
		tx.apply(op)
	}
	tx.validate()
	if err := tx.probs.err(); err != nil {
		return Registration{}, err
	}

	reg.Seq = uint64(len(m.regs)) + 1
	versions := make([]Version, 0, len(tx.order))
	events := make([]Event, 0, len(tx.order))
	for _, id := range tx.order {
		o := tx.changed[id]
		if o == nil && tx.old[id] == nil {
			continue // created and deleted in the same change set
		}
		v := Version{Registration: reg}
		if o == nil {
			v.Deleted = true
			v.Object = Object{ID: id, Kind: tx.old[id].Kind}
		} else {
			v.Object = *o
		}
		versions = append(versions, v)
		events = append(events, m.registeredEvent(reg, v, tx.old[id]))
	}
	if len(versions) == 0 {
		return Registration{}, nil
	}
	for i := range events {
		events[i].Seq = m.lastEvent + uint64(i) + 1
	}
	if err := m.store.Commit(ctx, Commit{Registration: &reg, Versions: versions, Events: events}); err != nil {
		return Registration{}, fmt.Errorf("orgmodel: store: %w", err)
	}
	m.install(reg, versions)
	m.lastEvent += uint64(len(events))
	m.notify()
	return reg, nil
}

// txn is a change set being applied: an overlay of changed objects over
// the latest registration.
type txn struct {
	m       *Model
	changed map[uuid.UUID]*Object // nil value: deleted
	old     map[uuid.UUID]*Object // the latest version before the change set
	order   []uuid.UUID           // changed ids in first-touched order
	probs   problems
	cpr     map[CPR][]uuid.UUID // national ids of changed persons
}

// get returns the object as the change set leaves it so far, or nil.
func (tx *txn) get(id uuid.UUID) *Object {
	if o, ok := tx.changed[id]; ok {
		return o
	}
	if r := tx.m.records[id]; r != nil {
		return r.latest()
	}
	return nil
}

// put records o as changed.
func (tx *txn) put(id uuid.UUID, o *Object) {
	if _, ok := tx.changed[id]; !ok {
		tx.order = append(tx.order, id)
		if r := tx.m.records[id]; r != nil {
			tx.old[id] = r.latest()
		}
	}
	tx.changed[id] = o
}

func (tx *txn) fail(o *Object, id uuid.UUID, rule Rule, field, detail string) {
	e := &ValidationError{Rule: rule, ID: id, Field: field, Detail: detail}
	if o != nil {
		e.Kind, e.UserKey = o.Kind, o.UserKey
	}
	tx.probs.add(e)
}

// apply runs one operation on the overlay, recording what is wrong with it
// on its own. Whole-model rules are checked afterwards by validate.
func (tx *txn) apply(op Op) {
	if op.ID == uuid.Nil {
		tx.fail(nil, op.ID, RuleRequired, "id", "an operation needs an object id")
		return
	}
	if op.Type == OpCreate {
		tx.create(op)
		return
	}
	o := tx.get(op.ID)
	if o == nil {
		tx.fail(nil, op.ID, RuleUnknownObject, "", op.Type.String()+" of an object that does not exist")
		return
	}
	if op.Type != OpDelete {
		if err := op.Interval.Validate(); err != nil {
			tx.fail(o, op.ID, RuleInterval, "", err.Error())
			return
		}
	}
	n := *o
	switch op.Type {
	case OpUpdate:
		if op.Patch == nil || op.Patch.Kind() != o.Kind {
			tx.fail(o, op.ID, RuleWrongKind, "", "update with a patch for another kind of object")
			return
		}
		if _, ok := o.Timeline.At(op.Interval.From); !ok {
			tx.fail(o, op.ID, RuleNotValid, "", "update from "+op.Interval.From.String()+", a day the object is not valid")
			return
		}
		n.Timeline = o.Timeline.Map(op.Interval, func(a Attrs) Attrs { return normalise(op.Patch.apply(a)) })
	case OpSet:
		if op.Attrs == nil || op.Attrs.Kind() != o.Kind {
			tx.fail(o, op.ID, RuleWrongKind, "", "set with attributes of another kind of object")
			return
		}
		n.Timeline = o.Timeline.Set(op.Interval, normalise(op.Attrs))
	case OpClear:
		if !o.Timeline.Overlaps(op.Interval) {
			tx.fail(o, op.ID, RuleNotValid, "", op.Op()+" of an object not valid then")
			return
		}
		n.Timeline = o.Timeline.Clear(op.Interval)
	case OpDelete:
		tx.put(op.ID, nil)
		return
	default:
		tx.fail(o, op.ID, RuleRequired, "", "unknown operation "+op.Type.String())
		return
	}
	tx.put(op.ID, &n)
}

// Op returns the operation's name as people read it: "terminate" for an
// open-ended clear.
func (op Op) Op() string {
	if op.Type == OpClear && op.Interval.IsOpen() {
		return "terminate"
	}
	return op.Type.String()
}

func (tx *txn) create(op Op) {
	o := op.Object
	o.ID = op.ID
	if op.Attrs != nil && o.Timeline.IsEmpty() {
		if err := op.Interval.Validate(); err != nil {
			tx.fail(&o, o.ID, RuleInterval, "", err.Error())
			return
		}
		o.Timeline = timeline.Of(op.Interval, normalise(op.Attrs))
	}
	if _, ok := tx.changed[o.ID]; ok || tx.m.records[o.ID] != nil {
		tx.fail(&o, o.ID, RuleExists, "", "the id is or was in use")
		return
	}
	if !o.Kind.Valid() {
		tx.fail(&o, o.ID, RuleWrongKind, "", "an object needs a kind")
		return
	}
	if p := checkText("user key", o.UserKey, false); p != nil {
		tx.fail(&o, o.ID, p.rule, p.field, p.detail)
		return
	}
	if p := checkText("source", o.Source, false); p != nil {
		tx.fail(&o, o.ID, p.rule, p.field, p.detail)
		return
	}
	if o.Timeline.IsEmpty() {
		tx.fail(&o, o.ID, RuleRequired, "", "a new object needs a validity")
		return
	}
	// Normalise values that have more than one form.
	spans := o.Timeline.Spans()
	for i := range spans {
		if spans[i].Value == nil {
			tx.fail(&o, o.ID, RuleRequired, "", "a span without attributes")
			return
		}
		spans[i].Value = normalise(spans[i].Value)
	}
	o.Timeline = timeline.MustNew(spans...)
	tx.put(o.ID, &o)
}

// validate checks the whole-model rules for everything the change set
// touched.
func (tx *txn) validate() {
	tx.cpr = make(map[CPR][]uuid.UUID)
	for _, id := range tx.order {
		if o := tx.changed[id]; o != nil && o.Kind == KindPerson {
			var last CPR
			for sp := range o.Timeline.All() {
				if c := sp.Value.(PersonAttrs).NationalID; !c.IsZero() && c != last && !slices.Contains(tx.cpr[c], id) {
					tx.cpr[c] = append(tx.cpr[c], id)
					last = c
				}
			}
		}
	}
	for _, id := range tx.order {
		o := tx.changed[id]
		if o == nil {
			tx.checkReferrers(id, tx.old[id], nil)
			continue
		}
		tx.checkObject(o)
		tx.checkReferrers(id, tx.old[id], o)
		switch o.Kind {
		case KindUnit:
			tx.checkCycles(o)
		case KindPerson:
			tx.checkNationalIDs(o)
		}
	}
}

// checkObject checks one changed object's attributes and references.
func (tx *txn) checkObject(o *Object) {
	var buf [4]ref
	for sp := range o.Timeline.All() {
		a := sp.Value
		if a.Kind() != o.Kind {
			tx.failAt(o, RuleWrongKind, "", a.Kind().String()+" attributes on a "+o.Kind.String(), uuid.Nil, sp.Interval)
			continue
		}
		if err := sp.Validate(); err != nil {
			tx.failAt(o, RuleInterval, "", err.Error(), uuid.Nil, sp.Interval)
			continue
		}
		if p := a.check(); p != nil {
			tx.failAt(o, p.rule, p.field, p.detail, uuid.Nil, sp.Interval)
			continue
		}
		if pa, ok := a.(PersonAttrs); ok && pa.NationalID.Fictive() && !tx.m.opts.CPR.AllowFictive {
			tx.failAt(o, RuleInvalidNationalID, "national id", "a fictive CPR number, and the model does not accept them", uuid.Nil, sp.Interval)
		}
		for _, r := range a.refs(buf[:0]) {
			tx.checkRef(o, sp, r)
		}
		tx.checkSamePerson(o, sp)
	}
}

func (tx *txn) failAt(o *Object, rule Rule, field, detail string, ref uuid.UUID, when timeline.Interval) {
	tx.probs.add(&ValidationError{Rule: rule, Kind: o.Kind, ID: o.ID, UserKey: o.UserKey, Field: field, Detail: detail, Ref: ref, When: when})
}

// checkRef checks that the object r names exists, is of the right kind,
// and is valid on every day of the span.
func (tx *txn) checkRef(o *Object, sp timeline.Span[Attrs], r ref) {
	t := tx.get(r.id)
	switch {
	case t == nil:
		tx.failAt(o, RuleUnknownRef, r.field, "refers to a "+r.kind.String()+" that does not exist", r.id, sp.Interval)
	case t.Kind != r.kind:
		tx.failAt(o, RuleWrongKind, r.field, "refers to a "+t.Kind.String()+", not a "+r.kind.String(), r.id, sp.Interval)
	case !t.Timeline.Covers(sp.Interval):
		gap := timeline.Subtract(timeline.Of(sp.Interval, struct{}{}), t.Timeline.Coverage())
		tx.failAt(o, RuleRefNotValid, r.field, "refers to a "+r.kind.String()+" that is not valid then", r.id, gap.Span(0).Interval)
	}
}

// checkSamePerson checks that an engagement linked from a manager role,
// account, address or leave is the same person's, on every day of the span.
func (tx *txn) checkSamePerson(o *Object, sp timeline.Span[Attrs]) {
	var person, eng uuid.UUID
	switch a := sp.Value.(type) {
	case ManagerAttrs:
		person, eng = a.Person, a.Engagement
	case AccountAttrs:
		person, eng = a.Person, a.Engagement
	case AddressAttrs:
		person, eng = a.Person, a.Engagement
	case LeaveAttrs:
		person, eng = a.Person, a.Engagement
	default:
		return
	}
	if eng == uuid.Nil {
		return
	}
	e := tx.get(eng)
	if e == nil || e.Kind != KindEngagement {
		return // reported by checkRef
	}
	for es := range e.Timeline.Clip(sp.Interval).All() {
		if es.Value.(EngagementAttrs).Person != person {
			tx.failAt(o, RuleMismatch, "engagement", "the linked engagement is another person's", eng, es.Interval)
			return
		}
	}
}

// checkReferrers checks the objects that point at a changed object: a
// termination, deletion or change of person must not leave them pointing
// at nothing or at the wrong person. Referrers changed in the same change
// set are checked by checkObject instead.
func (tx *txn) checkReferrers(id uuid.UUID, old, now *Object) {
	if old == nil {
		return // new: nothing registered can point at it
	}
	if now != nil && now.Kind != KindEngagement && old.Timeline.Coverage().Equal(now.Timeline.Coverage()) {
		return // same validity: every reference to it still holds
	}
	var buf [4]ref
	for _, k := range Kinds() {
		for _, rec := range tx.m.records[id].referrers(k) {
			rid := rec.id
			if _, changed := tx.changed[rid]; changed {
				continue
			}
			r := rec.latest()
			if r == nil {
				continue
			}
			for sp := range r.Timeline.All() {
				for _, x := range sp.Value.refs(buf[:0]) {
					if x.id != id {
						continue
					}
					if now == nil || !now.Timeline.Covers(sp.Interval) {
						tx.failAt(old, RuleStillReferenced, "", "still referred to by "+r.Kind.String()+" "+rid.String()+" as its "+x.field, rid, sp.Interval)
						return
					}
				}
				if now != nil && now.Kind == KindEngagement {
					before := len(tx.probs.list) + tx.probs.more
					tx.checkSamePerson(r, sp)
					if len(tx.probs.list)+tx.probs.more > before {
						return
					}
				}
			}
		}
	}
}

// checkCycles checks that the unit is never its own ancestor. A cycle can
// appear at any day on which some unit on the path to the root changes
// parent, so the walk is repeated at each such day within each span.
func (tx *txn) checkCycles(u *Object) {
	for sp := range u.Timeline.All() {
		days := []timeline.Date{sp.From}
		seenDay := map[timeline.Date]bool{sp.From: true}
		for len(days) > 0 {
			d := days[len(days)-1]
			days = days[:len(days)-1]
			visited := map[uuid.UUID]bool{u.ID: true}
			cur := sp.Value.(UnitAttrs).Parent
			for cur != uuid.Nil {
				if cur == u.ID {
					tx.failAt(u, RuleCycle, "parent", "the unit would be its own ancestor", sp.Value.(UnitAttrs).Parent, timeline.Between(d, d+1))
					return
				}
				if visited[cur] {
					break // a cycle elsewhere; reported for its own units
				}
				visited[cur] = true
				p := tx.get(cur)
				if p == nil || p.Kind != KindUnit {
					break // reported by checkRef
				}
				for _, e := range p.Timeline.Endpoints() {
					if e > d && e < sp.To && !seenDay[e] {
						seenDay[e] = true
						days = append(days, e)
					}
				}
				a, ok := p.Timeline.At(d)
				if !ok {
					break // reported by checkRef
				}
				cur = a.(UnitAttrs).Parent
			}
		}
	}
}

// checkNationalIDs checks that no other person has ever held the national
// ids the person holds.
func (tx *txn) checkNationalIDs(p *Object) {
	var seen []CPR
	for sp := range p.Timeline.All() {
		c := sp.Value.(PersonAttrs).NationalID
		if c.IsZero() || slices.Contains(seen, c) {
			continue
		}
		seen = append(seen, c)
		for _, other := range tx.holders(c) {
			if other != p.ID {
				tx.failAt(p, RuleDuplicateNationalID, "national id", "another person has the same national id", other, sp.Interval)
				break
			}
		}
	}
}

// holders returns the persons that hold national id c after the change
// set.
func (tx *txn) holders(c CPR) []uuid.UUID {
	var out []uuid.UUID
	for _, id := range tx.m.idx.nationalIDs[c] {
		if _, changed := tx.changed[id]; changed {
			continue
		}
		if holds(tx.get(id), c) {
			out = append(out, id)
		}
	}
	return append(out, tx.cpr[c]...)
}

func holds(o *Object, c CPR) bool {
	if o == nil || o.Kind != KindPerson {
		return false
	}
	for sp := range o.Timeline.All() {
		if sp.Value.(PersonAttrs).NationalID == c {
			return true
		}
	}
	return false
}
