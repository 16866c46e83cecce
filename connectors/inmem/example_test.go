package inmem_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The twin is a Directory like the AD connector: create an account, find
// it, and see AD's rules at work.
func Example() {
	ctx := context.Background()
	dir := inmem.MustNew(inmem.Options{BaseDN: "DC=example,DC=org"})
	dn, _ := connectors.JoinDN("CN", "Karina Jensen", dir.BaseDN())
	req := connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{"kaje"}},
	}}
	id, err := dir.Create(ctx, req)
	if err != nil {
		panic(err)
	}
	e, _ := dir.Read(ctx, id, []string{"sAMAccountName"})
	fmt.Println(e.DN, e.First("sAMAccountName"), "disabled:", e.Disabled)

	req.DN, _ = connectors.JoinDN("CN", "Karina Jensen (2)", dir.BaseDN())
	_, err = dir.Create(ctx, req)
	fmt.Println(errors.Is(err, connectors.AlreadyExists), err)
	// Output:
	// CN=Karina Jensen,DC=example,DC=org kaje disabled: true
	// true create CN=Karina Jensen (2),DC=example,DC=org: already exists: sAMAccountName kaje is already in use
}

// The payroll twin stands in for a payroll system: publish a delivery,
// take a snapshot, publish the next day's, and read only what changed.
func ExamplePayroll() {
	ctx := context.Background()
	payroll := inmem.NewPayroll(inmem.PayrollOptions{})
	from := timeline.Since(timeline.MustParseDate("2020-01-01"))
	v1 := &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "100", Name: "Kommunen", Valid: from},
			{Key: "200", Parent: "100", Name: "Skolen", Valid: from},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen", Valid: from},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "E1", Person: "P1", Unit: "200", JobFunction: "Lærer", Fraction: 1, Valid: from},
		},
	}
	if err := payroll.Publish(v1); err != nil {
		panic(err)
	}
	snap, err := payroll.Snapshot(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(snap.Units), "units;", snap.Persons[0].Surname, snap.Persons[0].NationalID)

	// The next delivery: the school is renamed from 1 August.
	renamed := timeline.MustParseDate("2026-08-01")
	v1.Units[1].Valid.To = renamed
	v1.Units = append(v1.Units, connectors.PayrollUnit{Key: "200", Parent: "100", Name: "Skolen ved Søen", Valid: timeline.Since(renamed)})
	if err := payroll.Publish(v1); err != nil {
		panic(err)
	}
	for token := snap.Token; ; {
		page, err := payroll.Changes(ctx, token)
		if err != nil {
			panic(err)
		}
		for _, u := range page.Units {
			fmt.Println("unit", u.Key, u.Name, u.Valid)
		}
		snap.Apply(page) // then persist page.Token
		if token = page.Token; !page.More {
			break
		}
	}
	fmt.Println(len(snap.Units), "unit rows")

	// A delivery that does not hold together is refused.
	v1.Engagements[0].Unit = "300"
	err = payroll.Publish(v1)
	fmt.Println(errors.Is(err, connectors.Invalid), err)
	// Output:
	// 2 units; Jensen 010190-xxxx
	// unit 200 Skolen [2020-01-01, 2026-08-01)
	// unit 200 Skolen ved Søen [2026-08-01, ∞)
	// 3 unit rows
	// true publish: invalid request: engagement "E1" (row 1) Unit: no such record "300"
}

// The identity twin stands in for an identity source such as Omada.
func ExampleIdentities() {
	source := inmem.NewIdentities()
	err := source.Publish(&connectors.IdentitySnapshot{Identities: []connectors.Identity{{
		Key: "O-17", GivenNames: "Anne", Surname: "Vikar", Unit: "200", Category: "Vikar",
		Valid: timeline.Between(timeline.MustParseDate("2026-01-01"), timeline.MustParseDate("2026-07-01")),
	}}})
	if err != nil {
		panic(err)
	}
	snap, err := source.Identities(context.Background())
	if err != nil {
		panic(err)
	}
	for _, id := range snap.Identities {
		fmt.Println(id.Key, id.GivenNames, id.Surname, id.Category, id.Valid)
	}
	// Output:
	// O-17 Anne Vikar Vikar [2026-01-01, 2026-07-01)
}
