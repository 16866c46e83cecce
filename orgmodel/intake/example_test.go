package intake_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A payroll snapshot, and an identity source's temp in one of its units,
// turned into org-model snapshots and imported, payroll first.
func Example() {
	from := timeline.Since(timeline.MustDate(2024, 1, 1))
	pay := &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "1", Name: "Sjølund Kommune", Level: "NY3-niveau", Valid: from},
			{Key: "12", Parent: "1", Name: "Hjemmeplejen Nord", Level: "Afdelings-niveau", Valid: from},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101901234", GivenNames: "Anne Sofie", Surname: "Møller-Hansen", Valid: from},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "10001", Person: "P1", Unit: "12", JobFunction: "Sygeplejerske", Type: "Månedsløn", Fraction: 1, Valid: from},
		},
	}
	payroll, err := intake.Payroll("sd", pay, intake.PayrollOptions{})
	if err != nil {
		panic(err)
	}

	ids := &connectors.IdentitySnapshot{Identities: []connectors.Identity{{
		Key: "omada-77", GivenNames: "Bo", Surname: "Ek", Unit: "12", JobTitle: "Sygeplejerske", Category: "Vikar",
		Valid:      timeline.Between(timeline.MustDate(2025, 2, 1), timeline.MustDate(2025, 5, 1)),
		ObjectGUID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", Login: "boek",
	}}}
	omada, err := intake.Identities("omada", ids, intake.IdentityOptions{
		TemporaryCategories: []string{"Vikar"},
		// Omada writes the payroll's unit keys.
		Unit: func(key string) (uuid.UUID, bool) { return orgmodel.SourceID("sd", orgmodel.KindUnit, key), true },
	})
	if err != nil {
		panic(err)
	}

	m := orgmodel.New(orgmodel.Options{})
	reg := orgmodel.Registration{Time: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC), Actor: "intake"}
	today := timeline.MustDate(2025, 3, 1)
	if err := orgmodel.ImportAll(context.Background(), m, []orgmodel.Snapshot{payroll, omada}, orgmodel.ImportOptions{Today: today}, reg); err != nil {
		panic(err)
	}
	g := m.Latest().At(today)
	for _, e := range g.UnitEngagements(orgmodel.SourceID("sd", orgmodel.KindUnit, "12")) {
		p, _ := g.Person(e.Person)
		fmt.Printf("%s %s: %s (%s, from %s)\n", p.GivenNames, p.Surname, e.JobFunction, e.Type, e.Source)
		for _, a := range g.Accounts(e.Person) {
			fmt.Printf("  %s account %s\n", a.System, a.Username)
		}
	}

	// A bad row is refused with the row named, and no CPR in full.
	pay.Persons[0].NationalID = "3201901234"
	_, err = intake.Payroll("sd", pay, intake.PayrollOptions{})
	var re *connectors.RecordError
	if errors.As(err, &re) {
		fmt.Println(re.Kind, re.Key, re.Field, errors.Is(err, orgmodel.ErrInvalidCPR))
	}
	// Output:
	// Anne Sofie Møller-Hansen: Sygeplejerske (Månedsløn, from sd)
	// Bo Ek: Sygeplejerske (Vikar, from omada)
	//   Active Directory account boek
	// person P1 NationalID true
}

// The synthetic municipality written as a payroll snapshot, which a
// payroll file connector could write out, and read back.
func ExampleExportPayroll() {
	mu, err := synth.Generate(synth.Small(timeline.MustDate(2025, 3, 1)))
	if err != nil {
		panic(err)
	}
	pay, err := intake.ExportPayroll(mu.Payroll)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(pay.Units), "units,", len(pay.Persons), "persons,", len(pay.Engagements), "engagements")
	fmt.Printf("%+v\n", pay.Units[1])

	back, err := intake.Payroll(synth.PayrollSource, pay, intake.PayrollOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(back.Objects), "objects; the root keeps its id:", back.Objects[0].ID == mu.Root)
	// Output:
	// 30 units, 200 persons, 240 engagements
	// {Key:U00002 Parent:U00001 Name:Skole- og Børneforvaltningen Level:NY3-niveau Type:Enhed Valid:[2010-01-01, ∞)}
	// 470 objects; the root keeps its id: true
}
