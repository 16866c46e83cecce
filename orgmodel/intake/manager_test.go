package intake_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
)

// withManagers is payroll() with two manager roles: 10002's, with a level
// that changes from a day, and one that names only a person.
func withManagers() *connectors.PayrollSnapshot {
	s := payroll()
	s.Managers = []connectors.PayrollManager{
		{Key: "10002", Unit: "U3", Person: "P2", Engagement: "10002", Type: "Leder", Level: "1.02", Valid: between("2022-01-01", "2024-01-01")},
		{Key: "10002", Unit: "U3", Person: "P2", Engagement: "10002", Type: "Leder", Level: "1.01", Valid: since("2024-01-01")},
		{Key: "M-P1", Unit: "U1", Person: "P1", Type: "Direktør", Valid: since("2021-01-01")},
	}
	return s
}

func TestPayrollMapsManagers(t *testing.T) {
	snap, err := intake.Payroll(src, withManagers(), intake.PayrollOptions{})
	require.NoError(t, err)
	assert.Len(t, snap.Objects, 3+2+2+1+2, "one object per key")

	u1, u3 := id(om.KindUnit, "U1"), id(om.KindUnit, "U3")
	p1, p2 := id(om.KindPerson, "P1"), id(om.KindPerson, "P2")
	m := find(t, snap, om.KindManager, "10002")
	assert.Equal(t, id(om.KindManager, "10002"), m.ID)
	assert.NotEqual(t, id(om.KindEngagement, "10002"), m.ID, "the role is not the engagement")
	want := tl(
		between("2022-01-01", "2024-01-01"), om.ManagerAttrs{Unit: u3, Person: p2, Engagement: id(om.KindEngagement, "10002"), Type: "Leder", Level: "1.02"},
		since("2024-01-01"), om.ManagerAttrs{Unit: u3, Person: p2, Engagement: id(om.KindEngagement, "10002"), Type: "Leder", Level: "1.01"})
	assert.True(t, want.Equal(m.Timeline), "got  %s\nwant %s", m.Timeline, want)

	alone := find(t, snap, om.KindManager, "M-P1")
	want = tl(since("2021-01-01"), om.ManagerAttrs{Unit: u1, Person: p1, Engagement: uuid.Nil, Type: "Direktør"})
	assert.True(t, want.Equal(alone.Timeline), "got  %s\nwant %s", alone.Timeline, want)
}

// A manager from the payroll is in the model after Import; a new level is
// a new registration of the role; a role that ends with its engagement is
// no longer there after the end, and the unit has no manager then.
func TestPayrollManagersImport(t *testing.T) {
	m := om.New(om.Options{})
	u3, p2 := id(om.KindUnit, "U3"), id(om.KindPerson, "P2")
	mid := id(om.KindManager, "10002")

	s := withManagers()
	snap, err := intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	cs, stats, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Created: 10}, stats)
	first, err := m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)

	ms := m.Latest().At(today).Managers(u3, om.ManagerQuery{})
	require.Len(t, ms, 1)
	assert.Equal(t, p2, ms[0].Person)
	assert.Equal(t, id(om.KindEngagement, "10002"), ms[0].Engagement)
	assert.Equal(t, "1.01", ms[0].Level)
	assert.Equal(t, "1.02", m.Latest().At(d("2023-01-01")).Managers(u3, om.ManagerQuery{})[0].Level, "the role's history")
	assert.Equal(t, "Direktør", m.Latest().At(today).Managers(id(om.KindUnit, "U1"), om.ManagerQuery{})[0].Type)

	// The level changes from 2025-06-01: a new registration of the role.
	s.Managers[1].Valid = between("2024-01-01", "2025-06-01")
	s.Managers = append(s.Managers, connectors.PayrollManager{Key: "10002", Unit: "U3", Person: "P2", Engagement: "10002", Type: "Leder", Level: "2.01",
		Valid: since("2025-06-01")})
	snap, err = intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	cs, stats, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Updated: 1, Unchanged: 9}, stats, "only the role changed")
	second, err := m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)
	h := m.History(mid)
	require.Len(t, h, 2, "two registrations of the role")
	assert.Equal(t, first, h[0].Registration)
	assert.Equal(t, second, h[1].Registration)
	assert.Equal(t, "2.01", m.Latest().At(d("2025-06-01")).Managers(u3, om.ManagerQuery{})[0].Level)
	assert.Equal(t, "1.01", m.Latest().At(d("2025-05-31")).Managers(u3, om.ManagerQuery{})[0].Level)
	assert.Equal(t, "1.01", m.AsOf(first.Seq).At(d("2025-06-01")).Managers(u3, om.ManagerQuery{})[0].Level, "the first registration is kept")

	// The engagement ends on 2025-09-01, and the role with it.
	s.Engagements[1].Valid = between("2022-01-01", "2025-09-01")
	s.Managers[3].Valid = between("2025-06-01", "2025-09-01")
	snap, err = intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	load(t, m, snap)
	assert.Len(t, m.Latest().At(d("2025-08-31")).Managers(u3, om.ManagerQuery{}), 1)
	assert.Empty(t, m.Latest().At(d("2025-09-01")).Managers(u3, om.ManagerQuery{}), "the role ends with the engagement")
	o, ok := m.Latest().Object(mid)
	require.True(t, ok)
	assert.Equal(t, d("2025-09-01"), o.Timeline.Coverage().Span(o.Timeline.Coverage().Len()-1).Interval.To)

	// A role gone from the payroll is terminated from today.
	u1 := id(om.KindUnit, "U1")
	s.Managers = slices.DeleteFunc(s.Managers, func(m connectors.PayrollManager) bool { return m.Key == "M-P1" })
	snap, err = intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	cs, stats, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, 1, stats.Terminated)
	_, err = m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)
	assert.Len(t, m.Latest().At(today-1).Managers(u1, om.ManagerQuery{}), 1)
	assert.Empty(t, m.Latest().At(today).Managers(u1, om.ManagerQuery{}))
}

