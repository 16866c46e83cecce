package adsync_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// A run over many persons correlates against accounts read once; it must
// plan exactly what asking the directory person by person plans.
func TestBulkPlanEqualsPersonByPerson(t *testing.T) {
	today := timeline.MustParseDate("2026-11-22")
	mu, err := synth.Generate(synth.Small(today))
	require.NoError(t, err)
	m := orgmodel.New(orgmodel.Options{})
	require.NoError(t, mu.Load(ctx, m, time.Now()))
	dir, err := inmem.New(inmem.Options{BaseDN: "DC=example,DC=org"})
	require.NoError(t, err)
	single := "OU=Ansatte,DC=example,DC=org"
	_, err = dir.Create(ctx, connectors.CreateRequest{DN: single, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	require.NoError(t, err)
	links := adsync.NewMapLinks()
	eng, err := adsync.NewEngine(adsync.Config{
		Base: "DC=example,DC=org",
		Mapping: adsync.Mapping{Attributes: map[string]string{
			"sn": "{{.Person.Surname}}", "title": "{{.Primary.JobFunction}}", "manager": "{{.ManagerDN}}",
			"employeeNumber": "{{.Primary.EmploymentNumber}}",
		}},
		Correlation: adsync.Correlation{Rules: []adsync.Rule{{Attribute: "employeeNumber", Value: "{{.Primary.EmploymentNumber}}"}}},
		OU:          adsync.OURule{Mode: "single", Single: single},
	}, dir, links)
	require.NoError(t, err)
	gen, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX", "FFFLL", "FFFLLX"}, SuffixBase: "FFFLLL"}, nil)
	require.NoError(t, err)
	g := m.Latest().At(today)
	require.Greater(t, len(mu.Persons), 50)

	// Apply half the municipality; forget some links, so anchors and rules
	// have work to do.
	half := mu.Persons[:len(mu.Persons)/2]
	p, err := eng.Plan(ctx, g, half)
	require.NoError(t, err)
	_, err = (&adsync.Applier{Engine: eng, Usernames: gen, Names: adsync.GraphNames{Graph: g}}).Apply(ctx, p)
	require.NoError(t, err)
	forgotten := adsync.NewMapLinks()
	for i, person := range half {
		if id, ok := links.Link(person); ok && i%3 != 0 {
			dn, _ := links.AccountDN(person)
			forgotten.Set(person, id, dn)
		}
	}
	eng2, err := adsync.NewEngine(adsync.Config{
		Base: "DC=example,DC=org",
		Mapping: adsync.Mapping{Attributes: map[string]string{
			"sn": "{{.Person.Surname}}", "title": "{{upper .Primary.JobFunction}}", "manager": "{{.ManagerDN}}",
			"employeeNumber": "{{.Primary.EmploymentNumber}}",
		}},
		Correlation: adsync.Correlation{Rules: []adsync.Rule{{Attribute: "employeeNumber", Value: "{{.Primary.EmploymentNumber}}"}}},
		OU:          adsync.OURule{Mode: "single", Single: single},
	}, dir, forgotten)
	require.NoError(t, err)

	bulk, err := eng2.Plan(ctx, g, mu.Persons)
	require.NoError(t, err)
	var one adsync.Plan
	for _, person := range mu.Persons {
		ops, err := eng2.PlanPerson(ctx, g, person)
		if err != nil {
			continue
		}
		one.Ops = append(one.Ops, ops...)
	}
	require.NotEmpty(t, bulk.Ops)
	assert.Equal(t, one.Ops, bulk.Ops)
	kinds := map[adsync.OpKind]int{}
	for _, op := range bulk.Ops {
		kinds[op.Kind]++
	}
	assert.Positive(t, kinds[adsync.OpLink], "forgotten links found again")
	assert.Positive(t, kinds[adsync.OpModify], "the changed title mapping")
	assert.Positive(t, kinds[adsync.OpCreate], "the other half")
}
