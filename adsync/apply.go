package adsync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/username"
)

// Names tells apply a person's name, for the username generator.
type Names interface {
	// Name returns the person's name.
	Name(person uuid.UUID) (username.Name, error)
}

// GraphNames is Names from an org graph.
type GraphNames struct {
	// Graph is the graph the names are read from.
	Graph orgmodel.Graph
}

// Name returns the person's name on the graph's day.
func (n GraphNames) Name(person uuid.UUID) (username.Name, error) {
	p, ok := n.Graph.Person(person)
	if !ok {
		return username.Name{}, fmt.Errorf("adsync: person %s is not valid on %s", person, n.Graph.Day())
	}
	return username.Name{GivenNames: p.GivenNames, Surname: p.Surname}, nil
}

// Applier carries out plans. Its zero retry settings retry a transient
// error three times, after 100 ms, 200 ms and 400 ms.
type Applier struct {
	// Engine is the engine whose plans are applied.
	Engine *Engine
	// Usernames makes the usernames (and UPNs and addresses) of new
	// accounts.
	Usernames *username.Generator
	// Names gives persons' names.
	Names Names
	// Retries is how many times a transient error is retried.
	Retries int
	// Sleep waits between retries (time.Sleep by default; tests pass a
	// fake).
	Sleep func(time.Duration)
}

// Result is what happened to one operation.
type Result struct {
	// Op is the operation.
	Op Op
	// Err is why it failed, nil if done; the person's later operations
	// are skipped.
	Err error
	// Skipped reports that an earlier operation of the person failed.
	Skipped bool
}

// Report is the outcome of applying a plan.
type Report struct {
	// Results are the operations in plan order.
	Results []Result
	// Created maps persons to the accounts created for them.
	Created map[uuid.UUID]connectors.ID

	groups map[string]connectors.ID // the run's groups by DN as written
}

// Failed counts the operations that failed or were skipped.
func (r *Report) Failed() int {
	n := 0
	for _, x := range r.Results {
		if x.Err != nil || x.Skipped {
			n++
		}
	}
	return n
}

// Apply carries out the plan's operations in order. A transient error is
// retried with backoff; a permanent one is recorded against its person,
// whose later operations are skipped, and the others go on.
//
// When ctx ends, Apply stops before the next person's operations, not in
// the middle of one person's: an account half made (created, not yet in
// its groups) or half renamed is not left behind by a stop. The
// operations of the person in hand run to their end (each bounded by the
// connector's own timeout).
func (a *Applier) Apply(ctx context.Context, p *Plan) (*Report, error) {
	rep := &Report{Created: map[uuid.UUID]connectors.ID{}, groups: map[string]connectors.ID{}}
	failed := map[uuid.UUID]bool{}
	outer := ctx
	ctx = context.WithoutCancel(ctx)
	for i, op := range p.Ops {
		if i == 0 || op.Person != p.Ops[i-1].Person {
			if err := outer.Err(); err != nil {
				return rep, err
			}
		}
		if failed[op.Person] {
			rep.Results = append(rep.Results, Result{Op: op, Skipped: true})
			continue
		}
		tries := 0
		err := a.retry(ctx, func() error {
			tries++
			if op.Kind == OpCreate && tries > 1 {
				// The Add that failed may have happened all the same (a
				// write whose reply was lost): if the anchor is there,
				// the account is taken as created, not made again.
				if found, err := a.anchored(ctx, op, rep); found || err != nil {
					return err
				}
			}
			return a.one(ctx, op, rep)
		})
		if err != nil {
			failed[op.Person] = true
		}
		rep.Results = append(rep.Results, Result{Op: op, Err: err})
	}
	return rep, nil
}

// retry runs fn, again after a transient error.
func (a *Applier) retry(ctx context.Context, fn func() error) error {
	n := a.Retries
	if n == 0 {
		n = 3
	}
	sleep := a.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	wait := 100 * time.Millisecond
	for i := 0; ; i++ {
		err := fn()
		if err == nil || !errors.Is(err, connectors.Transient) || i == n || ctx.Err() != nil {
			return err
		}
		sleep(wait)
		wait *= 2
	}
}

