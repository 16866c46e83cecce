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

// withNationalIDs returns the payroll kinds of a synth snapshot without
// the persons synth makes without a national id (foreign consultants, one
// in a few hundred), which no payroll record can be, and without their
// engagements.
func withNationalIDs(snap om.Snapshot) (om.Snapshot, int) {
	gone := map[uuid.UUID]bool{}
	for _, o := range snap.Objects {
		if p, ok := o.Timeline.Span(0).Value.(om.PersonAttrs); ok && p.NationalID.IsZero() {
			gone[o.ID] = true
		}
	}
	out := om.Snapshot{Source: snap.Source}
	for _, o := range snap.Objects {
		switch a := o.Timeline.Span(0).Value.(type) {
		case om.PersonAttrs, om.UnitAttrs:
			if !gone[o.ID] {
				out.Objects = append(out.Objects, o)
			}
		case om.EngagementAttrs:
			if !gone[a.Person] {
				out.Objects = append(out.Objects, o)
			}
		}
	}
	return out, len(gone)
}

func TestExportRefusesPersonsWithoutNationalIDs(t *testing.T) {
	mu, err := synth.Generate(synth.Config{Seed: 7, Persons: 2000, Units: 200, Depth: 6, Engagements: 2400, Managers: 100, Today: today})
	require.NoError(t, err)
	snap, missing := withNationalIDs(mu.Payroll)
	require.Positive(t, missing, "synth makes a few persons without a CPR")

	_, err = intake.ExportPayroll(mu.Payroll)
	ps := problems(err)
	assert.Len(t, ps, missing, "one problem per person without a national id")
	for _, p := range ps {
		assert.ErrorIs(t, p, intake.ErrNoNationalID)
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
	snap, _ := withNationalIDs(mu.Payroll)
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
