package rules

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// maxRejectRounds bounds how often Apply drops refused objects and tries
// again; each round drops at least one object, and a result that keeps
// being refused after this many is not worth more tries.
const maxRejectRounds = 5

// ErrStale is returned by Apply when the model has changed since the rules
// read it: the result may undo what changed. Plan again and apply that.
var ErrStale = errors.New("rules: the model changed since the plan; plan again")

// Apply applies the result's changes to the model in one registration. If
// the model refuses some of them (the model changed since the plan, or a
// rule wrote what the model's invariants forbid), the refused objects'
// changes are left out, each becomes a Rejected conflict in res, and the
// rest is applied: one bad object never stops the others. It returns the
// registration, or the zero Registration if nothing was applied.
func Apply(ctx context.Context, m *orgmodel.Model, res *Result, reg orgmodel.Registration) (orgmodel.Registration, error) {
	if m.Latest().Registration().Seq != res.Seq {
		return orgmodel.Registration{}, ErrStale
	}
	cs := res.Changes
	for round := 0; ; round++ {
		if cs.IsEmpty() {
			return orgmodel.Registration{}, nil
		}
		applied, err := m.Apply(ctx, cs, reg)
		var cse *orgmodel.ChangeSetError
		if err == nil || !errors.As(err, &cse) || round == maxRejectRounds {
			return applied, err
		}
		refused := map[uuid.UUID]bool{}
		for _, p := range cse.Problems {
			refused[p.ID] = true
			rule := res.By[p.ID]
			res.Conflicts = append(res.Conflicts, Conflict{Rule: rule, Kind: Rejected, Objects: []uuid.UUID{p.ID}, When: p.When,
				Detail: fmt.Sprintf("the model refused the change to %s %s: %s", p.Kind, p.ID, p.Error())})
		}
		if len(refused) == 0 {
			return applied, err
		}
		cs = cs.Filter(func(op orgmodel.Op) bool { return !refused[op.ID] })
	}
}
