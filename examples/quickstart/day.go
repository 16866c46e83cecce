package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// workerName is the worker's subscription to the org model's events.
const workerName = "quickstart-adsync"

// hires are the day's new employees, one a run on a state database: the
// first run's is always the first.
var hires = [...]struct{ given, surname, key string }{
	{"Freja Sofie", "Østergaard", "QS-1"},
	{"Ahmed Karim", "Nørgaard", "QS-2"},
	{"Signe Marie", "Ølgod", "QS-3"},
	{"Jonas", "Ærenlund", "QS-4"},
	{"Zofia", "Kowalska-Ørum", "QS-5"},
}

// result is what the worker did for one person, and when.
type result struct {
	person uuid.UUID
	rep    *adsync.Report
	err    error
	at     time.Time
	// latency is the time from the change set's registration to the
	// result.
	latency time.Duration
}

// day lives through the next day: a hire, a move and a leaver are
// registered in the org model, and the event-driven worker brings the
// directory along as each lands; the leaver goes to the chapel with the
// reconciliation that runs on a schedule as the safety net.
func (j *job) day(ctx context.Context) error {
	zone := j.model.Zone()
	day := zone.Date(j.now()).AddDays(1)
	j.setNow(zone.Start(day).Add(8 * time.Hour))
	fmt.Fprintf(j.w, "\na day of changes, %s, picked up from the org model's events as they are registered\n", day)
	g := j.model.Latest().At(day)
	hireUnit, mover, leaver, err := j.cast(g)
	if err != nil {
		return err
	}
	if err := skipToNow(ctx, j.model); err != nil {
		return err
	}
	results := make(chan result, 64)
	wctx, stop := context.WithCancel(ctx)
	w := &adsync.Worker{
		Model: j.model, Name: workerName, Engine: j.eng, Applier: adsync.Applier{Usernames: j.names}, Now: j.now,
		OnResult: func(p uuid.UUID, rep *adsync.Report, err error) {
			select {
			case results <- result{person: p, rep: rep, err: err, at: time.Now()}:
			case <-wctx.Done():
			}
		},
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	defer func() {
		stop()
		<-done
	}()
	if _, err := j.follow.Sync(ctx); err != nil {
		return err
	}

	// A hire, starting today, in the unit of the sample employee.
	var cs orgmodel.ChangeSet
	h := hires[j.runs%len(hires)]
	key := fmt.Sprintf("%s-%d", h.key, j.runs/len(hires))
	if j.runs < len(hires) {
		key = h.key
	}
	hire := cs.Add("", timeline.Since(day), orgmodel.PersonAttrs{GivenNames: h.given, Surname: h.surname})
	cs.Add(key, timeline.Since(day), orgmodel.EngagementAttrs{Person: hire, Unit: hireUnit, EmploymentNumber: key, JobFunction: "Pædagog", Type: "Månedsløn", Fraction: 1, Primary: true})
	r, err := j.register(ctx, &cs, hire, results)
	if err != nil {
		return err
	}
	u, _ := g.Unit(hireUnit)
	fmt.Fprintf(j.w, "  hire    %s %s, Pædagog in %s from today\n", h.given, h.surname, u.Name)
	if err := j.describe(ctx, r); err != nil {
		return err
	}

	// A move: the mover's engagement goes to the hire's unit, in
	// another department.
	eng, _ := g.PrimaryEngagement(mover)
	from, _ := g.Unit(eng.Unit)
	cs = orgmodel.ChangeSet{}
	cs.Update(eng.ID, timeline.Since(day), orgmodel.EngagementPatch{Unit: &hireUnit})
	if r, err = j.register(ctx, &cs, mover, results); err != nil {
		return err
	}
	p, _ := g.Person(mover)
	fmt.Fprintf(j.w, "  move    %s %s moves from %s to %s\n", p.GivenNames, p.Surname, from.Name, u.Name)
	if err := j.describe(ctx, r); err != nil {
		return err
	}

	// A leaver: yesterday was the last day of every engagement.
	cs = orgmodel.ChangeSet{}
	for _, e := range g.Engagements(leaver) {
		cs.Terminate(e.ID, day)
	}
	if r, err = j.register(ctx, &cs, leaver, results); err != nil {
		return err
	}
	p, _ = g.Person(leaver)
	fmt.Fprintf(j.w, "  leaver  %s %s's last day was %s\n", p.GivenNames, p.Surname, day.AddDays(-1))
	if err := j.describe(ctx, r); err != nil {
		return err
	}
	return j.settle(ctx, leaver)
}

// cast picks the day's people: the hire's unit (the sample employee's), a
// mover (from another department if there is one) and a leaver, neither
// of them a manager.
func (j *job) cast(g orgmodel.Graph) (hireUnit, mover, leaver uuid.UUID, err error) {
	managers := map[uuid.UUID]bool{}
	for _, u := range g.Subtree(j.mu.Root) {
		for _, m := range g.Managers(u.ID, orgmodel.ManagerQuery{}) {
			managers[m.Person] = true
		}
	}
	// dept is the department of a unit: its ancestor just below the root.
	dept := func(unit uuid.UUID) uuid.UUID {
		a := g.Ancestors(unit)
		switch len(a) {
		case 0:
			return uuid.Nil
		case 1:
			return unit
		}
		return a[len(a)-2].ID
	}
	var plain []uuid.UUID // employees with one engagement, no manager role
	for _, p := range adsync.PersonsOn(g) {
		if _, linked := j.links.Link(p); linked && !managers[p] && len(g.Engagements(p)) == 1 {
			plain = append(plain, p)
		}
	}
	for _, p := range plain {
		if manager(g, p) != uuid.Nil && len(g.Ancestors(unitOf(g, p))) >= 3 {
			hireUnit = unitOf(g, p)
			break
		}
	}
	for _, p := range plain {
		if u := unitOf(g, p); u != hireUnit && (mover == uuid.Nil || dept(u) != dept(hireUnit)) {
			mover = p
			if dept(u) != dept(hireUnit) {
				break
			}
		}
	}
	for _, p := range plain {
		if p != mover && unitOf(g, p) != hireUnit {
			leaver = p
			break
		}
	}
	if hireUnit == uuid.Nil || mover == uuid.Nil || leaver == uuid.Nil {
		return hireUnit, mover, leaver, errors.New("the municipality is too small to pick a hire's unit, a mover and a leaver")
	}
	return hireUnit, mover, leaver, nil
}

// skipToNow moves the worker's subscription past every event so far: the
// worker is here to follow what happens from now on (the reconciliations
// covered what came before).
func skipToNow(ctx context.Context, m *orgmodel.Model) error {
	sub, err := m.Subscribe(workerName)
	if err != nil {
		return err
	}
	var last orgmodel.Event
	for {
		c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		e, err := sub.Next(c)
		cancel()
		if err != nil {
			break
		}
		last = e
	}
	if last.Seq == 0 {
		return ctx.Err()
	}
	return sub.Ack(ctx, last)
}

// register applies a change set to the org model, as HR would, and waits
// for the worker's result for the person.
func (j *job) register(ctx context.Context, cs *orgmodel.ChangeSet, person uuid.UUID, results <-chan result) (result, error) {
	t0 := time.Now()
	if _, err := j.model.Apply(ctx, cs, orgmodel.Registration{Time: time.Now(), Actor: "hr"}); err != nil {
		return result{}, err
	}
	timeout := time.After(time.Minute)
	for {
		select {
		case r := <-results:
			if r.person == person {
				r.latency = r.at.Sub(t0)
				return r, r.err
			}
		case <-timeout:
			return result{}, fmt.Errorf("the worker did not handle person %s within a minute", person)
		case <-ctx.Done():
			return result{}, ctx.Err()
		}
	}
}

// describe says what the worker did for a person.
func (j *job) describe(ctx context.Context, r result) error {
	latency := r.latency.Round(100 * time.Microsecond)
	if len(r.rep.Results) == 0 {
		fmt.Fprintf(j.w, "          → the worker has nothing to do (%s after the change): a leaver's account is the chapel's\n", latency)
		return nil
	}
	var ops []string
	for _, res := range r.rep.Results {
		s := res.Op.Kind.String()
		switch res.Op.Kind {
		case adsync.OpModify:
			var attrs []string
			for _, c := range res.Op.Changes {
				attrs = append(attrs, c.Attribute)
			}
			s += " " + strings.Join(attrs, ", ")
		case adsync.OpMove:
			s += " to " + j.brief(res.Op.Target)
		case adsync.OpGroupAdd, adsync.OpGroupRemove:
			s += " " + j.groupNames([]string{res.Op.Target})
		case adsync.OpCreate:
			s += " " + j.brief(res.Op.DN)
		}
		if res.Err != nil {
			s += fmt.Sprintf(" FAILED: %v", res.Err)
		}
		ops = append(ops, s)
	}
	fmt.Fprintf(j.w, "          → %s (%s after the change)\n", strings.Join(ops, "; "), latency)
	for _, id := range r.rep.Created {
		e, err := j.dir.Read(ctx, id, []string{"sAMAccountName", "mail", "manager"})
		if err != nil {
			return err
		}
		fmt.Fprintf(j.w, "            account %s, mail %s, manager %s\n", e.First("sAMAccountName"), e.First("mail"), orNone(j.brief(e.First("manager"))))
	}
	return nil
}

// settle runs the reconciliation that the worker runs on a schedule: it
// hands the leaver to the chapel. Then a plan finds nothing to do, and the
// read-back records the day's new account in the org model.
func (j *job) settle(ctx context.Context, leaver uuid.UUID) error {
	t0 := time.Now()
	rep, err := j.rec.Reconcile(ctx)
	if errors.Is(err, chapel.ErrBreaker) {
		return fmt.Errorf("the breaker stopped the chapel: %s", rep.Plan.Chapel.Tripped)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(j.w, "  reconcile (the scheduled safety net) %s (%s)\n", j.summary(rep, 0), since(t0))
	if id, ok := j.links.Link(leaver); ok {
		e, err := j.dir.Read(ctx, id, []string{"sAMAccountName", "adminDescription"})
		if err != nil {
			return err
		}
		state := "enabled"
		if e.Disabled {
			state = "disabled"
		}
		stamp := "no stamp"
		if st, ok, err := chapel.ParseStamp(e.First("adminDescription")); err == nil && ok {
			stamp = fmt.Sprintf("stamped %s on %s, from %s", st.Reason, st.Disabled, j.brief(st.From))
		}
		fmt.Fprintf(j.w, "          the leaver's account %s is %s in %s, %s\n", e.First("sAMAccountName"), state, j.short(parent(e.DN)), stamp)
	}
	for _, line := range failures(rep) {
		fmt.Fprintf(j.w, "          %s\n", line)
	}
	rp, err := j.rec.Plan(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.w, "  plan    %d operations, %d chapel actions: the directory matches the org model\n", len(rp.Accounts.Ops), len(rp.Chapel.Actions()))
	return j.readBack(ctx, "  read-back ")
}

// parent returns the DN of the OU an object is in.
func parent(dn string) string {
	_, p, err := connectors.SplitDN(dn)
	if err != nil {
		return dn
	}
	return p
}
