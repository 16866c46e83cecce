package boarding_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/boarding/catalogue"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// benchToday is the synthetic municipality's day.
var benchToday = timeline.MustDate(2027, 1, 15)

// benchWorld is the 50k municipality, loaded once per test binary, with
// the engagements of the persons orders are placed for.
var benchWorld struct {
	once sync.Once
	m    *om.Model
	engs []benchEng // persons with an engagement today, in person order
	err  error
}

type benchEng struct{ person, eng, unit uuid.UUID }

func municipality(b *testing.B) (*om.Model, []benchEng) {
	b.Helper()
	benchWorld.once.Do(func() {
		mu, err := synth.Generate(synth.Municipal(benchToday))
		if err != nil {
			benchWorld.err = err
			return
		}
		m := om.New(om.Options{})
		if err := mu.Load(context.Background(), m, m.Zone().Start(benchToday)); err != nil {
			benchWorld.err = err
			return
		}
		g := m.Latest().At(benchToday)
		for _, p := range mu.Persons {
			if es := g.Engagements(p); len(es) > 0 {
				benchWorld.engs = append(benchWorld.engs, benchEng{p, es[0].ID, es[0].Unit})
			}
		}
		benchWorld.m = m
	})
	if benchWorld.err != nil {
		b.Fatal(benchWorld.err)
	}
	return benchWorld.m, benchWorld.engs
}

// openOrders fills s with n open orders: every tenth a pending hire not
// yet matched (in its unit), every fifth awaiting attest, the rest
// parked for a person whose AD account is not seen yet. It returns the
// engine on s.
func openOrders(b *testing.B, s boarding.Store, n int) (*boarding.Engine, []benchEng) {
	b.Helper()
	m, engs := municipality(b)
	c, err := catalogue.Parse("test.yaml", []byte(testCatalogue))
	if err != nil {
		b.Fatal(err)
	}
	now := m.Zone().Start(benchToday).Add(9 * time.Hour)
	e := &boarding.Engine{Model: m, Catalogue: c, Store: s, Now: func() time.Time { return now }, Rights: &boarding.Rights{HR: []string{"hr@sjolund.dk"}}}
	ctx := context.Background()
	for i := range n {
		be := engs[i%len(engs)]
		o := &boarding.Order{ID: uuid.New(), Key: fmt.Sprintf("bench-%d", i), Kind: boarding.Onboard, Person: be.person, Engagement: be.eng, Unit: be.unit,
			Roles: []string{"laerer"}, Start: benchToday.AddDays(30), OrderedBy: "bench@sjolund.dk", State: boarding.Parked,
			Created: now, Updated: now, Expires: now.Add(90 * 24 * time.Hour), Version: 3,
			Prerequisites: []boarding.Prerequisite{{Kind: boarding.ContractSigned, Satisfied: now, By: "hr@sjolund.dk"},
				{Kind: boarding.InOrgModel, Satisfied: now, By: "org model"}, {Kind: boarding.AccountSeen}},
			Tasks: []boarding.Task{
				{ID: uuid.New(), Item: boarding.Item{System: "ad", Resource: "laerere"}, Action: boarding.Grant, Integrated: true, State: boarding.Pending},
				{ID: uuid.New(), Item: boarding.Item{System: "aula", Resource: "laerer"}, Action: boarding.Grant, State: boarding.Pending},
				{ID: uuid.New(), Item: boarding.Item{Equipment: "pc", Quantity: 1}, Action: boarding.Deliver, State: boarding.Pending}},
		}
		switch {
		case i%10 == 0:
			o.Person, o.Engagement = uuid.Nil, uuid.Nil
			o.Pending = &boarding.PendingHire{GivenNames: "Ny", Surname: fmt.Sprintf("Medarbejder %d", i)}
			o.Prerequisites[1] = boarding.Prerequisite{Kind: boarding.InOrgModel}
		case i%5 == 0:
			o.State, o.OnBehalfOf = boarding.AwaitingAttest, "leder@sjolund.dk"
			o.Expires = now.Add(14 * 24 * time.Hour)
		}
		if err := s.Create(ctx, o, nil); err != nil {
			b.Fatal(err)
		}
	}
	return e, engs
}

func sqliteStore(b *testing.B) boarding.Store {
	b.Helper()
	key, err := statedb.ParseKey([]byte(statedb.GenerateKey()))
	if err != nil {
		b.Fatal(err)
	}
	db, err := statedb.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "orgsync.db"), statedb.Options{Key: key, Schemas: []statedb.Schema{boardingdb.Schema}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return boardingdb.New(db)
}

var benchStores = []struct {
	name string
	open func(b *testing.B) boarding.Store
}{
	{"mem", func(*testing.B) boarding.Store { return boarding.NewMemStore() }},
	{"sqlite", sqliteStore},
}

// BenchmarkEvent is an org-model event about a person with an open order
// among 10,000 (an engagement's change: the pending hires of the
// person's units are looked at, the person's orders observed, the
// birthrights and terminations checked), with its p50 and p99, beside the
// raw store work an event needs at the least: the person's open orders
// listed and one of them stored back.
func BenchmarkEvent(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			s := st.open(b)
			e, engs := openOrders(b, s, 10_000)
			ctx := context.Background()
			var raw, handle []time.Duration
			b.Run("raw", func(b *testing.B) {
				raw = raw[:0]
				i := 0
				for b.Loop() {
					began := time.Now()
					be := engs[(i*7)%10_000]
					os, err := s.List(ctx, boarding.Query{Person: be.person, Open: true})
					if err != nil {
						b.Fatal(err)
					}
					for _, o := range os {
						if err := s.Update(ctx, &o, o.Version, nil); err != nil {
							b.Fatal(err)
						}
					}
					raw = append(raw, time.Since(began))
					i++
				}
				report(b, raw)
			})
			b.Run("handle", func(b *testing.B) {
				handle = handle[:0]
				i := 0
				for b.Loop() {
					be := engs[(i*7)%10_000]
					began := time.Now()
					if err := e.Handle(ctx, om.Event{Type: om.EventRegistered, Kind: om.KindEngagement, ID: be.eng, Owner: be.person, OwnerKind: om.KindPerson}); err != nil {
						b.Fatal(err)
					}
					handle = append(handle, time.Since(began))
					i++
				}
				report(b, handle)
			})
			if len(raw) > 0 && len(handle) > 0 {
				b.Logf("%s: handle p99 %s, raw p99 %s: %.1f×", st.name, pct(handle, 99), pct(raw, 99), float64(pct(handle, 99))/float64(pct(raw, 99)))
			}
		})
	}
}

// BenchmarkSweep is the daily sweep of 10,000 open orders over the 50k
// municipality (each order's prerequisites read from the model, the
// deadlines checked), beside the raw listing of the open orders.
func BenchmarkSweep(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			s := st.open(b)
			e, _ := openOrders(b, s, 10_000)
			ctx := context.Background()
			b.Run("raw", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.List(ctx, boarding.Query{Open: true}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("sweep", func(b *testing.B) {
				for b.Loop() {
					rep, err := e.Sweep(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Seen != 10_000 {
						b.Fatalf("the sweep saw %d orders, want 10000", rep.Seen)
					}
				}
			})
		})
	}
}

func report(b *testing.B, ds []time.Duration) {
	b.ReportMetric(float64(pct(ds, 50))/1e6, "p50-ms")
	b.ReportMetric(float64(pct(ds, 99))/1e6, "p99-ms")
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}
