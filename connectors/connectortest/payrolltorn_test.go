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
	mix.Engagements, mix.Leaves = clonePayroll(v2).Engagements, clonePayroll(v2).Leaves
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

// pruneDangling drops the engagements whose person or unit s lacks and
// the leaves whose engagement it lacks.
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
}
