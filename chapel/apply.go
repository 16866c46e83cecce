package chapel

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Tombstone records a deleted account, so its username stays in
// quarantine: the caller stores it (the org model's account history does)
// and the username generator reads it.
type Tombstone struct {
	// ID is the deleted account's objectGUID.
	ID string
	// Username is the sAMAccountName it had.
	Username string
	// Deleted is the day of deletion.
	Deleted timeline.Date
	// QuarantineUntil is the first day the username may be given again.
	QuarantineUntil timeline.Date
}

// Result is what happened to one planned action.
type Result struct {
	// Item is the planned item.
	Item Item
	// Err is why it failed; nil if it was done.
	Err *AccountError
}

// Report is the outcome of applying a plan.
type Report struct {
	// Results are the planned actions and how each went.
	Results []Result
	// Tombstones are the accounts deleted.
	Tombstones []Tombstone
}

// Failed counts the actions that failed.
func (r *Report) Failed() int {
	n := 0
	for _, x := range r.Results {
		if x.Err != nil {
			n++
		}
	}
	return n
}

// ErrChanged is returned (in an AccountError) for an account that is no
// longer as it was when the plan was made: the plan's action is not done.
var ErrChanged = errors.New("chapel: the account changed since the plan was made")

// Apply carries out the plan's actions. If the breaker tripped, approval
// must be the plan's Fingerprint. Each account is re-read and re-decided
// first, and acted on only if the decision still stands; a failure is
// recorded against its account and the others go on.
func (r *Runner) Apply(ctx context.Context, plan *Plan, approval string) (*Report, error) {
	if plan.Tripped != "" && approval != plan.Fingerprint() {
		return nil, fmt.Errorf("%w: %s; approve plan %s to go ahead", ErrBreaker, plan.Tripped, plan.Fingerprint())
	}
	rep := &Report{}
	for _, it := range plan.Actions() {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		res := Result{Item: it}
		if err := r.applyOne(ctx, plan, it, rep); err != nil {
			res.Err = &AccountError{ID: it.Account.ID, DN: it.Account.DN, Err: err}
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func (r *Runner) applyOne(ctx context.Context, plan *Plan, it Item, rep *Report) error {
	id := connectors.ID(it.Account.ID)
	e, err := r.Dir.Read(ctx, id, r.attrs())
	if err != nil {
		return err
	}
	now := r.account(e)
	p, err := r.People.Person(ctx, now, plan.Now)
	if err != nil {
		return err
	}
	d := r.decide(plan.Now, now, p)
	if d.Action != it.Decision.Action || d.Target != it.Decision.Target {
		return fmt.Errorf("%w: now %s (%s), planned %s", ErrChanged, d.Action, d.Reason, it.Decision.Action)
	}
	switch d.Action {
	case Disable, Adopt:
		return r.disable(ctx, now, d)
	case Reactivate:
		return r.reactivate(ctx, now, d)
	case Redisable:
		return r.Dir.(connectors.Enabler).SetEnabled(ctx, id, false)
	case Delete:
		if err := r.Dir.(connectors.Deleter).Delete(ctx, id); err != nil {
			return err
		}
		rep.Tombstones = append(rep.Tombstones, Tombstone{ID: now.ID, Username: now.Username, Deleted: r.Policy.Zone.Date(plan.Now), QuarantineUntil: d.QuarantineUntil})
	}
	return nil
}

// disable stamps the account, disables it, moves it to the chapel and,
// if the policy says so, removes its groups. The stamp goes first: if the
// run stops after it, the account reads as interrupted and the next run
// completes the rest.
func (r *Runner) disable(ctx context.Context, a Account, d Decision) error {
	id := connectors.ID(a.ID)
	if a.StampValue == "" || d.State != Interrupted {
		st := d.Stamp
		if r.Policy.Groups == GroupsRemove && d.Action == Disable {
			ids, err := r.groupIDs(ctx, a.Groups)
			if err != nil {
				return err
			}
			st.Groups = ids
		}
		v, err := st.Format()
		if err != nil {
			return err
		}
		if err := r.Dir.(connectors.Modifier).Modify(ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: r.Policy.StampAttribute, Values: []string{v}}}); err != nil {
			return err
		}
		d.Stamp = st
	}
	if err := r.Dir.(connectors.Enabler).SetEnabled(ctx, id, false); err != nil {
		return err
	}
	if !r.Policy.inChapel(a.DN) {
		if _, err := r.Dir.(connectors.Mover).Move(ctx, id, connectors.MoveRequest{NewParent: r.Policy.ChapelOU}); err != nil {
			return err
		}
	}
	if r.Policy.Groups == GroupsRemove {
		gm := r.Dir.(connectors.GroupManager)
		for _, g := range d.Stamp.Groups {
			if err := gm.RemoveMember(ctx, connectors.ID(g), id); err != nil {
				return err
			}
		}
	}
	return nil
}

// reactivate moves the account out of the chapel, restores its recorded
// groups, enables it and clears the stamp, in that order: until the stamp
// is cleared, the account reads as interrupted and a later run finishes.
func (r *Runner) reactivate(ctx context.Context, a Account, d Decision) error {
	id := connectors.ID(a.ID)
	if d.Target != "" && r.Policy.inChapel(a.DN) {
		if _, err := r.Dir.(connectors.Mover).Move(ctx, id, connectors.MoveRequest{NewParent: d.Target}); err != nil {
			return err
		}
	}
	if gm, ok := r.Dir.(connectors.GroupManager); ok {
		for _, g := range d.Stamp.Groups {
			if err := gm.AddMember(ctx, connectors.ID(g), id); err != nil && !errors.Is(err, connectors.NotFound) {
				return err
			}
		}
	}
	if err := r.Dir.(connectors.Enabler).SetEnabled(ctx, id, true); err != nil {
		return err
	}
	return r.Dir.(connectors.Modifier).Modify(ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: r.Policy.StampAttribute}})
}

// groupIDs turns the DNs of memberOf into the groups' ids.
func (r *Runner) groupIDs(ctx context.Context, dns []string) ([]string, error) {
	out := make([]string, 0, len(dns))
	for _, dn := range dns {
		e, err := r.Dir.ReadDN(ctx, dn, []string{"cn"})
		if err != nil {
			return nil, fmt.Errorf("reading group %s: %w", dn, err)
		}
		out = append(out, string(e.ID))
	}
	return out, nil
}
