package payrollfile_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Example writes a small delivery into a drop folder, as a payroll system
// would, and reads it back as a snapshot.
func Example() {
	dir, err := os.MkdirTemp("", "payroll")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	day := timeline.MustParseDate("2026-11-22")
	from := timeline.MustParseDate("2024-01-01")
	err = payrollfile.Write(dir, day, &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "U1", Name: "Sjølund Kommune", Valid: timeline.Since(from)},
			{Key: "U2", Parent: "U1", Name: "Ældreplejen, Vest", Level: "NY3-niveau", Valid: timeline.Since(from)},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101901234", GivenNames: "Zoë", Surname: "Ærø", Valid: timeline.Since(from)},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "E1", Person: "P1", Unit: "U2", JobFunction: "Leder", Fraction: 0.8,
				Valid: timeline.Between(from, timeline.MustParseDate("2027-01-01"))},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	engagements, _ := os.ReadFile(filepath.Join(dir, "engagements-2026-11-22.csv"))
	fmt.Print("engagements-2026-11-22.csv:\n", string(engagements))

	c, err := payrollfile.Open(dir, payrollfile.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.Snapshot(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("token:", s.Token)
	for _, u := range s.Units {
		fmt.Printf("unit %s %q parent %q %s\n", u.Key, u.Name, u.Parent, u.Valid)
	}
	for _, p := range s.Persons {
		fmt.Printf("person %s %s %s %s\n", p.Key, p.NationalID, p.GivenNames, p.Surname)
	}
	for _, e := range s.Engagements {
		fmt.Printf("engagement %s of %s in %s: %v %s\n", e.Key, e.Person, e.Unit, e.Fraction, e.Valid)
	}
	// Output:
	// engagements-2026-11-22.csv:
	// key,person,unit,job_function,type,fraction,from,to
	// E1,P1,U2,Leder,,0.8,2024-01-01,2026-12-31
	// token: payrollfile/1:2026-11-22:214fcd62c859a171
	// unit U1 "Sjølund Kommune" parent "" [2024-01-01, ∞)
	// unit U2 "Ældreplejen, Vest" parent "U1" [2024-01-01, ∞)
	// person P1 010190-xxxx Zoë Ærø
	// engagement E1 of P1 in U2: 0.8 [2024-01-01, 2027-01-01)
}
