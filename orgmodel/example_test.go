package orgmodel_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Build a small model, apply a change set, ask for a person's manager, and
// read the events a subscriber gets.
func Example() {
	ctx := context.Background()
	m := orgmodel.New(orgmodel.Options{}) // Europe/Copenhagen, in memory
	from := timeline.Since(timeline.MustParseDate("2024-01-01"))

	var cs orgmodel.ChangeSet
	kommune := cs.Add("1", from, orgmodel.UnitAttrs{Name: "Kommune"})
	skole := cs.Add("2", from, orgmodel.UnitAttrs{Name: "Skolen", Parent: kommune})
	anne := cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Anne", Surname: "Bøgh"})
	bo := cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Bo", Surname: "Ærø"})
	annesJob := cs.Add("101", from, orgmodel.EngagementAttrs{Person: anne, Unit: kommune, JobFunction: "Direktør", Fraction: 1})
	cs.Add("102", from, orgmodel.EngagementAttrs{Person: bo, Unit: skole, JobFunction: "Lærer", Fraction: 1})
	cs.Add("M1", from, orgmodel.ManagerAttrs{Unit: kommune, Person: anne, Engagement: annesJob})

	reg, err := m.Apply(ctx, &cs, orgmodel.Registration{
		Time:  time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC),
		Actor: "example",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("registration", reg.Seq)

	g := m.Latest().At(timeline.MustParseDate("2024-06-01"))
	for _, mgr := range g.PersonManagers(bo) {
		p, _ := g.Person(mgr.Person)
		fmt.Println("Bo's manager:", p.GivenNames, p.Surname)
	}
	// Anne manages the top unit, so she has no manager above her.
	fmt.Println("Anne's managers:", len(g.PersonManagers(anne)))

	sub, _ := m.Subscribe("example")
	e, _ := sub.Next(ctx)
	fmt.Println("first event:", e.Type, e.Kind, e.ID == kommune)
	_ = sub.Ack(ctx, e)
	// Output:
	// registration 1
	// Bo's manager: Anne Bøgh
	// Anne's managers: 0
	// first event: registered unit true
}

// A change set that breaks a rule is rejected whole, with the rule named.
func ExampleModel_Apply_rejected() {
	m := orgmodel.New(orgmodel.Options{})
	from := timeline.Since(timeline.MustParseDate("2024-01-01"))
	var cs orgmodel.ChangeSet
	cs.Add("1", from, orgmodel.UnitAttrs{Name: "Kommune"})
	cs.AddAs(uuid.MustParse("6f1d2c3b-0000-4000-8000-000000000001"), "2", "", from,
		orgmodel.UnitAttrs{Name: "Skolen", Parent: uuid.MustParse("6f1d2c3b-0000-4000-8000-00000000dead")})
	_, err := m.Apply(context.Background(), &cs, orgmodel.Registration{Time: time.Now(), Actor: "example"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, orgmodel.RuleUnknownRef))
	fmt.Println(m.Latest().Registration().Seq)
	// Output:
	// orgmodel: change set rejected, nothing applied: 1 problem(s)
	// 	orgmodel: unit 6f1d2c3b-0000-4000-8000-000000000001 ("2"): parent: refers to a unit that does not exist (6f1d2c3b-0000-4000-8000-00000000dead) on [2024-01-01, ∞) [unknown-reference]
	// true
	// 0
}

// Terminating an engagement registered today for next month fires an
// event on that day, when the scheduler's clock gets there.
func ExampleModel_Tick() {
	ctx := context.Background()
	m := orgmodel.New(orgmodel.Options{})
	z := m.Zone()
	day := timeline.MustParseDate
	from := timeline.Since(day("2024-01-01"))
	var cs orgmodel.ChangeSet
	u := cs.Add("1", from, orgmodel.UnitAttrs{Name: "Kommune"})
	p := cs.Add("", from, orgmodel.PersonAttrs{Surname: "Nielsen"})
	e := cs.Add("7", from, orgmodel.EngagementAttrs{Person: p, Unit: u, Fraction: 1})
	cs.Terminate(e, day("2024-03-01"))
	_, _ = m.Apply(ctx, &cs, orgmodel.Registration{Time: z.Start(day("2024-02-10")), Actor: "hr"})

	sub, _ := m.Subscribe("adsync")
	for range 3 { // the three registration events
		ev, _ := sub.Next(ctx)
		_ = sub.Ack(ctx, ev)
	}
	for _, today := range []string{"2024-02-10", "2024-02-29", "2024-03-01"} {
		n, _ := m.Tick(ctx, z.Start(day(today)).Add(time.Hour))
		fmt.Println(today, n)
	}
	ev, _ := sub.Next(ctx)
	fmt.Println(ev.Type, ev.Kind, ev.Day, ev.Owner == p)
	// Output:
	// 2024-02-10 0
	// 2024-02-29 0
	// 2024-03-01 1
	// ended engagement 2024-03-01 true
}
