package orgmodel_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// TestRegistered lists the objects of a kind that a range of
// registrations wrote, deletions included, and no others.
func TestRegistered(t *testing.T) {
	m := om.New(om.Options{})
	always := timeline.Since(timeline.MustParseDate("2024-01-01"))
	t0 := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	apply := func(cs *om.ChangeSet) uint64 {
		t.Helper()
		reg, err := m.Apply(context.Background(), cs, om.Registration{Time: t0, Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		t0 = t0.Add(time.Hour)
		return reg.Seq
	}
	var cs1 om.ChangeSet
	unit := cs1.Add("1", always, om.UnitAttrs{Name: "Enhed"})
	p := cs1.Add("p", always, om.PersonAttrs{GivenNames: "Per", Surname: "Prik"})
	e1 := cs1.Add("e1", always, om.EngagementAttrs{Person: p, Unit: unit, Type: "Månedsløn", Fraction: 1})
	r1 := apply(&cs1)
	var cs2 om.ChangeSet
	e2 := cs2.Add("e2", always, om.EngagementAttrs{Person: p, Unit: unit, Type: "Månedsløn", Fraction: 1})
	r2 := apply(&cs2)
	var cs3 om.ChangeSet
	cs3.Delete(e1)
	r3 := apply(&cs3)

	sorted := func(ids ...uuid.UUID) []uuid.UUID {
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
		return ids
	}
	for _, c := range []struct {
		first, last uint64
		want        []uuid.UUID
	}{
		{r1, r1, []uuid.UUID{e1}},
		{r2, r2, []uuid.UUID{e2}},
		{r3, r3, []uuid.UUID{e1}}, // the deletion
		{r2, r3, sorted(e1, e2)},
		{r3 + 1, r3 + 5, nil},
		{0, r3, sorted(e1, e2)},
	} {
		if got := m.Registered(om.KindEngagement, c.first, c.last); !slices.Equal(got, c.want) {
			t.Errorf("Registered(engagement, %d, %d) = %v, want %v", c.first, c.last, got, c.want)
		}
	}
	if got := m.Registered(om.KindUnit, r2, r3); len(got) != 0 {
		t.Errorf("units in %d–%d: %v, want none", r2, r3, got)
	}
}
