package username_test

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// benchConfig is a typical municipal configuration.
var benchConfig = username.Config{
	Patterns:            []string{"FFLL", "FLLL", "FFFL", "F1LL", "FFLLX", "FLLLX", "FFFLX"},
	SuffixBase:          "FFFLLL",
	ForbiddenSubstrings: []string{"fuck", "shit", "lort", "pik"},
	UPNDomain:           "kommune.dk",
	MailDomain:          "kommune.dk",
}

// personNames returns the names of a synthetic municipality's persons.
func personNames(b *testing.B, seed uint64, persons int) []username.Name {
	cfg := synth.Small(timeline.MustParseDate("2026-11-22"))
	cfg.Seed, cfg.Persons, cfg.Engagements = seed, persons, persons+persons/5
	cfg.Units, cfg.Managers = 1000, 300
	mu, err := synth.Generate(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var out []username.Name
	for _, o := range mu.Payroll.Objects {
		if a, ok := o.Timeline.Span(0).Value.(orgmodel.PersonAttrs); ok {
			out = append(out, username.Name{GivenNames: a.GivenNames, Surname: a.Surname})
		}
	}
	return out
}

// takenIndex returns an index of 200,000 taken names: the usernames and
// e-mail local parts that about 120,000 synthetic persons (another
// population than the one generated for) got by the same rules. The
// synthetic names come from short lists of common Danish names, so the
// collisions are denser than in any real municipality: a new person's
// candidates are rejected about a hundred times on average.
func takenIndex(b *testing.B) *username.Index {
	taken := username.NewIndex()
	g, err := username.New(benchConfig, []username.Taken{taken})
	if err != nil {
		b.Fatal(err)
	}
	for seed := uint64(7); taken.Len() < 200000; seed++ {
		for _, n := range personNames(b, seed, 50000) {
			if taken.Len() >= 200000 {
				break
			}
			r, err := g.Generate(ctx, username.Request{Name: n})
			if err != nil {
				continue
			}
			taken.Add(r.Username, username.Holding{Where: username.InSAMAccountName, Holder: "seed"})
			taken.Add(strings.TrimSuffix(r.Mail, "@kommune.dk"), username.Holding{Where: username.InMail, Holder: "seed"})
			g.Release(r.Token)
		}
	}
	return taken
}

// BenchmarkGenerate makes a username, UPN and e-mail address for each of
// 10,000 new synthetic persons against the 200,000 taken names; "serial"
// on one goroutine, "parallel" on one per core sharing one generator.
func BenchmarkGenerate(b *testing.B) {
	taken := takenIndex(b)
	names := personNames(b, 11, 10000)[:10000]
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		name := "serial"
		if workers > 1 {
			name = "parallel"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var made atomic.Int64
			var candidates int
			for b.Loop() {
				g, err := username.New(benchConfig, []username.Taken{taken})
				if err != nil {
					b.Fatal(err)
				}
				made.Store(0)
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := w; i < len(names); i += workers {
							if _, err := g.Generate(ctx, username.Request{Name: names[i]}); err == nil {
								made.Add(1)
							}
						}
					}()
				}
				wg.Wait()
				candidates = 0
				if workers == 1 {
					// Count the candidates once, outside the figures
					// that matter, with a throwaway generator.
					b.StopTimer()
					cg, _ := username.New(benchConfig, []username.Taken{taken})
					for _, n := range names {
						r, err := cg.Generate(ctx, username.Request{Name: n, Explain: true})
						candidates += len(r.Rejected) + 3
						var ee *username.ExhaustedError
						if errors.As(err, &ee) {
							candidates += ee.Tried
						}
					}
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(len(names))*float64(b.N)/b.Elapsed().Seconds(), "names/s")
			b.ReportMetric(float64(made.Load()), "generated")
			b.ReportMetric(float64(taken.Len()), "taken")
			if candidates > 0 {
				b.ReportMetric(float64(candidates)/float64(len(names)), "candidates/name")
			}
		})
	}
}
