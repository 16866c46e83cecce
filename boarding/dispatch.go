package boarding

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// Dispatcher carries out what stored orders call for: it mails a manual
// system's tasks to its administrators (one mail per task, or one digest
// per system and interval), hands an integrated system's tasks to its
// connector and records what the system says, tells the administrators
// of a withdrawn task, and queues the notices of an order's life (the
// welcome, the fulfilment for the manager and HR, an expiry, a
// rejection, an attest's reminder and escalation) and the initial
// password's one-time link.
//
// Every notice is queued in the outbox under a key of its order and
// fact, and then recorded in the order (Order.Told); a dispatcher that
// dies between the two queues it again on the next run, and the outbox
// keeps it once. Connector calls are idempotent (the task's id goes with
// them), so a grant tried again after a crash is harmless.
type Dispatcher struct {
	// Engine is the engine whose orders are dispatched.
	Engine *Engine
	// Outbox queues the mail.
	Outbox outbox.Store
	// From is the sender of every mail.
	From connectors.Address
	// BaseURL is where the service answers ("https://orgsync.sjolund.dk"):
	// task mails link to BaseURL/boarding/confirm, the password to
	// BaseURL/boarding/secret. Without it (or without Signer) task mails
	// have no links, and the tasks are confirmed in the service.
	BaseURL string
	// Signer signs the task mails' links; LinkFor is how long they hold
	// (default 30 days).
	Signer *Signer
	// LinkFor is how long a task mail's links hold.
	LinkFor time.Duration
	// Provisioners carry out integrated systems' tasks, by the
	// catalogue's connector name ("ad-groups").
	Provisioners map[string]connectors.Provisioner
	// MaxAttempts is how often a connector is tried before its task
	// fails (default 6); the waits between double from a minute.
	MaxAttempts int
	// Passwords, if set, sets the new employee's initial password in the
	// directory when their order activates; Secrets seals it for its
	// one-time link, which goes to the orderer in a mail of its own. The
	// welcome mail never holds it.
	Passwords connectors.PasswordSetter
	// Secrets keeps the sealed passwords.
	Secrets *Secrets
	// SecretFor is how long a password's link holds after the first day
	// (default 14 days).
	SecretFor time.Duration
}

// DispatchReport counts what a dispatch did.
type DispatchReport struct {
	// Mails counts the mails queued (a digest is one).
	Mails int
	// Granted and Revoked count the integrated tasks done.
	Granted, Revoked int
	// Retried counts the connector calls that failed for now;
	// Failed the tasks failed for good.
	Retried, Failed int
	// Refused counts the orders whose mail the outbox refused as
	// malformed (logged; they stay due).
	Refused int
}

