package report

import (
	"context"
	"sync"
	"testing"
	"time"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var fuzzOnce struct {
	sync.Once
	m *om.Model
}

// fuzzModel is a model with a hire registered every hour of 2027-01-01
// to 2027-01-12, built once.
func fuzzModel(t *testing.T) *om.Model {
	fuzzOnce.Do(func() {
		m := om.New(om.Options{})
		var cs om.ChangeSet
		always := timeline.Since(timeline.MustParseDate("2020-01-01"))
		unit := cs.Add("1", always, om.UnitAttrs{Name: "Enhed"})
		p := cs.Add("p", always, om.PersonAttrs{GivenNames: "Per", Surname: "Prik"})
		base := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
		if _, err := m.Apply(context.Background(), &cs, om.Registration{Time: base, Actor: "setup"}); err != nil {
			panic(err)
		}
		for i := 1; i <= 12*24; i++ {
			var h om.ChangeSet
			h.Add("e", timeline.Since(timeline.MustParseDate("2027-02-01")), om.EngagementAttrs{Person: p, Unit: unit, Type: "Månedsløn", Fraction: 1})
			if _, err := m.Apply(context.Background(), &h, om.Registration{Time: base.Add(time.Duration(i) * time.Hour), Actor: "sd"}); err != nil {
				panic(err)
			}
		}
		fuzzOnce.m = m
	})
	return fuzzOnce.m
}
