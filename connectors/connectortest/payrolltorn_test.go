package connectortest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
)

// The check of a torn snapshot accepts a mix of whole records from the
// two versions and refuses a record neither has and a common record
// missing.
func TestTornFrom(t *testing.T) {
	v1, v2 := payrollV1(), payrollV2()
	require.False(t, samePayroll(v1, v2), "the suite's own data")

	mix := clonePayroll(v1) // the org tree and persons of v1, the rest of v2
	mix.Engagements, mix.Leaves, mix.Managers = clonePayroll(v2).Engagements, clonePayroll(v2).Leaves, clonePayroll(v2).Managers
	pruneDangling(mix) // as a connector leaves them out, into Skipped
	require.NoError(t, connectors.CheckPayroll(mix), "the test's own data")
	require.False(t, samePayroll(mix, v1) || samePayroll(mix, v2), "the test's own data")
	require.NoError(t, tornFrom(mix, v1, v2))
	require.NoError(t, tornFrom(v2, v1, v2), "one version whole")

	invented := clonePayroll(mix)
	invented.Persons[0].Surname += " X"
	require.ErrorContains(t, tornFrom(invented, v1, v2), "neither version")

	// A leave nothing refers to, alike in both versions, left out.
	missing := clonePayroll(mix)
	require.NotEmpty(t, missing.Leaves, "the suite's own data")
	missing.Leaves = missing.Leaves[1:]
	require.NoError(t, connectors.CheckPayroll(missing), "the test's own data")
	require.ErrorContains(t, tornFrom(missing, v1, v2), "missing")

	// Likewise a manager role alike in both versions.
	noManager := clonePayroll(mix)
	noManager.Managers = slices.DeleteFunc(noManager.Managers, func(m connectors.PayrollManager) bool { return m.Key == "M-PERSON" })
	require.Less(t, len(noManager.Managers), len(mix.Managers), "the suite's own data")
	require.EqualError(t, tornFrom(noManager, v1, v2), `manager "M-PERSON" is in both versions alike but missing`)

	// A person alike in both versions, left out with what refers to
	// them, is missing; what refers to them is excused.
	orphan := clonePayroll(mix)
	gone := orphan.Persons[0].Key
	orphan.Persons = slices.DeleteFunc(orphan.Persons, func(p connectors.PayrollPerson) bool { return p.Key == gone })
	pruneDangling(orphan)
	require.NoError(t, connectors.CheckPayroll(orphan), "the test's own data")
	require.Less(t, len(orphan.Engagements), len(mix.Engagements), "the test's own data")
	require.EqualError(t, tornFrom(orphan, v1, v2), `person "`+gone+`" is in both versions alike but missing`)
}

// pruneDangling drops the engagements whose person or unit s lacks, and
// the leaves and manager roles whose engagement (or unit or person) it
// lacks.
func pruneDangling(s *connectors.PayrollSnapshot) {
	has := recordsOf(s)
	in := func(k connectors.PayrollKind, key string) bool {
		_, ok := has[connectors.PayrollRef{Kind: k, Key: key}]
		return ok
	}
	s.Engagements = slices.DeleteFunc(s.Engagements, func(e connectors.PayrollEngagement) bool {
		return !in(connectors.PayrollPersonKind, e.Person) || !in(connectors.PayrollUnitKind, e.Unit)
	})
	has = recordsOf(s)
	s.Leaves = slices.DeleteFunc(s.Leaves, func(l connectors.PayrollLeave) bool {
		return !in(connectors.PayrollEngagementKind, l.Engagement)
	})
	s.Managers = slices.DeleteFunc(s.Managers, func(m connectors.PayrollManager) bool {
		return !in(connectors.PayrollUnitKind, m.Unit) || !in(connectors.PayrollPersonKind, m.Person) ||
			(m.Engagement != "" && !in(connectors.PayrollEngagementKind, m.Engagement))
	})
}
