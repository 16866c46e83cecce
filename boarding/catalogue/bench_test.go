package catalogue_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

// The size of a large municipality's catalogue, and then some.
const (
	benchSystems   = 500
	benchResources = 10 // per system
	benchEquipment = 20
	benchRoles     = 2000
	benchBirths    = 300
)

// benchCatalogue writes a valid catalogue of benchSystems systems of
// benchResources resources each (every other one manual, with
// administrators and a digest; the rest AD groups with their DNs),
// benchEquipment equipment kinds, benchRoles roles of 5–15 items each,
// one in five including one or two earlier roles, and benchBirths
// birthrights, deterministically.
func benchCatalogue() []byte {
	rng := rand.New(rand.NewPCG(4, 2))
	var b strings.Builder
	b.WriteString("systems:\n")
	for s := range benchSystems {
		fmt.Fprintf(&b, "  - id: sys-%03d\n    name: System %d\n", s, s)
		if s%2 == 0 {
			fmt.Fprintf(&b, "    kind: manual\n    administrators: [admin-%d@kommune.dk, it-support@kommune.dk]\n    advisees: [hr@kommune.dk]\n    digest: 3h\n", s)
		} else {
			b.WriteString("    kind: integrated\n    connector: ad-groups\n    owners: [it-sikkerhed@kommune.dk]\n")
		}
		b.WriteString("    resources:\n")
		for r := range benchResources {
			fmt.Fprintf(&b, "      - key: res-%d\n        name: Rettighed %d i system %d\n", r, r, s)
			if s%2 == 1 {
				fmt.Fprintf(&b, "        group: CN=S%d R%d,OU=Grupper,DC=kommune,DC=dk\n", s, r)
			}
		}
	}
	b.WriteString("equipment:\n")
	for e := range benchEquipment {
		fmt.Fprintf(&b, "  - id: udstyr-%02d\n    name: Udstyr %d\n", e, e)
	}
	b.WriteString("job_roles:\n")
	for r := range benchRoles {
		fmt.Fprintf(&b, "  - id: rolle-%04d\n    name: Jobfunktionsrolle %d\n", r, r)
		if r%5 == 4 {
			fmt.Fprintf(&b, "    includes: [rolle-%04d", rng.IntN(r))
			if rng.IntN(2) == 0 {
				fmt.Fprintf(&b, ", rolle-%04d", rng.IntN(r))
			}
			b.WriteString("]\n")
		}
		if r%7 == 0 {
			b.WriteString("    orderable_in:\n      - unit: skoler\n        inherit: true\n    titles:\n      include: [Lærer, Pædagog]\n")
		}
		b.WriteString("    items:\n")
		for range 5 + rng.IntN(11) {
			if rng.IntN(6) == 0 {
				fmt.Fprintf(&b, "      - equipment: udstyr-%02d\n        quantity: %d\n", rng.IntN(benchEquipment), 1+rng.IntN(3))
			} else {
				fmt.Fprintf(&b, "      - system: sys-%03d\n        resource: res-%d\n", rng.IntN(benchSystems), rng.IntN(benchResources))
			}
		}
	}
	b.WriteString("birthrights:\n")
	for i := range benchBirths {
		fmt.Fprintf(&b, "  - job_role: rolle-%04d\n    unit: enhed-%d\n    inherit: true\n    except: [enhed-%d-vikar]\n    from: \"2026-01-01\"\n    to: \"2027-01-01\"\n", rng.IntN(benchRoles), i, i)
	}
	return []byte(b.String())
}

// BenchmarkParse parses and validates a large catalogue (the target is
// under 200 ms), against a baseline that only decodes the same bytes
// into the same types with yaml.Unmarshal; "x-raw" is how many times
// the baseline's time the whole job takes.
func BenchmarkParse(b *testing.B) {
	data := benchCatalogue()
	c, err := catalogue.Parse("bench.yaml", data)
	require.NoError(b, err)
	require.Len(b, c.Systems, benchSystems)
	require.Len(b, c.JobRoles, benchRoles)
	require.NotEmpty(b, c.Items("rolle-1999"))

	raw := func() {
		var c catalogue.Catalogue
		if err := yaml.Unmarshal(data, &c); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("raw", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			raw()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/op")
	})
	b.Run("catalogue", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := catalogue.Parse("bench.yaml", data); err != nil {
				b.Fatal(err)
			}
		}
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(ns/1e6, "ms/op")
		// The baseline again, untimed, as many times, right after: a
		// ratio of two runs minutes apart on a shared machine says
		// more about the machine than about the validation.
		start := time.Now()
		for range b.N {
			raw()
		}
		b.ReportMetric(ns/(float64(time.Since(start).Nanoseconds())/float64(b.N)), "x-raw")
	})
}
