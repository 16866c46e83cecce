package adsync_test

import (
	"testing"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// BenchmarkPlanUnchanged plans every person of the synthetic municipality
// (50,000 persons) against the in-memory directory after everything was
// applied: the plan must be empty. The baseline is the least such a plan
// must do: one search reading every account, and a read of each person in
// the org model.
func BenchmarkPlanUnchanged(b *testing.B) {
	today := timeline.MustParseDate("2026-11-22")
	mu, err := synth.Generate(synth.Municipal(today))
	if err != nil {
		b.Fatal(err)
	}
	m := orgmodel.New(orgmodel.Options{})
	if err := mu.Load(ctx, m, time.Now()); err != nil {
		b.Fatal(err)
	}
	dir, err := inmem.New(inmem.Options{BaseDN: "DC=example,DC=org"})
	if err != nil {
		b.Fatal(err)
	}
	links := adsync.NewMapLinks()
	cfg := adsync.Config{
		Base: "DC=example,DC=org",
		Mapping: adsync.Mapping{Attributes: map[string]string{
			"givenName": "{{.Person.GivenNames}}", "sn": "{{.Person.Surname}}",
			"displayName": "{{.Person.GivenNames}} {{.Person.Surname}}",
			"title":       "{{.Primary.JobFunction}}", "department": "{{.Unit.Name}}",
			"manager": "{{.ManagerDN}}",
		}},
		OU: adsync.OURule{Mode: "single", Single: "OU=Ansatte,DC=example,DC=org"},
	}
	if _, err := dir.Create(ctx, connectors.CreateRequest{DN: cfg.OU.Single, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}}); err != nil {
		b.Fatal(err)
	}
	eng, err := adsync.NewEngine(cfg, dir, links)
	if err != nil {
		b.Fatal(err)
	}
	taken := username.NewIndex()
	gen, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX", "FFFLL", "FFFLLX"}, SuffixBase: "FL", SuffixMax: 9999, Fallback: "medarb"}, []username.Taken{taken})
	if err != nil {
		b.Fatal(err)
	}
	g := m.Latest().At(today)
	// Two rounds: the first creates, the second fills in the managers
	// whose accounts did not exist yet.
	for range 2 {
		p, err := eng.Plan(ctx, g, mu.Persons)
		if err != nil {
			b.Fatal(err)
		}
		a := &adsync.Applier{Engine: eng, Usernames: gen, Names: adsync.GraphNames{Graph: g}}
		rep, err := a.Apply(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rep.Results {
			if r.Op.Kind == adsync.OpCreate && r.Err == nil {
				if e, err := dir.Read(ctx, rep.Created[r.Op.Person], []string{"sAMAccountName"}); err == nil {
					taken.Add(e.First("sAMAccountName"), username.Holding{Where: username.InSAMAccountName, Holder: string(e.ID)})
				}
			}
		}
	}
	b.Run("orgsync", func(b *testing.B) {
		for b.Loop() {
			p, err := eng.Plan(ctx, m.Latest().At(today), mu.Persons)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Ops) != 0 {
				b.Fatalf("%d operations on an unchanged model, first %+v", len(p.Ops), p.Ops[0])
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		for b.Loop() {
			n := 0
			err := dir.Search(ctx, connectors.SearchRequest{BaseDN: cfg.Base, Filter: connectors.Eq("objectClass", "user")}, func(*connectors.Entry) error { n++; return nil })
			if err != nil {
				b.Fatal(err)
			}
			g := m.Latest().At(today)
			for _, p := range mu.Persons {
				g.Person(p)
			}
		}
	})
}
