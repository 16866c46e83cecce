package intake_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
)

// One person with a national id that is no date refuses the payroll
// whole; skipping, the person and the engagement and leave that hang on
// them are left out and reported, and the rest is imported.
func TestPayrollSkippingLeavesOutWhatIsRefused(t *testing.T) {
	s := payroll()
	s.Persons[2].NationalID = "3213901234" // 32 December
	s.Skipped = []connectors.SkippedRecord{{Where: "GetPerson20111201", Kind: "person", Key: "X", Problem: "no name"}}
	_, err := intake.Payroll(src, s, intake.PayrollOptions{})
	require.Error(t, err, "the strict intake refuses it whole")

	snap, skipped, err := intake.PayrollSkipping(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	var kinds []string
	for _, sk := range skipped {
		kinds = append(kinds, sk.Kind+" "+sk.Key)
		assert.NotContains(t, sk.String(), "3213901234", "no national id in full")
	}
	assert.Equal(t, []string{"person X", "person P2", "engagement 10002"}, kinds, "the connector's first, then the person, then what referred to them")
	find(t, snap, om.KindPerson, "P1")
	find(t, snap, om.KindEngagement, "10001")
	for _, o := range snap.Objects {
		assert.NotEqual(t, "P2", o.UserKey)
	}
	assert.Len(t, s.Persons, 3, "the caller's snapshot is not changed")

	_, _, err = intake.PayrollSkipping("", s, intake.PayrollOptions{})
	assert.Error(t, err, "an error of no record still fails")
}

func TestIdentitiesSkippingLeavesOutWhatIsRefused(t *testing.T) {
	s := identities()
	require.NotEmpty(t, s.Identities)
	bad := s.Identities[0].Key
	s.Identities[0].NationalID = "3213901234"
	_, err := intake.Identities(omada, s, identityOptions())
	require.Error(t, err)
	snap, skipped, err := intake.IdentitiesSkipping(omada, s, identityOptions())
	require.NoError(t, err)
	require.NotEmpty(t, skipped)
	assert.Equal(t, bad, skipped[0].Key)
	for _, o := range snap.Objects {
		assert.False(t, o.Kind == om.KindPerson && o.UserKey == bad, "the refused identity is left out")
	}
	persons := 0
	for _, o := range snap.Objects {
		if o.Kind == om.KindPerson {
			persons++
		}
	}
	assert.Equal(t, len(s.Identities)-1, persons, "the other identities are imported")
}
