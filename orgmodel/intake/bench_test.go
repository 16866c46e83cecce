package intake_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/synth"
)

func TestExportRefusesPersonsWithoutNationalIDs(t *testing.T) {
	mu, err := synth.Generate(synth.Config{Seed: 7, Persons: 2000, Units: 200, Depth: 6, Engagements: 2400, Managers: 100, Today: today})
	require.NoError(t, err)
	snap, missing := intake.WithNationalIDs(mu.Payroll)
	require.Positive(t, missing, "synth makes a few persons without a CPR")

	_, err = intake.ExportPayroll(mu.Payroll)
	ps := problems(err)
	assert.Len(t, ps, missing, "one problem per person without a national id")
	for _, p := range ps {
		assert.ErrorIs(t, p, intake.ErrNoNationalID)
	}

	// Nothing left refers to a person that was left out; the other kinds
	// (manager roles, associations) go with them too.
	kept := map[uuid.UUID]bool{}
	for _, o := range snap.Objects {
		kept[o.ID] = true
	}
	for _, o := range mu.Payroll.Objects {
		if !kept[o.ID] {
			continue
		}
		switch a := o.Timeline.Span(0).Value.(type) {
		case om.EngagementAttrs:
			assert.True(t, kept[a.Person])
		case om.ManagerAttrs:
			assert.True(t, a.Person == uuid.Nil || kept[a.Person])
		case om.AssociationAttrs:
			assert.True(t, kept[a.Person])
		}
	}

	exp, err := intake.ExportPayroll(snap)
	require.NoError(t, err)
	back, err := intake.Payroll(synth.PayrollSource, exp, intake.PayrollOptions{})
	require.NoError(t, err)
	assert.Equal(t, payrollPart(snap), back.Objects)
}

// BenchmarkPayroll turns the payroll of a municipality of 50,000 persons
// (synth.Municipal, less the ~0.4% without a national id) into its
// org-model snapshot: CheckPayroll, CPR parsing and the mapping.
func BenchmarkPayroll(b *testing.B) {
	mu, err := synth.Generate(synth.Municipal(today))
	if err != nil {
		b.Fatal(err)
	}
	snap, _ := intake.WithNationalIDs(mu.Payroll)
	pay, err := intake.ExportPayroll(snap)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var out om.Snapshot
	for b.Loop() {
		out, err = intake.Payroll(synth.PayrollSource, pay, intake.PayrollOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(pay.Persons)), "persons")
	b.ReportMetric(float64(len(out.Objects)), "objects")
}