func (a *Applier) one(ctx context.Context, op Op, rep *Report) error {
	e := a.Engine
	id := op.Account
	if id == "" {
		id = rep.Created[op.Person]
	}
	switch op.Kind {
	case OpCreate:
		return a.create(ctx, op, rep)
	case OpLink:
		e.links.Set(op.Person, op.Account, op.DN)
		return nil
	case OpModify:
		mods := make([]connectors.Modification, 0, len(op.Changes))
		for _, c := range op.Changes {
			mods = append(mods, connectors.Modification{Op: connectors.ModReplace, Name: c.Attribute, Values: c.New})
		}
		return e.dir.(connectors.Modifier).Modify(ctx, id, mods)
	case OpMove:
		if err := a.ensureOU(ctx, op.Target); err != nil {
			return err
		}
		dn, err := e.dir.(connectors.Mover).Move(ctx, id, connectors.MoveRequest{NewParent: op.Target})
		if err == nil && !op.Service {
			e.links.Set(op.Person, id, dn)
		}
		return err
	case OpRename:
		cur, err := e.dir.Read(ctx, id, []string{"cn"})
		if err != nil {
			return err
		}
		want, err := connectors.JoinDN("CN", op.Target, parentDN(cur.DN))
		if err != nil {
			return err
		}
		free, err := a.freeDN(ctx, want)
		if err != nil {
			return err
		}
		rdn, _, err := connectors.SplitDN(free)
		if err != nil {
			return err
		}
		dn, err := e.dir.(connectors.Mover).Move(ctx, id, connectors.MoveRequest{NewName: rdn.Value})
		if err == nil {
			e.links.Set(op.Person, id, dn)
		}
		return err
	case OpEnable:
		return e.dir.(connectors.Enabler).SetEnabled(ctx, id, true)
	case OpGroupAdd, OpGroupRemove:
		// A run adds many members to few groups: each group is looked
		// up once.
		gid, ok := rep.groups[op.Target]
		if !ok {
			g, err := e.dir.ReadDN(ctx, op.Target, []string{"cn"})
			if err != nil {
				return fmt.Errorf("group %s: %w", op.Target, err)
			}
			gid = g.ID
			rep.groups[op.Target] = gid
		}
		gm := e.dir.(connectors.GroupManager)
		if op.Kind == OpGroupAdd {
			return gm.AddMember(ctx, gid, id)
		}
		return gm.RemoveMember(ctx, gid, id)
	}
	return fmt.Errorf("adsync: unknown operation %s", op.Kind)
}

// create makes the account with a generated username, the anchor in the
// same Add, and a random initial password nobody sees; on "already
// exists" the generator moves to the next candidate.
func (a *Applier) create(ctx context.Context, op Op, rep *Report) error {
	e := a.Engine
	name, err := a.Names.Name(op.Person)
	if err != nil {
		return err
	}
	if err := a.ensureOU(ctx, parentDN(op.DN)); err != nil {
		return err
	}
	mapped := map[string]bool{}
	for _, c := range op.Changes {
		mapped[strings.ToLower(c.Attribute)] = true
	}
	isTaken := func(err error) bool { return errors.Is(err, connectors.AlreadyExists) }
	_, err = a.Usernames.Create(ctx, username.Request{Name: name, Person: op.Person.String()}, 5, isTaken,
		func(ctx context.Context, r username.Result) error {
			attrs := []connectors.Attribute{
				{Name: "objectClass", Values: []string{"user"}},
				{Name: "sAMAccountName", Values: []string{r.Username}},
				{Name: e.cfg.Correlation.Anchor, Values: []string{op.Person.String()}},
			}
			if r.UPN != "" && !mapped["userprincipalname"] {
				attrs = append(attrs, connectors.Attribute{Name: "userPrincipalName", Values: []string{r.UPN}})
			}
			if r.Mail != "" && !mapped["mail"] {
				attrs = append(attrs, connectors.Attribute{Name: "mail", Values: []string{r.Mail}})
			}
			for _, c := range op.Changes {
				attrs = append(attrs, connectors.Attribute{Name: c.Attribute, Values: c.New})
			}
			dn, err := a.freeDN(ctx, op.DN)
			if err != nil {
				return err
			}
			id, err := e.dir.(connectors.Creator).Create(ctx, connectors.CreateRequest{DN: dn, Attributes: attrs, Password: connectors.Secret(initialPassword()), Enabled: true})
			if err != nil {
				return err
			}
			rep.Created[op.Person] = id
			e.links.Set(op.Person, id, dn)
			return nil
		})
	return err
}

