package adsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ReadBack follows the directory's change feed (DirSync in AD) and keeps
// the org model and the links in step with what happened in AD: it records
// each managed account's objectGUID and sAMAccountName as the person's
// account and its mail as the person's EMAIL address, notices accounts
// deleted in AD, and finds drift, a mapped attribute edited (or an account
// moved) by hand, which it corrects or reports as the configuration says.
// It reads the current state of each changed account: the feed's events
// are hints, and the directory is the truth.
type ReadBack struct {
	// Engine supplies the directory, links, mapping and drift policy.
	Engine *Engine
	// Model is the org model written to.
	Model *orgmodel.Model
	// Tokens keeps the position in the feed.
	Tokens TokenStore
	// Applier corrects drift; Engine and Names are set per run.
	Applier Applier
	// Now is the clock that says what day it is (time.Now by default).
	// Registrations in the model are stamped with the wall clock.
	Now func() time.Time
	// Actor names the read-back in the model's registrations (default
	// "adsync").
	Actor string
}

// Drift is a managed account that differs from the org model after a
// change made in AD.
type Drift struct {
	// Person and Account name the account.
	Person uuid.UUID
	// Account is the account's id.
	Account connectors.ID
	// Ops are what it takes to put it right.
	Ops []Op
	// Corrected says the ops were applied.
	Corrected bool
	// Err is why a correction failed.
	Err error
}

// Deleted is a linked account deleted in AD.
type Deleted struct {
	// Person is whose account it was.
	Person uuid.UUID
	// Account is the account's id, and DN where it was.
	Account connectors.ID
	// DN is the account's last DN.
	DN string
}

// ReadBackReport is what one pass of the feed found.
type ReadBackReport struct {
	// Changes counts the changes read.
	Changes int
	// Recorded are the persons whose account or address was written into
	// the org model.
	Recorded []uuid.UUID
	// Drift are the accounts edited by hand.
	Drift []Drift
	// Deleted are the linked accounts deleted in AD. The person's link is
	// dropped and the model's account record ended; if the person is still
	// employed, the next plan creates a new account.
	Deleted []Deleted
	// Errors are the accounts that could not be handled; the others were.
	Errors []error
}

// Sync reads the feed from the saved token to its end, handles every
// change, and saves the token after each page.
func (r *ReadBack) Sync(ctx context.Context) (*ReadBackReport, error) {
	cr, ok := r.Engine.dir.(connectors.ChangeReader)
	if !ok {
		return nil, errors.New("adsync: the directory has no change feed (it is not a connectors.ChangeReader)")
	}
	tok, err := r.Tokens.Load(ctx)
	if err != nil {
		return nil, err
	}
	rep := &ReadBackReport{}
	for {
		page, err := cr.Changes(ctx, connectors.ChangesRequest{Token: tok, BaseDN: r.Engine.cfg.Base})
		if err != nil {
			return rep, err
		}
		for _, c := range page.Changes {
			rep.Changes++
			if err := r.handle(ctx, c, rep); err != nil {
				rep.Errors = append(rep.Errors, fmt.Errorf("adsync: read-back of %s: %w", c.DN, err))
			}
		}
		tok = page.Token
		if err := r.Tokens.Save(ctx, tok); err != nil {
			return rep, err
		}
		if !page.More {
			return rep, nil
		}
	}
}

