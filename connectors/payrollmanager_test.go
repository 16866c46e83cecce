package connectors

import (
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

// managerSnapshot is checkSnapshot with two manager roles: one through an
// engagement, one that names only the person.
func managerSnapshot() *PayrollSnapshot {
	s := checkSnapshot()
	s.Managers = []PayrollManager{
		{Key: "E1", Unit: "U1", Person: "0101901234", Engagement: "E1", Type: "Skoleleder", Level: "1.02", Valid: timeline.Between(jan1(2010), jan1(2020))},
		{Key: "E1", Unit: "U1", Person: "0101901234", Engagement: "E1", Type: "Skoleleder", Level: "1.01", Valid: timeline.Since(jan1(2020))},
		{Key: "M2", Unit: "ROOT", Person: "P2", Valid: timeline.Since(jan1(2000))},
	}
	return s
}

func TestPayrollManagerKind(t *testing.T) {
	require.Equal(t, PayrollKind(5), PayrollManagerKind, "the numbers are stable: they cross the plugin boundary")
	require.Equal(t, "manager", PayrollManagerKind.String())
	require.True(t, PayrollManagerKind.Valid())
	require.False(t, PayrollKind(6).Valid())
	require.Equal(t, "payroll kind 6", PayrollKind(6).String())
}

func TestCheckPayrollManagers(t *testing.T) {
	require.NoError(t, CheckPayroll(managerSnapshot()), "a role through an engagement, and one of a person alone")

	for _, tc := range []struct {
		name   string
		change func(s *PayrollSnapshot)
		want   want
	}{
		{"without key", func(s *PayrollSnapshot) { s.Managers[2].Key = "" }, want{PayrollManagerKind, 2, "Key", "empty"}},
		{"key too long", func(s *PayrollSnapshot) { s.Managers[2].Key = strings.Repeat("k", MaxKeyBytes+1) }, want{PayrollManagerKind, 2, "Key", "257 bytes"}},
		{"without unit", func(s *PayrollSnapshot) { s.Managers[2].Unit = "" }, want{PayrollManagerKind, 2, "Unit", "empty"}},
		{"without person", func(s *PayrollSnapshot) { s.Managers[2].Person = "" }, want{PayrollManagerKind, 2, "Person", "empty"}},
		{"engagement too long", func(s *PayrollSnapshot) { s.Managers[0].Engagement = strings.Repeat("e", MaxKeyBytes+1) }, want{PayrollManagerKind, 0, "Engagement", "257 bytes"}},
		{"control in a type", func(s *PayrollSnapshot) { s.Managers[0].Type = "Leder\n" }, want{PayrollManagerKind, 0, "Type", "U+000A"}},
		{"huge level", func(s *PayrollSnapshot) { s.Managers[1].Level = strings.Repeat("l", MaxFieldBytes+1) }, want{PayrollManagerKind, 1, "Level", "1025 bytes"}},
		{"invalid UTF-8 in a level", func(s *PayrollSnapshot) { s.Managers[1].Level = "\xff" }, want{PayrollManagerKind, 1, "Level", "not valid UTF-8"}},
		{"empty interval", func(s *PayrollSnapshot) { s.Managers[2].Valid.To = s.Managers[2].Valid.From }, want{PayrollManagerKind, 2, "Valid", "does not end after it starts"}},
		{"rows overlap", func(s *PayrollSnapshot) { s.Managers[1].Valid.From = jan1(2019) }, want{PayrollManagerKind, 1, "Valid", "overlaps [2010-01-01, 2020-01-01) of row 1"}},
		{"unknown unit", func(s *PayrollSnapshot) { s.Managers[2].Unit = "U9" }, want{PayrollManagerKind, 2, "Unit", `no such record "U9"`}},
		{"unknown person", func(s *PayrollSnapshot) { s.Managers[2].Person = "P9" }, want{PayrollManagerKind, 2, "Person", `no such record "P9"`}},
		{"unknown engagement", func(s *PayrollSnapshot) { s.Managers[0].Engagement = "E9" }, want{PayrollManagerKind, 0, "Engagement", `no such record "E9"`}},
		{"unit not yet valid", func(s *PayrollSnapshot) {
			s.Managers[2].Unit = "U1"
			s.Managers[2].Valid = timeline.Since(jan1(1999))
		}, want{PayrollManagerKind, 2, "Unit", `"U1" is not valid on 1999-01-01`}},
		{"person no longer valid", func(s *PayrollSnapshot) { s.Persons[1].Valid.To = jan1(2022) }, want{PayrollManagerKind, 2, "Person", `"P2" is not valid on 2022-01-01`}},
		{"role after its engagement", func(s *PayrollSnapshot) {
			s.Managers[2].Engagement = "E2" // [2020, 2025)
			s.Managers[2].Valid = timeline.Between(jan1(2020), jan1(2026))
		}, want{PayrollManagerKind, 2, "Engagement", `"E2" is not valid on 2025-01-01`}},
		{"role before its engagement", func(s *PayrollSnapshot) {
			s.Managers[0].Valid.From = jan1(2009)
		}, want{PayrollManagerKind, 0, "Engagement", `"E1" is not valid on 2009-01-01`}},
		{"an engagement is no unit", func(s *PayrollSnapshot) { s.Managers[2].Unit = "E1" }, want{PayrollManagerKind, 2, "Unit", `no such record "E1"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := managerSnapshot()
			tc.change(s)
			requireProblem(t, CheckPayroll(s), tc.want)
		})
	}
}

func TestCheckPayrollChangesManagers(t *testing.T) {
	page := &PayrollChanges{
		Managers: []PayrollManager{{Key: "M", Unit: "elsewhere", Person: "too", Engagement: "E", Valid: timeline.Since(jan1(2000))}},
		Deleted:  []PayrollRef{{Kind: PayrollManagerKind, Key: "M0"}},
		Token:    "t",
	}
	require.NoError(t, CheckPayrollChanges(page), "references may point outside the page; a manager may be deleted")
	page.Managers = append(page.Managers, PayrollManager{Key: "M", Unit: "U", Person: "P", Valid: timeline.Since(jan1(2001))})
	requireProblem(t, CheckPayrollChanges(page), want{PayrollManagerKind, 1, "Valid", "overlaps"})
	page.Managers = []PayrollManager{{Key: "M", Person: "P", Valid: timeline.Since(jan1(2001))}}
	requireProblem(t, CheckPayrollChanges(page), want{PayrollManagerKind, 0, "Unit", "empty"})
}

// A person's key may be a CPR number; a manager row's error masks it.
func TestCheckPayrollManagerErrorsMaskNationalIDs(t *testing.T) {
	s := managerSnapshot()
	s.Managers[2].Person = "0202901234"
	err := CheckPayroll(s)
	requireProblem(t, err, want{PayrollManagerKind, 2, "Person", "no such record"})
	require.NotContains(t, err.Error(), "0202901234")
}

func TestApplyManagers(t *testing.T) {
	s := managerSnapshot()
	changed := day(2027, time.January, 1)
	page := &PayrollChanges{
		// E1's level changes from a day: its whole history, three rows.
		Managers: []PayrollManager{
			s.Managers[0],
			{Key: "E1", Unit: "U1", Person: "0101901234", Engagement: "E1", Type: "Skoleleder", Level: "1.01", Valid: timeline.Between(jan1(2020), changed)},
			{Key: "E1", Unit: "U1", Person: "0101901234", Engagement: "E1", Type: "Skoleleder", Level: "2.01", Valid: timeline.Since(changed)},
		},
		Deleted: []PayrollRef{{Kind: PayrollManagerKind, Key: "M2"}, {Kind: PayrollEngagementKind, Key: "M2"}},
		Token:   "t1",
	}
	s.Apply(page)
	require.Equal(t, page.Managers, s.Managers, "E1's rows replaced, M2 gone")
	require.Len(t, s.Engagements, 2, "deleting a manager deletes no engagement of the same key")
	require.NoError(t, CheckPayroll(s))

	s.Apply(&PayrollChanges{Deleted: []PayrollRef{{Kind: PayrollManagerKind, Key: "E1"}}})
	require.Empty(t, s.Managers)
	require.Len(t, s.Engagements, 2, "the engagement E1 stays")

	var none PayrollSnapshot
	none.Apply(&PayrollChanges{Units: checkSnapshot().Units})
	require.Nil(t, none.Managers, "an absent list stays absent")
}
