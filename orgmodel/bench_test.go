package orgmodel_test

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The benchmarks run on the synthetic municipality the issue names
// (50,000 persons, 5,000 units of depth 8, 60,000 engagements, 3,000
// manager roles) and, for quick runs, a small one. Each has a raw baseline
// in the same run: the same work on plain Go maps, with no validation,
// versions or time, so the ratio is what the model's guarantees cost.
//
//	go test ./orgmodel -run '^$' -bench . -benchtime 5x -count 5

var benchToday = timeline.MustParseDate("2026-11-22")

var benchSizes = []struct {
	name string
	cfg  synth.Config
}{
	{"small", synth.Small(benchToday)},
	{"municipal", synth.Municipal(benchToday)},
}

var (
	benchMu    sync.Mutex
	benchMunis = map[string]*synth.Municipality{}
	benchModel = map[string]*om.Model{}
)

func benchMuni(b *testing.B, name string, cfg synth.Config) *synth.Municipality {
	benchMu.Lock()
	defer benchMu.Unlock()
	if mu := benchMunis[name]; mu != nil {
		return mu
	}
	mu, err := synth.Generate(cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchMunis[name] = mu
	return mu
}

// builtModel returns the municipality loaded into a model, built once per
// size and shared by the query benchmarks.
func builtModel(b *testing.B, name string, cfg synth.Config) (*om.Model, *synth.Municipality) {
	mu := benchMuni(b, name, cfg)
	benchMu.Lock()
	defer benchMu.Unlock()
	if m := benchModel[name]; m != nil {
		return m, mu
	}
	m := om.New(om.Options{})
	if err := mu.Load(ctx, m, time.Now()); err != nil {
		b.Fatal(err)
	}
	benchModel[name] = m
	return m, mu
}

// BenchmarkBuild loads the municipality into a new model: import of both
// snapshots, validation of the change sets, and indexing. It reports the
// heap in use after the build.
func BenchmarkBuild(b *testing.B) {
	for _, sz := range benchSizes {
		mu := benchMuni(b, sz.name, sz.cfg)
		b.Run(sz.name, func(b *testing.B) {
			var heap uint64
			for b.Loop() {
				m := om.New(om.Options{})
				if err := mu.Load(ctx, m, time.Now()); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				heap = heapInUse()
				runtime.KeepAlive(m)
				b.StartTimer()
			}
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		})
		b.Run(sz.name+"/baseline", func(b *testing.B) {
			// Every object into one map, and a by-CPR map: no
			// validation, no versions, no indexes.
			var heap uint64
			for b.Loop() {
				objs := make(map[uuid.UUID]om.Object)
				cprs := make(map[om.CPR]uuid.UUID)
				for _, s := range []om.Snapshot{mu.Payroll, mu.Admin} {
					for _, o := range s.Objects {
						objs[o.ID] = o
						if a, ok := o.Timeline.Span(0).Value.(om.PersonAttrs); ok {
							cprs[a.NationalID] = o.ID
						}
					}
				}
				b.StopTimer()
				heap = heapInUse()
				runtime.KeepAlive(objs)
				runtime.KeepAlive(cprs)
				b.StartTimer()
			}
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkPersonManagers resolves every person's manager on one day: the
// unit of the primary engagement, then up the tree to the first role held
// by someone else. The baseline walks plain maps of that day's state,
// built outside the timer.
func BenchmarkPersonManagers(b *testing.B) {
	for _, sz := range benchSizes {
		m, mu := builtModel(b, sz.name, sz.cfg)
		g := m.Latest().At(benchToday)
		b.Run(sz.name, func(b *testing.B) {
			found := 0
			for b.Loop() {
				// A fresh graph each time: its memo starts cold.
				g := m.Latest().At(benchToday)
				found = 0
				for _, p := range mu.Persons {
					if len(g.PersonManagers(p)) > 0 {
						found++
					}
				}
			}
			if found == 0 {
				b.Fatal("no person has a manager")
			}
			b.ReportMetric(float64(found), "with-manager")
		})
		b.Run(sz.name+"/baseline", func(b *testing.B) {
			// The same walk over plain maps of that day's state.
			primary, parent, managers := flatten(g, mu)
			b.ResetTimer()
			found := 0
			for b.Loop() {
				found = 0
				for _, p := range mu.Persons {
					for u := primary[p]; u != uuid.Nil; u = parent[u] {
						if hasOther(managers[u], p) {
							found++
							break
						}
					}
				}
			}
			b.ReportMetric(float64(found), "with-manager")
		})
	}
}

// flatten copies one day of the model into plain maps for the baseline.
func flatten(g om.Graph, mu *synth.Municipality) (primary, parent map[uuid.UUID]uuid.UUID, managers map[uuid.UUID][]uuid.UUID) {
	primary = map[uuid.UUID]uuid.UUID{}
	parent = map[uuid.UUID]uuid.UUID{}
	managers = map[uuid.UUID][]uuid.UUID{}
	for _, p := range mu.Persons {
		if e, ok := g.PrimaryEngagement(p); ok {
			primary[p] = e.Unit
		}
	}
	for _, u := range g.Subtree(mu.Root) {
		parent[u.ID] = u.Parent
		for _, m := range g.Managers(u.ID, om.ManagerQuery{SkipVacant: true}) {
			managers[u.ID] = append(managers[u.ID], m.Person)
		}
	}
	return primary, parent, managers
}

func hasOther(ps []uuid.UUID, self uuid.UUID) bool {
	for _, p := range ps {
		if p != self {
			return true
		}
	}
	return false
}

// BenchmarkImportUnchanged imports the payroll snapshot into the model
// that already holds it; the change set must be empty.
func BenchmarkImportUnchanged(b *testing.B) {
	for _, sz := range benchSizes {
		m, mu := builtModel(b, sz.name, sz.cfg)
		v := m.Latest()
		b.Run(sz.name, func(b *testing.B) {
			for b.Loop() {
				cs, _, err := om.Import(v, mu.Payroll, om.ImportOptions{Today: benchToday})
				if err != nil {
					b.Fatal(err)
				}
				if !cs.IsEmpty() {
					b.Fatalf("unchanged snapshot gave %d operations", cs.Len())
				}
			}
		})
		b.Run(sz.name+"/baseline", func(b *testing.B) {
			// Compare each object's timeline with a plain map's copy.
			have := make(map[uuid.UUID]om.Object)
			for _, o := range v.Owned(mu.Payroll.Source) {
				have[o.ID] = o
			}
			b.ResetTimer()
			for b.Loop() {
				diff := 0
				for _, o := range mu.Payroll.Objects {
					if h, ok := have[o.ID]; !ok || !h.Timeline.Equal(o.Timeline) {
						diff++
					}
				}
				if diff != 0 {
					b.Fatalf("%d differ", diff)
				}
			}
		})
	}
}
