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

// loadMunicipal builds the municipal-size synthetic municipality (50,000
// persons, 5,000 units, 60,000 engagements).
func loadMunicipal() (*orgmodel.Model, *synth.Municipality) {
	mu, err := synth.Generate(synth.Municipal(benchToday))
	if err != nil {
		panic(err)
	}
	m := orgmodel.New(orgmodel.Options{})
	if err := mu.Load(ctx, m, time.Now()); err != nil {
		panic(err)
	}
	return m, mu
}

// benchModel is the municipality as loaded, once per test binary.
var benchModel = sync.OnceValues(loadMunicipal)

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

// settledModel is the municipality after one run of the rules: the state
// every later run starts from.
var settledModel = sync.OnceValues(func() (*orgmodel.Model, *synth.Municipality) {
	m, mu := loadMunicipal()
	set, err := rules.New(synthConfig())
	if err != nil {
		panic(err)
	}
	res, err := set.Plan(m.Latest(), timeline.Since(benchToday))
	if err != nil {
		panic(err)
	}
	if _, err := rules.Apply(ctx, m, res, orgmodel.Registration{Time: time.Now(), Actor: "rules"}); err != nil {
		panic(err)
	}
	return m, mu
})

// BenchmarkFullRunSettled is every rule over the whole municipality once
// it has settled: the scheduled safety-net run, which finds nothing to do.
func BenchmarkFullRunSettled(b *testing.B) {
	m, _ := settledModel()
	set, err := rules.New(synthConfig())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := set.Plan(m.Latest(), timeline.Since(benchToday))
		if err != nil {
			b.Fatal(err)
		}
		if !res.Changes.IsEmpty() {
			b.Fatalf("a settled municipality changes: %d ops", res.Changes.Len())
		}
	}
}

// BenchmarkPersonRun is the rules one person's change triggers, for
// persons across the municipality in turn.
func BenchmarkPersonRun(b *testing.B) {
	m, mu := settledModel()
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

// BenchmarkReadBaseline is the floor the full runs compare against: reading
// what every rule must read at least once, each person's engagements and
// manager roles over all time, and each unit's related units, with no
// decisions and no writes.
func BenchmarkReadBaseline(b *testing.B) {
	m, _ := settledModel()
	n := 0
	for b.Loop() {
		v := m.Latest()
		n = 0
		for p := range v.All(orgmodel.KindPerson) {
			n += len(v.PointingAt(p.ID, orgmodel.KindEngagement)) + len(v.PointingAt(p.ID, orgmodel.KindManager))
		}
		for u := range v.All(orgmodel.KindUnit) {
			n += len(v.PointingAt(u.ID, orgmodel.KindRelatedUnits))
		}
	}
	b.ReportMetric(float64(n), "objects")
}