// Dispatch does what every due order calls for, and sends the digests
// that are due. An order it cannot finish (a connector down) keeps its
// work for the next run; only a failing store or outbox stops it.
func (d *Dispatcher) Dispatch(ctx context.Context) (DispatchReport, error) {
	var rep DispatchReport
	if err := d.check(); err != nil {
		return rep, err
	}
	due, err := d.Engine.Store.List(ctx, Query{Due: true})
	if err != nil {
		return rep, err
	}
	var digested []uuid.UUID
	for i := range due {
		err := d.order(ctx, due[i].ID, &rep)
		if connectors.KindOf(err) == connectors.Invalid {
			// A mail the outbox refuses (an address that does not parse)
			// must not hold up every order after it: the order stays due.
			d.Engine.log().Error("boarding: an order's mail was refused; it is tried again at the next dispatch", "order", due[i].ID, "error", err)
			rep.Refused++
			continue
		}
		if err != nil {
			return rep, err
		}
		if d.holdsDigested(&due[i]) {
			digested = append(digested, due[i].ID)
		}
	}
	if len(digested) > 0 {
		if err := d.digests(ctx, digested, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// order does one order's work: its notices and its tasks' mails first,
// then its integrated tasks.
func (d *Dispatcher) order(ctx context.Context, id uuid.UUID, rep *DispatchReport) error {
	e := d.Engine
	var queued int
	_, err := e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
		queued = 0
		now := e.now()
		v := e.Model.Latest()
		var msgs []connectors.Message
		var facts []string
		for _, f := range o.facts() {
			if o.told(f) {
				continue
			}
			if m, ok := d.notice(v, o, f); ok {
				msgs = append(msgs, m)
			}
			facts = append(facts, f)
		}
		for i := range o.Tasks {
			t := &o.Tasks[i]
			if t.Integrated {
				continue
			}
			switch {
			case t.State == Open && !o.told(taskFact(t, "open")) && d.digestOf(t) == 0:
				if to := d.recipientsOf(t); len(to) > 0 {
					msgs = append(msgs, d.taskMail(mailKey(o, taskFact(t, "open")), to, []*taskFacts{d.facts(v, o, t, now)}))
				}
				facts = append(facts, taskFact(t, "open"))
			case t.State == TaskCancelled && o.told(taskFact(t, "open")) && !o.told(taskFact(t, "withdrawn")):
				if to := d.recipientsOf(t); len(to) > 0 {
					msgs = append(msgs, d.withdrawnMail(v, o, t, to))
				}
				facts = append(facts, taskFact(t, "withdrawn"))
			}
		}
		if o.Kind == Onboard && (o.State == Active || o.State == Fulfilled || o.State == PartiallyFulfilled) && !o.told(factSecret) {
			m, ok, err := d.secret(ctx, v, o, now)
			if err != nil {
				e.log().Warn("boarding: the initial password was not set; tried again at the next dispatch", "order", o.ID, "error", err)
			} else {
				if ok {
					msgs = append(msgs, m)
				}
				facts = append(facts, factSecret)
			}
		}
		if len(facts) == 0 {
			return nil, nil
		}
		n, err := d.Outbox.Enqueue(ctx, now, msgs...)
		if err != nil {
			return nil, err
		}
		queued = n
		for _, f := range facts {
			o.tell(f)
		}
		o.touch(now)
		return []AuditEntry{o.entry(uuid.Nil, now, machine, "notify", "", "", fmt.Sprintf("%d mail(s) queued", len(msgs)))}, nil
	})
	if err != nil {
		return err
	}
	rep.Mails += queued
	return d.integrated(ctx, id, rep)
}

// digestOf returns the task's system's digest interval, or 0 for a mail
// per task.
func (d *Dispatcher) digestOf(t *Task) time.Duration {
	if t.Item.IsEquipment() {
		return 0
	}
	s, ok := d.Engine.Catalogue.System(t.Item.System)
	if !ok {
		return 0
	}
	return s.DigestInterval()
}

func (d *Dispatcher) holdsDigested(o *Order) bool {
	return slices.ContainsFunc(o.Tasks, func(t Task) bool {
		return !t.Integrated && t.State == Open && !o.told(taskFact(&t, "open")) && d.digestOf(&t) > 0
	})
}

// digests mails each system's waiting tasks in one mail once the oldest
// has waited the system's interval, then records each as told. A crash
// between the two mails the tasks not yet recorded again, in a digest of
// their own: at least once, never lost.
func (d *Dispatcher) digests(ctx context.Context, ids []uuid.UUID, rep *DispatchReport) error {
	e := d.Engine
	now := e.now()
	v := e.Model.Latest()
	type member struct {
		order uuid.UUID
		facts *taskFacts
	}
	bySystem := map[string][]member{}
	oldest := map[string]time.Time{}
	for _, id := range ids {
		o, err := e.Store.Get(ctx, id)
		if err != nil {
			return err
		}
		for i := range o.Tasks {
			t := &o.Tasks[i]
			if t.Integrated || t.State != Open || o.told(taskFact(t, "open")) || d.digestOf(t) == 0 {
				continue
			}
			s := t.Item.System
			bySystem[s] = append(bySystem[s], member{o.ID, d.facts(v, o, t, now)})
			if at, ok := oldest[s]; !ok || t.Opened.Before(at) {
				oldest[s] = t.Opened
			}
		}
	}
	systems := make([]string, 0, len(bySystem))
	for s := range bySystem {
		systems = append(systems, s)
	}
	slices.Sort(systems)
	for _, s := range systems {
		ms := bySystem[s]
		if now.Before(oldest[s].Add(d.digestOf(ms[0].facts.task))) {
			continue
		}
		tasks := make([]uuid.UUID, len(ms))
		fs := make([]*taskFacts, len(ms))
		for i, m := range ms {
			tasks[i], fs[i] = m.facts.task.ID, m.facts
		}
		if to := d.recipientsOf(ms[0].facts.task); len(to) > 0 {
			n, err := d.Outbox.Enqueue(ctx, now, d.taskMail(digestKey(s, tasks), to, fs))
			if err != nil {
				return err
			}
			rep.Mails += n
		}
		for _, m := range ms {
			task := m.facts.task.ID
			if _, err := e.change(ctx, m.order, func(o *Order) ([]AuditEntry, error) {
				i := o.task(task)
				if i < 0 || o.told(taskFact(&o.Tasks[i], "open")) {
					return nil, nil
				}
				o.tell(taskFact(&o.Tasks[i], "open"))
				o.touch(now)
				return []AuditEntry{o.entry(task, now, machine, "notify", "", "", "in the digest of "+s)}, nil
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

// integrated hands the order's open integrated tasks to their connectors
// and asks about those in progress, storing each answer.
func (d *Dispatcher) integrated(ctx context.Context, id uuid.UUID, rep *DispatchReport) error {
	e := d.Engine
	o, err := e.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	for i := range o.Tasks {
		t := o.Tasks[i]
		if !t.Integrated || (t.State != Open && t.State != Executing) || e.now().Before(t.NextTry) {
			continue
		}
		if d.provisioner(t.Item) == nil {
			// Left open for when the operator configures it: a missing
			// connector is the deployment's to fix, not the task's fault.
			e.log().Warn("boarding: no connector is configured for an integrated system; its tasks wait", "system", t.Item.System)
			continue
		}
		state, callErr := d.call(ctx, o, &t)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := e.change(ctx, id, func(o *Order) ([]AuditEntry, error) {
			log, err := d.record(o, t.ID, state, callErr, rep)
			j := o.task(t.ID)
			if err != nil || j < 0 || o.Tasks[j].State != Done {
				return log, err
			}
			// The advisees hear of it; the key makes a retry's mail the same.
			if to := d.adviseesOf(&o.Tasks[j], nil); len(to) > 0 {
				if _, err := d.Outbox.Enqueue(ctx, e.now(), d.fyiMail(e.Model.Latest(), o, &o.Tasks[j], to)); err != nil {
					return nil, err
				}
			}
			return log, nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// call asks the task's connector to carry it out, or where it stands.
func (d *Dispatcher) call(ctx context.Context, o *Order, t *Task) (connectors.GrantState, error) {
	e := d.Engine
	s, ok := e.Catalogue.System(t.Item.System)
	if !ok {
		return 0, connectors.Errorf(connectors.Configuration, "provision", "the catalogue has no system %s", t.Item.System)
	}
	p := d.Provisioners[s.Connector]
	g := connectors.Grant{Task: t.ID.String(), Resource: t.Item.Resource}
	if r, ok := e.Catalogue.Resource(t.Item.System, t.Item.Resource); ok {
		g.Target = r.Group
	}
	g.Account, g.Username = accountID(e.Model.Latest(), o.Person)
	switch {
	case t.State == Executing:
		return p.Status(ctx, g)
	case t.Action == Revoke:
		return p.Revoke(ctx, g)
	default:
		return p.Grant(ctx, g)
	}
}

// provisioner returns the connector of the item's system, or nil.
func (d *Dispatcher) provisioner(it Item) connectors.Provisioner {
	if s, ok := d.Engine.Catalogue.System(it.System); ok {
		return d.Provisioners[s.Connector]
	}
	return nil
}

// record stores a connector's answer on the task: done, in progress, to
// be tried again (a transient failure, until MaxAttempts), or failed.
func (d *Dispatcher) record(o *Order, task uuid.UUID, state connectors.GrantState, callErr error, rep *DispatchReport) ([]AuditEntry, error) {
	i := o.task(task)
	if i < 0 || o.State != Active {
		return nil, nil
	}
	t := &o.Tasks[i]
	if t.State != Open && t.State != Executing { // closed meanwhile (its order cancelled)
		return nil, nil
	}
	now := d.Engine.now()
	system := Actor{Name: "connector " + t.Item.System}
	t.Attempts++
	if callErr != nil {
		t.LastError = callErr.Error()
		limit := d.MaxAttempts
		if limit <= 0 {
			limit = 6
		}
		if connectors.KindOf(callErr).Retryable() && t.Attempts < limit {
			t.NextTry = now.Add(time.Minute << min(t.Attempts-1, 10))
			o.touch(now)
			rep.Retried++
			return []AuditEntry{o.entry(t.ID, now, system, "retry", string(t.State), string(t.State), t.LastError)}, nil
		}
		rep.Failed++
		return o.Close(task, Fail, now, system, t.LastError)
	}
	want := connectors.GrantHeld
	if t.Action == Revoke {
		want = connectors.GrantNotHeld
	}
	switch state {
	case want:
		if t.Action == Revoke {
			rep.Revoked++
		} else {
			rep.Granted++
		}
		t.LastError = ""
		return o.Close(task, Complete, now, system, "")
	case connectors.GrantInProgress:
		if t.State == Executing {
			t.NextTry = now.Add(time.Minute)
			o.touch(now)
			return []AuditEntry{o.entry(t.ID, now, system, "status", string(t.State), string(t.State), "in progress")}, nil
		}
		return o.Close(task, Start, now, system, "")
	}
	rep.Failed++
	return o.Close(task, Fail, now, system, fmt.Sprintf("the system says the grant is %s", state))
}

// accountID returns the stable id and username of the person's AD
// account, as read-back recorded it.
func accountID(v orgmodel.View, person uuid.UUID) (connectors.ID, string) {
	a, ok := adAccount(v, person)
	if !ok {
		return "", ""
	}
	return connectors.ID(a.ExternalID), a.Username
}

// check refuses a dispatcher that could not send a mail: no engine or
// outbox, a sender that is not an address, a base URL that is not an
// absolute http(s) URL.
func (d *Dispatcher) check() error {
	bad := func(format string, a ...any) error {
		return connectors.Errorf(connectors.Configuration, "dispatch", format, a...)
	}
	switch {
	case d.Engine == nil || d.Outbox == nil:
		return bad("a dispatcher needs an Engine and an Outbox")
	case d.Signer != nil && d.BaseURL == "":
		return bad("links are signed but there is no BaseURL to put them under")
	}
	probe := connectors.Message{Key: "probe", From: d.From, To: []connectors.Address{{Addr: "probe@example.org"}}, Subject: "probe", Text: "probe"}
	if err := connectors.CheckMessage(&probe); err != nil {
		return bad("the sender %q: %v", d.From.Addr, err)
	}
	if d.BaseURL != "" {
		u, err := url.Parse(d.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad("the base URL %q is not an absolute http(s) URL", d.BaseURL)
		}
	}
	return nil
}
