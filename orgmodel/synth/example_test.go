package synth_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func ExampleGenerate() {
	today := timeline.MustDate(2025, 3, 1)
	mu, err := synth.Generate(synth.Small(today))
	if err != nil {
		panic(err)
	}
	for _, snap := range []orgmodel.Snapshot{mu.Payroll, mu.Admin} {
		count := map[orgmodel.Kind]int{}
		for _, o := range snap.Objects {
			count[o.Kind]++
		}
		var parts []string
		for _, k := range orgmodel.Kinds() {
			if count[k] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", count[k], k))
			}
		}
		fmt.Printf("%s: %s\n", snap.Source, strings.Join(parts, ", "))
	}

	m := orgmodel.New(orgmodel.Options{})
	if err := mu.Load(context.Background(), m, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)); err != nil {
		panic(err)
	}
	root, _ := m.Latest().At(today).Unit(mu.Root)
	fmt.Printf("root: %s (%s)\n", root.Name, root.Level)
	// Output:
	// synth-payroll: 200 person, 30 unit, 240 engagement, 20 manager, 9 association
	// synth-admin: 7 unit, 8 related units
	// root: Havnstrup Kommune (NY4-niveau)
}
