package rules_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var benchToday = timeline.MustParseDate("2026-11-22")

// benchModel is the municipal-size synthetic municipality (50,000
// persons, 5,000 units, 60,000 engagements), loaded once per test binary.
var benchModel = sync.OnceValues(func() (*orgmodel.Model, *synth.Municipality) {
	mu, err := synth.Generate(synth.Municipal(benchToday))
	if err != nil {
		panic(err)
	}
	m := orgmodel.New(orgmodel.Options{})
	if err := mu.Load(ctx, m, time.Now()); err != nil {
		panic(err)
	}
	return m, mu
})

// BenchmarkFullRun is every rule over the whole municipality, from today:
// the first run, which couples every payroll engagement and marks every
// primary.
func BenchmarkFullRun(b *testing.B) {
	m, _ := benchModel()
	set, err := rules.New(synthConfig())
	if err != nil {
		b.Fatal(err)
	}
	var res *rules.Result
	for b.Loop() {
		if res, err = set.Plan(m.Latest(), timeline.Since(benchToday)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Changes.Len()), "ops")
	b.ReportMetric(float64(len(res.Conflicts)), "conflicts")
}

// BenchmarkPersonRun is the rules one person's change triggers, for
// persons across the municipality in turn.
func BenchmarkPersonRun(b *testing.B) {
	m, mu := benchModel()
	set, err := rules.New(synthConfig())
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		p := mu.Persons[(i*7919)%len(mu.Persons)]
		i++
		if _, err := set.PlanPersons(m.Latest(), timeline.Since(benchToday), []uuid.UUID{p}); err != nil {
			b.Fatal(err)
		}
	}
}
