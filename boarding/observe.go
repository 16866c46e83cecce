package boarding

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/orgmodel"
)

// accountSystem is the system whose accounts satisfy AccountSeen.
const accountSystem = "Active Directory"

// observe brings an open order's prerequisites up to date from the org
// model as v knows it: a pending hire matched to the person payroll
// registered (by employment number, else by name with an engagement in
// the unit from the first day), the engagement seen, the AD account seen;
// then activates a parked order whose prerequisites all hold. It returns
// the audit entries; nothing it does is asserted by a person.
func (e *Engine) observe(v orgmodel.View, o *Order, now time.Time) []AuditEntry {
	if o.State.Terminal() {
		return nil
	}
	var log []AuditEntry
	payroll := Actor{Name: "org model"}
	if o.Person == uuid.Nil && o.Pending != nil {
		if p, eng := matchPending(v, o); p != uuid.Nil {
			o.Person, o.Engagement = p, eng
		}
	}
	if o.Person != uuid.Nil {
		if o.Engagement == uuid.Nil {
			o.Engagement = engagementFrom(v, o)
		}
		if o.Engagement != uuid.Nil {
			entries, _ := o.Satisfy(InOrgModel, now, payroll, "engagement "+o.Engagement.String())
			log = append(log, entries...)
		}
		if name := account(v, o.Person); name != "" {
			entries, _ := o.Satisfy(AccountSeen, now, Actor{Name: "directory read-back"}, name)
			log = append(log, entries...)
		}
	}
	if o.Kind == Offboard && e.today() >= o.Start.AddDays(-1) {
		entries, _ := o.Satisfy(LastDay, now, Actor{Name: "clock"}, "last day "+o.Start.AddDays(-1).String())
		log = append(log, entries...)
	}
	if e.today() >= o.Start {
		entries, _ := o.Satisfy(DayReached, now, Actor{Name: "clock"}, o.Start.String())
		log = append(log, entries...)
	}
	if o.State == Parked && o.Ready() {
		entries, err := o.Do(Activate, now, machine, "")
		if err == nil {
			log = append(log, entries...)
		}
	}
	return log
}

// matchPending finds the person payroll registered for a pending hire.
func matchPending(v orgmodel.View, o *Order) (person, eng uuid.UUID) {
	if n := o.Pending.EmploymentNumber; n != "" {
		for _, id := range v.Lookup(orgmodel.KindEngagement, n) {
			if obj, ok := v.Object(id); ok {
				if a, ok := orgread.At[orgmodel.EngagementAttrs](obj, o.Start); ok {
					return a.Person, id
				}
			}
		}
		return uuid.Nil, uuid.Nil
	}
	g := v.At(o.Start)
	for _, en := range g.UnitEngagements(o.Unit) {
		if en.Validity.From > o.Start {
			continue
		}
		if p, ok := g.Person(en.Person); ok && fold(p.GivenNames) == fold(o.Pending.GivenNames) && fold(p.Surname) == fold(o.Pending.Surname) {
			return en.Person, en.ID
		}
	}
	return uuid.Nil, uuid.Nil
}

// engagementFrom finds the person's engagement in the order's unit on
// its first day (a status-0 "hired, not yet paid" engagement counts: it
// is in the model).
func engagementFrom(v orgmodel.View, o *Order) uuid.UUID {
	for _, en := range v.At(o.Start).Engagements(o.Person) {
		if en.Unit == o.Unit || o.Unit == uuid.Nil {
			return en.ID
		}
	}
	return uuid.Nil
}

// account returns the person's AD username, as the directory's read-back
// recorded it in the org model, or "".
func account(v orgmodel.View, person uuid.UUID) string {
	a, _ := adAccount(v, person)
	return a.Username
}

// adAccount returns the person's AD account as the org model holds it
// (in its latest span), if it has one with a username.
func adAccount(v orgmodel.View, person uuid.UUID) (orgmodel.AccountAttrs, bool) {
	if person == uuid.Nil {
		return orgmodel.AccountAttrs{}, false
	}
	for _, obj := range v.PointingAt(person, orgmodel.KindAccount) {
		if b, ok := obj.Timeline.Bounds(); ok {
			if a, ok := orgread.At[orgmodel.AccountAttrs](obj, b.To-1); ok && a.Person == person &&
				strings.EqualFold(a.System, accountSystem) && a.Username != "" {
				return a, true
			}
		}
	}
	return orgmodel.AccountAttrs{}, false
}