// A manager row is checked like the others, and what the model would
// refuse (a role through another person's engagement) is refused here.
func TestPayrollRefusesBadManagers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *connectors.PayrollSnapshot)
		field  string
		is     error
		text   string
	}{
		{"unknown unit", func(s *connectors.PayrollSnapshot) { s.Managers[2].Unit = "U9" }, "Unit", nil, `no such record "U9"`},
		{"unknown person", func(s *connectors.PayrollSnapshot) { s.Managers[2].Person = "0303903333" }, "Person", nil, "no such record"},
		{"past its engagement", func(s *connectors.PayrollSnapshot) { s.Managers[0].Valid.From = d("2021-01-01") }, "Engagement", nil, `"10002" is not valid on 2021-01-01`},
		{"another's engagement", func(s *connectors.PayrollSnapshot) {
			s.Managers[2].Engagement = "10002"
			s.Managers[2].Valid = since("2022-01-01")
		},
			"Engagement", intake.ErrOthersEngagement, `"10002" is the engagement of "P2", not of "P1"`},
		{"a bad level", func(s *connectors.PayrollSnapshot) { s.Managers[1].Level = "1\x00" }, "Level", nil, "U+0000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := withManagers()
			tc.change(s)
			_, err := intake.Payroll(src, s, intake.PayrollOptions{})
			require.Error(t, err)
			var found *connectors.RecordError
			for _, e := range problems(err) {
				var re *connectors.RecordError
				if errors.As(e, &re) && re.Kind == connectors.PayrollManagerKind && re.Field == tc.field {
					found = re
				}
			}
			require.NotNil(t, found, "%v", err)
			assert.Contains(t, found.Error(), tc.text)
			if tc.is != nil {
				assert.ErrorIs(t, found, tc.is)
			}
			assert.NotContains(t, err.Error(), "0303903333", "no CPR in the error")
		})
	}
}

// PayrollSkipping leaves a bad manager row out, reports it, and imports
// the rest; a role whose engagement is left out goes with it.
func TestPayrollSkippingManagers(t *testing.T) {
	s := withManagers()
	s.Managers[2].Unit = "U9"
	snap, skipped, err := intake.PayrollSkipping(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	require.Len(t, skipped, 1)
	assert.Equal(t, connectortestKind(connectors.PayrollManagerKind), skipped[0].Kind)
	assert.Equal(t, "M-P1", skipped[0].Key)
	assert.Equal(t, "Unit", skipped[0].Field)
	find(t, snap, om.KindManager, "10002")
	for _, o := range snap.Objects {
		assert.NotEqual(t, "M-P1", o.UserKey, "the bad role is left out")
	}

	s = withManagers()
	s.Engagements[1].Fraction = 2 // 10002 is refused, and its role in the next round
	snap, skipped, err = intake.PayrollSkipping(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	var kinds []string
	for _, r := range skipped {
		kinds = append(kinds, r.Kind+" "+r.Key)
	}
	assert.Equal(t, []string{"engagement 10002", "manager 10002", "manager 10002"}, kinds, "each row of the role")
	find(t, snap, om.KindManager, "M-P1")
	assert.False(t, strings.Contains(strings.Join(kinds, ","), "M-P1"))
}

func connectortestKind(k connectors.PayrollKind) string { return k.String() }
