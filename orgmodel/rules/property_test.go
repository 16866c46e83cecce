package rules_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// seeds are the synthetic municipalities the properties are checked on.
var seeds = []uint64{1, 2, 3, 5, 8, 13}

// fullConfig enables every rule, with settings that make them all work
// on the synthetic municipality.
func fullConfig() rules.Config {
	c := synthConfig()
	c.Leder.Levels = nil
	c.Validity.Adopt = []string{""}
	return c
}

func settle(t *testing.T, m *orgmodel.Model, set *rules.Set) *rules.Result {
	t.Helper()
	res, err := set.Plan(m.Latest(), timeline.Since(today))
	require.NoError(t, err)
	_, err = rules.Apply(ctx, m, res, orgmodel.Registration{Time: time.Now(), Actor: "rules"})
	require.NoError(t, err)
	return res
}

// The same model gives the same result, whatever order maps iterate in:
// two models built from one seed plan the same operations and conflicts.
func TestPlansAreDeterministic(t *testing.T) {
	set, err := rules.New(fullConfig())
	require.NoError(t, err)
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			var plans, conflicts []string
			for range 3 {
				m, _ := smallModel(t, seed)
				res, err := set.Plan(m.Latest(), timeline.Since(today))
				require.NoError(t, err)
				plans = append(plans, res.Changes.String())
				conflicts = append(conflicts, fmt.Sprint(res.Conflicts, res.Unrelated))
			}
			assert.Equal(t, plans[0], plans[1])
			assert.Equal(t, plans[0], plans[2])
			assert.Equal(t, conflicts[0], conflicts[1])
			assert.Equal(t, conflicts[0], conflicts[2])
		})
	}
}

// After a run, a second finds nothing to do, and so does each rule on its
// own: no rule undoes what another decided.
func TestRulesSettleAndDoNotUndoEachOther(t *testing.T) {
	set, err := rules.New(fullConfig())
	require.NoError(t, err)
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			m, _ := smallModel(t, seed)
			first := settle(t, m, set)
			require.Positive(t, first.Changes.Len())
			again, err := set.Plan(m.Latest(), timeline.Since(today))
			require.NoError(t, err)
			assert.True(t, again.Changes.IsEmpty(), "second run:\n%s", again.Changes)
			for _, rule := range rules.Order {
				c := only(fullConfig(), rule)
				one, err := rules.New(c)
				require.NoError(t, err)
				res, err := one.Plan(m.Latest(), timeline.Since(today))
				require.NoError(t, err)
				assert.True(t, res.Changes.IsEmpty(), "%s alone would change:\n%s", rule, res.Changes)
			}
		})
	}
}

// only returns c with just the named rule enabled.
func only(c rules.Config, rule string) rules.Config {
	c.Leder.Enabled = rule == rules.Leder
	c.Validity.Enabled = rule == rules.Validity
	c.Elevation.Enabled = rule == rules.Elevation
	c.Coupling.Enabled = rule == rules.Coupling
	c.Primary.Enabled = rule == rules.Primary
	return c
}

// What an event handler does (run the rules for the person a change was
// about) leaves nothing for a full run to do.
func TestAPersonsRunCatchesWhatTheirChangeImplies(t *testing.T) {
	set, err := rules.New(fullConfig())
	require.NoError(t, err)
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			m, mu := smallModel(t, seed)
			settle(t, m, set)
			r := rand.New(rand.NewPCG(seed, 7))
			refused := 0
			defer func() { assert.Less(t, refused, 5, "most random changes are ones the model takes") }()
			for i := range 20 {
				p := mu.Persons[r.IntN(len(mu.Persons))]
				what := change(t, m, p, r)
				if strings.HasPrefix(what, "refused") {
					refused++
				}
				res, err := set.PlanPersons(m.Latest(), timeline.Since(today), []uuid.UUID{p})
				require.NoError(t, err)
				_, err = rules.Apply(ctx, m, res, orgmodel.Registration{Time: time.Now(), Actor: "rules"})
				require.NoError(t, err)
				full, err := set.Plan(m.Latest(), timeline.Since(today))
				require.NoError(t, err)
				require.True(t, full.Changes.IsEmpty(), "change %d (%s): the person's run missed:\n%s", i, what, full.Changes)
			}
		})
	}
}

// change makes a random change to the person's engagements, as a payroll
// import would: a move, a new engagement elsewhere, or an ending.
func change(t *testing.T, m *orgmodel.Model, p uuid.UUID, r *rand.Rand) string {
	t.Helper()
	g := m.Latest().At(today)
	engs := g.Engagements(p)
	var units, leder []uuid.UUID
	for o := range m.Latest().All(orgmodel.KindUnit) {
		if u, ok := g.Unit(o.ID); ok {
			units = append(units, o.ID)
			if strings.HasSuffix(u.Name, "_leder") && u.Parent != uuid.Nil {
				leder = append(leder, o.ID)
			}
		}
	}
	when := today.AddDays(r.IntN(60) - 10)
	var cs orgmodel.ChangeSet
	var what string
	switch k := r.IntN(4); {
	case k == 3 && len(leder) > 0:
		l := leder[r.IntN(len(leder))]
		cs.Add(fmt.Sprint("A", r.Int()), timeline.Since(when), orgmodel.AssociationAttrs{Person: p, Unit: l, Type: synth.ManagerMarker})
		if u, ok := g.Unit(l); ok && len(engs) > 0 {
			// and works in its parent from then on, so they may win
			cs.Add(fmt.Sprint("X", r.Int()), timeline.Since(when), orgmodel.EngagementAttrs{Person: p, Unit: u.Parent, EmploymentNumber: fmt.Sprint(80000 + r.IntN(1000)), Fraction: 1})
		}
		what = "joins a _leder unit"
	case k == 0 && len(engs) > 0:
		u := units[r.IntN(len(units))]
		cs.Update(engs[0].ID, timeline.Since(max(when, engs[0].Span.From)), orgmodel.EngagementPatch{Unit: &u, SourceUnit: new(uuid.Nil), PlacedBy: new("")})
		what = "move"
	case k == 1 && len(engs) > 0 && len(g.PersonManagers(p)) == 0:
		cs.Terminate(engs[0].ID, max(when, engs[0].Span.From.AddDays(1)))
		what = "end"
	default:
		u := units[r.IntN(len(units))]
		cs.Add(fmt.Sprint("X", r.Int()), timeline.Since(when), orgmodel.EngagementAttrs{Person: p, Unit: u, EmploymentNumber: fmt.Sprint(90000 + r.IntN(1000)), Fraction: 0.5})
		what = "hire"
	}
	_, err := m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "payroll"})
	if err != nil {
		return "refused: " + err.Error()
	}
	return what
}