// Run syncs every interval until ctx ends, handing each report to
// onReport (if set). A failed pass is reported and retried next time.
func (r *ReadBack) Run(ctx context.Context, every time.Duration, onReport func(*ReadBackReport, error)) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rep, err := r.Sync(ctx)
		if onReport != nil {
			onReport(rep, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (r *ReadBack) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// handle handles one change.
func (r *ReadBack) handle(ctx context.Context, c connectors.Change, rep *ReadBackReport) error {
	e := r.Engine
	if c.Deleted {
		person, ok := e.links.Owner(c.ID)
		if !ok {
			return nil
		}
		e.links.Forget(person)
		rep.Deleted = append(rep.Deleted, Deleted{Person: person, Account: c.ID, DN: c.DN})
		return r.record(ctx, person, nil, rep)
	}
	en, err := e.dir.Read(ctx, c.ID, append(e.readAttrs(), "sAMAccountName", "mail", "objectClass"))
	if errors.Is(err, connectors.NotFound) {
		return nil // deleted since; the feed will say so
	}
	if err != nil {
		return err
	}
	if !en.Has("objectClass", "user") || !connectors.IsUnderDN(en.DN, e.cfg.Base) {
		return nil
	}
	person, ok := e.links.Owner(en.ID)
	if !ok {
		p, err := uuid.Parse(en.First(e.cfg.Correlation.Anchor))
		if err != nil {
			return nil // not one of ours
		}
		if _, known := r.Model.Latest().Object(p); !known {
			return fmt.Errorf("the anchor names %s, who is not in the org model", p)
		}
		if _, taken := e.links.Link(p); taken {
			return fmt.Errorf("the anchor names %s, who is linked to another account: resolve by hand", p)
		}
		person = p
	}
	e.links.Set(person, en.ID, en.DN)
	if err := r.record(ctx, person, en, rep); err != nil {
		return err
	}
	return r.drift(ctx, person, en, rep)
}

// record writes the account (nil: deleted) into the org model as the
// person's AD account and EMAIL address, from today on, where the model
// differs.
func (r *ReadBack) record(ctx context.Context, person uuid.UUID, en *connectors.Entry, rep *ReadBackReport) error {
	now := r.now()
	v := r.Model.Latest()
	g := v.Today(now)
	day := g.Day()
	p, ok := g.Person(person)
	if !ok {
		return nil // the person's record ends before today: nothing to say of today
	}
	span := timeline.Interval{From: day, To: p.Validity.To}
	var cs orgmodel.ChangeSet
	var account *orgmodel.Account
	for _, a := range g.Accounts(person) {
		if a.System == System && a.Source == source {
			account = &a
			break
		}
	}
	switch {
	case en == nil && account != nil:
		cs.Terminate(account.ID, day)
	case en == nil:
	case account == nil:
		cs.AddAs(uuid.New(), en.First("sAMAccountName"), source, span, orgmodel.AccountAttrs{System: System, Username: en.First("sAMAccountName"), ExternalID: string(en.ID), Person: person})
	case account.Username != en.First("sAMAccountName") || account.ExternalID != string(en.ID):
		cs.Update(account.ID, timeline.Since(day), orgmodel.AccountPatch{Username: new(en.First("sAMAccountName")), ExternalID: new(string(en.ID))})
	}
	var address *orgmodel.Address
	for _, a := range g.Addresses(person) {
		if a.Type == "EMAIL" && a.Source == source {
			address = &a
			break
		}
	}
	mail := ""
	if en != nil {
		mail = en.First("mail")
	}
	switch {
	case mail == "" && address != nil:
		cs.Terminate(address.ID, day)
	case mail == "":
	case address == nil:
		cs.AddAs(uuid.New(), "", source, span, orgmodel.AddressAttrs{Type: "EMAIL", Value: mail, Person: person})
	case address.Value != mail:
		cs.Update(address.ID, timeline.Since(day), orgmodel.AddressPatch{Value: new(mail)})
	}
	if cs.Len() == 0 {
		return nil
	}
	actor := r.Actor
	if actor == "" {
		actor = source
	}
	// The registration is stamped with the wall clock: it says when the
	// model learnt this, which must never go backwards, while now (a fake
	// clock in tests) says which day it holds from.
	if _, err := r.Model.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: actor, Note: "read back from Active Directory"}); err != nil {
		return err
	}
	rep.Recorded = append(rep.Recorded, person)
	return nil
}

// source is the provenance of what the read-back writes into the model.
const source = "adsync"

// drift plans the person against the account as AD has it now: anything
// to do is drift, corrected or reported.
func (r *ReadBack) drift(ctx context.Context, person uuid.UUID, en *connectors.Entry, rep *ReadBackReport) error {
	e := r.Engine
	g := r.Model.Latest().Today(r.now())
	ops, err := e.PlanPerson(ctx, g, person)
	if errors.Is(err, ErrNoEngagement) || len(ops) == 0 {
		return nil // a leaver's account is the chapel's
	}
	if err != nil {
		return err
	}
	d := Drift{Person: person, Account: en.ID, Ops: ops}
	if e.cfg.Drift == DriftCorrect {
		a := r.Applier
		a.Engine = e
		a.Names = GraphNames{Graph: g}
		res, err := a.Apply(ctx, &Plan{Ops: ops})
		switch {
		case err != nil:
			d.Err = err
		case res.Failed() > 0:
			for _, x := range res.Results {
				if x.Err != nil {
					d.Err = x.Err
					break
				}
			}
		default:
			d.Corrected = true
		}
	}
	rep.Drift = append(rep.Drift, d)
	return nil
}