// anchored looks below the base for an account carrying the person's
// anchor, as an Add whose reply was lost leaves behind, and records it as
// the one created. It reports whether it found one.
func (a *Applier) anchored(ctx context.Context, op Op, rep *Report) (bool, error) {
	e := a.Engine
	anchor := e.cfg.Correlation.Anchor
	found, err := dirFinder{dir: e.dir, base: e.cfg.Base, attrs: []string{anchor}}.find(ctx, anchor, op.Person.String())
	switch {
	case err != nil:
		return false, err
	case len(found) == 0:
		return false, nil
	case len(found) > 1:
		return false, fmt.Errorf("adsync: %d accounts carry the anchor of person %s: resolve by hand", len(found), op.Person)
	}
	rep.Created[op.Person] = found[0].ID
	e.links.Set(op.Person, found[0].ID, found[0].DN)
	return true, nil
}

// freeDN returns dn, or if an object is there already (two people with
// the same name in one OU), the same name numbered: "Jens Hansen 2", "3"…
// A DN taken between this check and the Add fails that Add as "already
// exists", and the next attempt looks again.
func (a *Applier) freeDN(ctx context.Context, dn string) (string, error) {
	rdn, parent, err := connectors.SplitDN(dn)
	if err != nil {
		return "", err
	}
	try := dn
	for i := 2; ; i++ {
		_, err := a.Engine.dir.ReadDN(ctx, try, []string{"cn"})
		switch {
		case errors.Is(err, connectors.NotFound):
			return try, nil
		case err != nil:
			return "", err
		case i > 999:
			return "", fmt.Errorf("adsync: %d objects are named %q in %s", i-1, rdn.Value, parent)
		}
		if try, err = connectors.JoinDN(rdn.Type, fmt.Sprintf("%s %d", rdn.Value, i), parent); err != nil {
			return "", err
		}
	}
}

// ensureOU creates an OU and its missing parents below the engine's base.
func (a *Applier) ensureOU(ctx context.Context, dn string) error {
	e := a.Engine
	if dn == "" || !connectors.IsUnderDN(dn, e.cfg.Base) || connectors.EqualDN(dn, e.cfg.Base) {
		return nil
	}
	if _, err := e.dir.ReadDN(ctx, dn, []string{"ou"}); err == nil {
		return nil
	} else if !errors.Is(err, connectors.NotFound) {
		return err
	}
	if err := a.ensureOU(ctx, parentDN(dn)); err != nil {
		return err
	}
	_, err := e.dir.(connectors.Creator).Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	if errors.Is(err, connectors.AlreadyExists) {
		return nil // made by a concurrent run a moment ago
	}
	return err
}

func parentDN(dn string) string {
	_, p, err := connectors.SplitDN(dn)
	if err != nil {
		return ""
	}
	return p
}

// initialPassword is a random password AD's complexity rules accept. It
// is never logged or returned; the person gets their first password by the
// municipality's own procedure (boarding's one-time secret).
func initialPassword() string { return string(connectors.RandomPassword(24)) }
