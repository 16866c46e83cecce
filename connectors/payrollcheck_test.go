package connectors

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

func day(y int, m time.Month, d int) timeline.Date { return timeline.MustDate(y, m, d) }

func jan1(y int) timeline.Date { return day(y, time.January, 1) }

// checkSnapshot is a small valid snapshot that each case below breaks in
// one way. Person 1's key is a CPR number, as many payroll systems have it.
func checkSnapshot() *PayrollSnapshot {
	return &PayrollSnapshot{
		Units: []PayrollUnit{
			{Key: "ROOT", Name: "Kommunen", Level: "Top", Valid: timeline.Since(jan1(2000))},
			{Key: "U1", Parent: "ROOT", Name: "Skolen", Valid: timeline.Between(jan1(2000), day(2026, time.March, 1))},
			{Key: "U1", Parent: "ROOT", Name: "Skolen ved Søen", Valid: timeline.Since(day(2026, time.March, 1))},
		},
		Persons: []PayrollPerson{
			{Key: "0101901234", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen", Valid: timeline.Since(jan1(2000))},
			{Key: "P2", NationalID: "19900101-1234", Surname: "Åberg", Valid: timeline.Since(jan1(2000))},
		},
		Engagements: []PayrollEngagement{
			{Key: "E1", Person: "0101901234", Unit: "U1", JobFunction: "Lærer", Fraction: 1, Valid: timeline.Since(jan1(2010))},
			{Key: "E2", Person: "P2", Unit: "ROOT", Fraction: 0.5, Valid: timeline.Between(jan1(2020), jan1(2025))},
		},
		Leaves: []PayrollLeave{
			{Key: "L1", Engagement: "E1", Type: "Barsel", Valid: timeline.Between(jan1(2024), day(2024, time.June, 1))},
		},
	}
}

// recordErrors flattens the errors CheckPayroll joins, failing the test on
// any that is not a *RecordError.
func recordErrors(t *testing.T, err error) []*RecordError {
	t.Helper()
	var out []*RecordError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		re, ok := err.(*RecordError)
		require.Truef(t, ok, "%T %q is not a *RecordError", err, err)
		out = append(out, re)
	}
	if err != nil {
		walk(err)
	}
	return out
}

// want is a problem a case must report.
type want struct {
	kind  PayrollKind
	index int // -1: any row
	field string
	text  string // in the message
}

func requireProblem(t *testing.T, err error, w want) {
	t.Helper()
	require.Error(t, err)
	for _, re := range recordErrors(t, err) {
		if re.Kind == w.kind && (w.index < 0 || re.Index == w.index) && re.Field == w.field && strings.Contains(re.Error(), w.text) {
			return
		}
	}
	require.Failf(t, "problem not reported", "want %s row %d field %q with %q; got:\n%v", w.kind, w.index+1, w.field, w.text, err)
}

func TestCheckPayrollAcceptsValid(t *testing.T) {
	require.NoError(t, CheckPayroll(checkSnapshot()))
	require.NoError(t, CheckPayroll(&PayrollSnapshot{}), "an empty snapshot")

	s := checkSnapshot()
	s.Units[0].Key = strings.Repeat("k", MaxKeyBytes)
	s.Units[1].Parent = s.Units[0].Key
	s.Units[2].Parent = s.Units[0].Key
	s.Engagements[1].Unit = s.Units[0].Key
	s.Units[0].Name = strings.Repeat("ø", MaxFieldBytes/2) // two bytes each
	s.Units[0].Level = strings.Repeat("x", MaxFieldBytes)
	s.Persons[0].GivenNames = ""    // a surname alone is a name
	s.Persons[1].GivenNames = "Åsa" // and so are given names with a surname
	s.Engagements[0].Fraction = 0
	s.Engagements[1].Type = `Jensen, Hansen + Co "A" \ <B>; =*()`
	s.Units[1].Name = "Σχολείο Школа مدرسة 学校 🏫"
	require.NoError(t, CheckPayroll(s), "fields at their limits, any script, LDAP's special characters")
}

func TestCheckPayrollRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name   string
		change func(s *PayrollSnapshot)
		want   want
	}{
		// Keys.
		{"unit without key", func(s *PayrollSnapshot) { s.Units[0].Key = "" }, want{PayrollUnitKind, 0, "Key", "empty"}},
		{"person without key", func(s *PayrollSnapshot) { s.Persons[1].Key = "" }, want{PayrollPersonKind, 1, "Key", "empty"}},
		{"engagement without key", func(s *PayrollSnapshot) { s.Engagements[1].Key = "" }, want{PayrollEngagementKind, 1, "Key", "empty"}},
		{"leave without key", func(s *PayrollSnapshot) { s.Leaves[0].Key = "" }, want{PayrollLeaveKind, 0, "Key", "empty"}},
		{"key too long", func(s *PayrollSnapshot) { s.Leaves[0].Key = long(MaxKeyBytes + 1) }, want{PayrollLeaveKind, 0, "Key", "257 bytes; the most is 256"}},
		{"reference too long", func(s *PayrollSnapshot) { s.Units[1].Parent = long(MaxKeyBytes + 1) }, want{PayrollUnitKind, 1, "Parent", "257 bytes"}},
		{"NUL in key", func(s *PayrollSnapshot) { s.Engagements[1].Key = "E\x002" }, want{PayrollEngagementKind, 1, "Key", "control character U+0000"}},
		{"invalid UTF-8 in key", func(s *PayrollSnapshot) { s.Units[0].Key = "R\xffOOT" }, want{PayrollUnitKind, 0, "Key", "not valid UTF-8"}},

		// Intervals.
		{"empty interval", func(s *PayrollSnapshot) { s.Leaves[0].Valid.To = s.Leaves[0].Valid.From }, want{PayrollLeaveKind, 0, "Valid", "does not end after it starts"}},
		{"reversed interval", func(s *PayrollSnapshot) { s.Engagements[1].Valid = timeline.Between(jan1(2025), jan1(2020)) }, want{PayrollEngagementKind, 1, "Valid", "does not end after it starts"}},
		{"start not a date", func(s *PayrollSnapshot) { s.Persons[1].Valid.From = timeline.Open }, want{PayrollPersonKind, 1, "Valid", "is not a date"}},
		{"end not a date", func(s *PayrollSnapshot) { s.Persons[1].Valid.To = timeline.Open - 1 }, want{PayrollPersonKind, 1, "Valid", "is not a date"}},
		{"zero interval", func(s *PayrollSnapshot) { s.Units[0].Valid = timeline.Interval{} }, want{PayrollUnitKind, 0, "Valid", "does not end after it starts"}},

		// Rows of one key.
		{"unit rows overlap", func(s *PayrollSnapshot) { s.Units[2].Valid.From = day(2026, time.February, 28) }, want{PayrollUnitKind, 2, "Valid", "overlaps [2000-01-01, 2026-03-01) of row 2"}},
		{"person rows overlap", func(s *PayrollSnapshot) {
			s.Persons = append(s.Persons, PayrollPerson{Key: "P2", NationalID: "x", Surname: "Berg", Valid: timeline.Since(jan1(2020))})
		}, want{PayrollPersonKind, 2, "Valid", "overlaps [2000-01-01, ∞) of row 2"}},
		{"engagement rows overlap", func(s *PayrollSnapshot) {
			s.Engagements = append(s.Engagements, PayrollEngagement{Key: "E2", Person: "P2", Unit: "ROOT", Valid: timeline.Between(jan1(2024), jan1(2025))})
		}, want{PayrollEngagementKind, 2, "Valid", "overlaps"}},
		{"leave rows overlap", func(s *PayrollSnapshot) { s.Leaves = append(s.Leaves, s.Leaves[0]) }, want{PayrollLeaveKind, -1, "Valid", "overlaps"}},
		{"a row inside an earlier one, past the next", func(s *PayrollSnapshot) {
			// Rows 1 [2000, 2030) and 2 [2001, 2002) overlap, and so do
			// rows 1 and 3 [2005, 2006), though 2 and 3 do not.
			s.Units = append(s.Units[:1],
				PayrollUnit{Key: "U1", Parent: "ROOT", Name: "a", Valid: timeline.Between(jan1(2000), jan1(2030))},
				PayrollUnit{Key: "U1", Parent: "ROOT", Name: "b", Valid: timeline.Between(jan1(2001), jan1(2002))},
				PayrollUnit{Key: "U1", Parent: "ROOT", Name: "c", Valid: timeline.Between(jan1(2005), jan1(2006))})
		}, want{PayrollUnitKind, 3, "Valid", "[2005-01-01, 2006-01-01) overlaps [2000-01-01, 2030-01-01) of row 2"}},

		// References.
		{"unknown parent", func(s *PayrollSnapshot) { s.Units[1].Parent = "NOPE" }, want{PayrollUnitKind, 1, "Parent", `no such record "NOPE"`}},
		{"unknown person", func(s *PayrollSnapshot) { s.Engagements[1].Person = "P9" }, want{PayrollEngagementKind, 1, "Person", `no such record "P9"`}},
		{"unknown unit", func(s *PayrollSnapshot) { s.Engagements[0].Unit = "U9" }, want{PayrollEngagementKind, 0, "Unit", `no such record "U9"`}},
		{"unknown engagement", func(s *PayrollSnapshot) { s.Leaves[0].Engagement = "E9" }, want{PayrollLeaveKind, 0, "Engagement", `no such record "E9"`}},
		{"a person is no unit", func(s *PayrollSnapshot) { s.Engagements[1].Unit = "P2" }, want{PayrollEngagementKind, 1, "Unit", `no such record "P2"`}},
		{"unit not yet valid", func(s *PayrollSnapshot) {
			s.Engagements[0].Valid.From = jan1(1999)
		}, want{PayrollEngagementKind, 0, "Unit", `"U1" is not valid on 1999-01-01, a day of [1999-01-01, ∞)`}},
		{"person no longer valid", func(s *PayrollSnapshot) {
			s.Persons[1].Valid.To = jan1(2022)
		}, want{PayrollEngagementKind, 1, "Person", `"P2" is not valid on 2022-01-01`}},
		{"parent with a gap", func(s *PayrollSnapshot) {
			s.Units[0].Valid.To = jan1(2010)
			s.Units = append(s.Units, PayrollUnit{Key: "ROOT", Name: "Kommunen", Valid: timeline.Since(jan1(2011))})
		}, want{PayrollUnitKind, 1, "Parent", `"ROOT" is not valid on 2010-01-01`}},
		{"leave after its engagement", func(s *PayrollSnapshot) {
			s.Leaves[0].Engagement = "E2"
			s.Leaves[0].Valid = timeline.Between(jan1(2024), jan1(2026))
		}, want{PayrollLeaveKind, 0, "Engagement", `"E2" is not valid on 2025-01-01`}},
		{"open-ended reference to an ending record", func(s *PayrollSnapshot) {
			s.Engagements[1].Valid = timeline.Since(jan1(2020))
			s.Persons[1].Valid.To = jan1(2030)
		}, want{PayrollEngagementKind, 1, "Person", `"P2" is not valid on 2030-01-01`}},

		// The tree.
		{"own parent", func(s *PayrollSnapshot) { s.Units[2].Parent = "U1" }, want{PayrollUnitKind, 2, "Parent", "its own parent"}},
		{"two units under each other", func(s *PayrollSnapshot) {
			s.Units[0].Parent = "U1"
		}, want{PayrollUnitKind, -1, "Parent", "its own ancestor on 2000-01-01"}},
		{"a cycle from one day", func(s *PayrollSnapshot) {
			// A under B from 2020; B under A from 2024: both on 2024.
			s.Units = append(s.Units,
				PayrollUnit{Key: "A", Parent: "B", Name: "A", Valid: timeline.Since(jan1(2020))},
				PayrollUnit{Key: "B", Parent: "ROOT", Name: "B", Valid: timeline.Between(jan1(2020), jan1(2024))},
				PayrollUnit{Key: "B", Parent: "A", Name: "B", Valid: timeline.Since(jan1(2024))})
		}, want{PayrollUnitKind, -1, "Parent", "its own ancestor on 2024-01-01"}},
		{"a cycle of three", func(s *PayrollSnapshot) {
			s.Units = append(s.Units,
				PayrollUnit{Key: "A", Parent: "C", Name: "A", Valid: timeline.Since(jan1(2020))},
				PayrollUnit{Key: "B", Parent: "A", Name: "B", Valid: timeline.Since(jan1(2020))},
				PayrollUnit{Key: "C", Parent: "B", Name: "C", Valid: timeline.Since(jan1(2020))})
		}, want{PayrollUnitKind, -1, "Parent", "its own ancestor on 2020-01-01"}},

		// Text.
		{"NUL in a name", func(s *PayrollSnapshot) { s.Units[0].Name = "Kommu\x00nen" }, want{PayrollUnitKind, 0, "Name", "control character U+0000"}},
		{"tab in a surname", func(s *PayrollSnapshot) { s.Persons[0].Surname = "Jen\tsen" }, want{PayrollPersonKind, 0, "Surname", "U+0009"}},
		{"newline in given names", func(s *PayrollSnapshot) { s.Persons[0].GivenNames = "Karina\nAnne" }, want{PayrollPersonKind, 0, "GivenNames", "U+000A"}},
		{"DEL in a level", func(s *PayrollSnapshot) { s.Units[0].Level = "Top\x7f" }, want{PayrollUnitKind, 0, "Level", "U+007F"}},
		{"C1 control in a job function", func(s *PayrollSnapshot) { s.Engagements[0].JobFunction = "Lærer\u0085" }, want{PayrollEngagementKind, 0, "JobFunction", "U+0085"}},
		{"control in a leave type", func(s *PayrollSnapshot) { s.Leaves[0].Type = "\x1b[31m" }, want{PayrollLeaveKind, 0, "Type", "U+001B"}},
		{"NUL in a national id", func(s *PayrollSnapshot) { s.Persons[1].NationalID = "19900101\x001234" }, want{PayrollPersonKind, 1, "NationalID", "U+0000"}},
		{"invalid UTF-8 in a name", func(s *PayrollSnapshot) { s.Units[1].Name = "Sk\xc3olen" }, want{PayrollUnitKind, 1, "Name", "not valid UTF-8"}},
		{"invalid UTF-8 in a type", func(s *PayrollSnapshot) { s.Engagements[1].Type = "\xff" }, want{PayrollEngagementKind, 1, "Type", "not valid UTF-8"}},
		{"Latin-1 surname", func(s *PayrollSnapshot) { s.Persons[1].Surname = "\xc5berg" }, want{PayrollPersonKind, 1, "Surname", "not valid UTF-8"}},
		{"huge name", func(s *PayrollSnapshot) { s.Units[0].Name = long(MaxFieldBytes + 1) }, want{PayrollUnitKind, 0, "Name", "1025 bytes; the most is 1024"}},
		{"huge surname", func(s *PayrollSnapshot) { s.Persons[0].Surname = long(1 << 20) }, want{PayrollPersonKind, 0, "Surname", "1048576 bytes"}},
		{"huge job function", func(s *PayrollSnapshot) { s.Engagements[0].JobFunction = long(MaxFieldBytes + 1) }, want{PayrollEngagementKind, 0, "JobFunction", "1025 bytes"}},

		// Required fields.
		{"unit without a name", func(s *PayrollSnapshot) { s.Units[1].Name = "" }, want{PayrollUnitKind, 1, "Name", "empty"}},
		{"unit with a blank name", func(s *PayrollSnapshot) { s.Units[1].Name = "  " }, want{PayrollUnitKind, 1, "Name", "blank"}},
		{"person without a name", func(s *PayrollSnapshot) { s.Persons[0].GivenNames, s.Persons[0].Surname = "", "" }, want{PayrollPersonKind, 0, "Surname", "no name"}},
		{"person with a blank name", func(s *PayrollSnapshot) { s.Persons[0].GivenNames, s.Persons[0].Surname = " ", "\u00a0" }, want{PayrollPersonKind, 0, "Surname", "no name"}},
		{"person without a national id", func(s *PayrollSnapshot) { s.Persons[1].NationalID = "" }, want{PayrollPersonKind, 1, "NationalID", "empty"}},
		{"engagement without a person", func(s *PayrollSnapshot) { s.Engagements[0].Person = "" }, want{PayrollEngagementKind, 0, "Person", "empty"}},
		{"engagement without a unit", func(s *PayrollSnapshot) { s.Engagements[0].Unit = "" }, want{PayrollEngagementKind, 0, "Unit", "empty"}},
		{"leave without an engagement", func(s *PayrollSnapshot) { s.Leaves[0].Engagement = "" }, want{PayrollLeaveKind, 0, "Engagement", "empty"}},

		// Fractions.
		{"NaN fraction", func(s *PayrollSnapshot) { s.Engagements[0].Fraction = math.NaN() }, want{PayrollEngagementKind, 0, "Fraction", "NaN is not a share from 0 to 1"}},
		{"negative fraction", func(s *PayrollSnapshot) { s.Engagements[0].Fraction = -0.1 }, want{PayrollEngagementKind, 0, "Fraction", "-0.1 is not a share"}},
		{"fraction above one", func(s *PayrollSnapshot) { s.Engagements[1].Fraction = 1.0001 }, want{PayrollEngagementKind, 1, "Fraction", "1.0001 is not a share"}},
		{"infinite fraction", func(s *PayrollSnapshot) { s.Engagements[1].Fraction = math.Inf(1) }, want{PayrollEngagementKind, 1, "Fraction", "+Inf"}},
		{"minus infinite fraction", func(s *PayrollSnapshot) { s.Engagements[1].Fraction = math.Inf(-1) }, want{PayrollEngagementKind, 1, "Fraction", "-Inf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := checkSnapshot()
			tc.change(s)
			requireProblem(t, CheckPayroll(s), tc.want)
		})
	}
}

// A unit may move under a unit that was once below it, as long as the two
// links never hold on the same day.
func TestCheckPayrollCyclesAreByDay(t *testing.T) {
	s := checkSnapshot()
	s.Units = append(s.Units,
		PayrollUnit{Key: "A", Parent: "B", Name: "A", Valid: timeline.Between(jan1(2020), jan1(2021))},
		PayrollUnit{Key: "A", Parent: "ROOT", Name: "A", Valid: timeline.Since(jan1(2021))},
		PayrollUnit{Key: "B", Parent: "ROOT", Name: "B", Valid: timeline.Between(jan1(2020), jan1(2024))},
		PayrollUnit{Key: "B", Parent: "A", Name: "B", Valid: timeline.Since(jan1(2024))})
	require.NoError(t, CheckPayroll(s), "A under B in 2020, B under A from 2024")

	// The two links meet on one day, 2020-12-31, and only then.
	s.Units[len(s.Units)-2].Valid.To = day(2020, time.December, 31)
	s.Units[len(s.Units)-1].Valid.From = day(2020, time.December, 31)
	err := CheckPayroll(s)
	requireProblem(t, err, want{PayrollUnitKind, -1, "Parent", "its own ancestor on 2020-12-31"})
	require.Len(t, recordErrors(t, err), 1, "one cycle, reported once:\n%v", err)
}

// Two runs over the same snapshot say the same, in the same order, and
// each cycle is reported once, on the first day it holds.
func TestCheckPayrollIsDeterministic(t *testing.T) {
	s := &PayrollSnapshot{Units: []PayrollUnit{
		{Key: "A", Parent: "B", Name: "a", Valid: timeline.Since(jan1(2001))},
		{Key: "B", Parent: "C", Name: "b", Valid: timeline.Since(jan1(2001))},
		{Key: "C", Parent: "A", Name: "c", Valid: timeline.Since(jan1(2001))},
		{Key: "D", Parent: "E", Name: "d", Valid: timeline.Since(jan1(2003))},
		{Key: "E", Parent: "D", Name: "e", Valid: timeline.Since(jan1(2003))},
		{Key: "F", Name: "f", Valid: timeline.Since(jan1(2002))},
		{Key: "G", Parent: "F", Name: "g", Valid: timeline.Since(jan1(2002))},
	}}
	first := CheckPayroll(s).Error()
	require.Len(t, recordErrors(t, CheckPayroll(s)), 2, "two cycles:\n%s", first)
	require.Contains(t, first, `unit "A" (row 1) Parent: the unit is its own ancestor on 2001-01-01: "A" under "B" under "C" under "A"`)
	require.Contains(t, first, `unit "D" (row 4) Parent: the unit is its own ancestor on 2003-01-01: "D" under "E" under "D"`)
	for range 50 {
		require.Equal(t, first, CheckPayroll(s).Error())
	}

	o := checkSnapshot()
	for _, k := range []string{"X", "Y", "Z", "W"} {
		o.Units = append(o.Units,
			PayrollUnit{Key: k, Name: "1", Valid: timeline.Since(jan1(2000))},
			PayrollUnit{Key: k, Name: "2", Valid: timeline.Since(jan1(2000))})
	}
	first = CheckPayroll(o).Error()
	require.Len(t, recordErrors(t, CheckPayroll(o)), 4)
	for range 50 {
		require.Equal(t, first, CheckPayroll(o).Error())
	}
}

func TestCheckPayrollReportsEveryProblem(t *testing.T) {
	s := checkSnapshot()
	s.Units[0].Name = ""
	s.Persons[1].Surname = "\x00"
	s.Engagements[1].Fraction = 2
	s.Leaves[0].Engagement = "E9"
	errs := recordErrors(t, CheckPayroll(s))
	require.Len(t, errs, 4)
}

func TestCheckPayrollChanges(t *testing.T) {
	s := checkSnapshot()
	page := &PayrollChanges{
		Engagements: s.Engagements[1:],
		Deleted:     []PayrollRef{{Kind: PayrollLeaveKind, Key: "L1"}, {Kind: PayrollUnitKind, Key: "0101901234"}},
		Token:       "t",
	}
	require.NoError(t, CheckPayrollChanges(page), "references may point outside the page")
	require.NoError(t, CheckPayrollChanges(&PayrollChanges{}), "an empty page")

	for _, tc := range []struct {
		name   string
		change func(p *PayrollChanges)
		want   want
	}{
		{"bad field", func(p *PayrollChanges) {
			p.Units = []PayrollUnit{{Key: "U", Name: "\x00", Valid: timeline.Since(jan1(2000))}}
		},
			want{PayrollUnitKind, 0, "Name", "U+0000"}},
		{"bad interval", func(p *PayrollChanges) { p.Leaves = []PayrollLeave{{Key: "L", Engagement: "E"}} },
			want{PayrollLeaveKind, 0, "Valid", "does not end after it starts"}},
		{"rows overlap", func(p *PayrollChanges) {
			p.Persons = []PayrollPerson{
				{Key: "P", NationalID: "x", Surname: "a", Valid: timeline.Since(jan1(2000))},
				{Key: "P", NationalID: "x", Surname: "b", Valid: timeline.Since(jan1(2001))}}
		}, want{PayrollPersonKind, 1, "Valid", "overlaps"}},
		{"own parent", func(p *PayrollChanges) {
			p.Units = []PayrollUnit{{Key: "U", Parent: "U", Name: "u", Valid: timeline.Since(jan1(2000))}}
		}, want{PayrollUnitKind, 0, "Parent", "its own parent"}},
		{"fraction", func(p *PayrollChanges) { p.Engagements[0].Fraction = math.NaN() }, want{PayrollEngagementKind, 0, "Fraction", "NaN"}},
		{"deleted of no kind", func(p *PayrollChanges) { p.Deleted[1].Kind = 0 }, want{0, 1, "Kind", "unknown kind of record (0)"}},
		{"deleted of an unknown kind", func(p *PayrollChanges) { p.Deleted[0].Kind = 9 }, want{9, 0, "Kind", "unknown kind of record (9)"}},
		{"deleted without a key", func(p *PayrollChanges) { p.Deleted[0].Key = "" }, want{PayrollLeaveKind, 0, "Key", "empty"}},
		{"deleted key too long", func(p *PayrollChanges) { p.Deleted[0].Key = strings.Repeat("k", MaxKeyBytes+1) }, want{PayrollLeaveKind, 0, "Key", "257 bytes"}},
		{"deleted key with NUL", func(p *PayrollChanges) { p.Deleted[0].Key = "L\x00" }, want{PayrollLeaveKind, 0, "Key", "U+0000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := *page
			p.Engagements = append([]PayrollEngagement(nil), page.Engagements...)
			p.Deleted = append([]PayrollRef(nil), page.Deleted...)
			tc.change(&p)
			requireProblem(t, CheckPayrollChanges(&p), tc.want)
		})
	}
}

func TestRecordError(t *testing.T) {
	s := checkSnapshot()
	s.Units[1].Valid = timeline.Interval{From: jan1(2001), To: jan1(2000)}
	err := CheckPayroll(s)
	require.ErrorIs(t, err, timeline.ErrInterval, "the underlying error is kept")
	var re *RecordError
	require.ErrorAs(t, err, &re)
	require.Equal(t, RecordError{Kind: PayrollUnitKind, Index: 1, Key: "U1", Field: "Valid", Err: re.Err}, *re)
	require.Equal(t, `unit "U1" (row 2) Valid: `+re.Err.Error(), re.Error())

	whole := &RecordError{Kind: PayrollLeaveKind, Key: "L", Err: errors.New("gone")}
	require.Equal(t, `leave "L" (row 1): gone`, whole.Error(), "no field: the row as a whole")
	require.Equal(t, `payroll kind 0 "" (row 1)`, (&RecordError{}).Error(), "a zero RecordError prints")

	s = checkSnapshot()
	s.Units[0].Key = strings.Repeat("å", 200)
	err = CheckPayroll(s)
	require.ErrorAs(t, err, &re)
	require.True(t, strings.HasSuffix(re.Key, "…"), "a key is clipped in the error, on a rune boundary: %q", re.Key)
	require.LessOrEqual(t, len(re.Key), 64+len("…"))
}

// fullID matches a national id in full: a CPR number or a personnummer,
// with or without its separator.
var fullID = regexp.MustCompile(`(^|[^0-9])([0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}($|[^0-9])`)

// No error text holds a national id in full, wherever it sits: in a key, a
// reference, a deleted record, or a field that is wrong.
func TestCheckPayrollNeverPrintsNationalIDs(t *testing.T) {
	errs := []error{}
	s := checkSnapshot() // person 1's key is a CPR number
	s.Persons[0].Valid.To = s.Persons[0].Valid.From
	s.Persons[0].NationalID = "0101901234\x00"
	s.Persons[1].NationalID = NationalID(strings.Repeat("0101901234", 200))
	s.Engagements[1].Person = "0202901234"
	s.Units[0].Key = "190001011234"
	s.Units[1].Parent = "\xff0303901234"
	s.Units[2].Key = "U1 " + strings.Repeat("x", 54) + "0404901234" + strings.Repeat("x", 20) // a CPR at the clip
	s.Leaves[0].Key = "050590-1234"
	s.Leaves[0].Type = "\x00"
	errs = append(errs, CheckPayroll(s))

	c := checkSnapshot()
	c.Units = append(c.Units,
		PayrollUnit{Key: "0606901234", Parent: "0707901234", Name: "a", Valid: timeline.Since(jan1(2000))},
		PayrollUnit{Key: "0707901234", Parent: "0606901234", Name: "b", Valid: timeline.Since(jan1(2000))})
	errs = append(errs, CheckPayroll(c))

	errs = append(errs, CheckPayrollChanges(&PayrollChanges{
		Persons: []PayrollPerson{{Key: "0808901234", Valid: timeline.Since(jan1(2000))}},
		Deleted: []PayrollRef{{Kind: 7, Key: "0909901234"}, {Kind: PayrollPersonKind, Key: "1010901234\x00"}},
	}))
	for _, err := range errs {
		require.Error(t, err)
		for _, re := range recordErrors(t, err) {
			require.NotRegexp(t, fullID, re.Error())
		}
		require.NotRegexp(t, fullID, err.Error())
		require.Contains(t, err.Error(), "-xxxx", "the numbers are masked, not dropped")
	}
}

// A long cycle is named in part; two cycles through one unit are two.
func TestCheckPayrollCycleMessages(t *testing.T) {
	s := &PayrollSnapshot{}
	for i := range 10 {
		s.Units = append(s.Units, PayrollUnit{Key: fmt.Sprint("C", i), Parent: fmt.Sprint("C", (i+1)%10), Name: "c", Valid: timeline.Since(jan1(2000))})
	}
	err := CheckPayroll(s)
	require.Len(t, recordErrors(t, err), 1)
	require.Equal(t, `unit "C0" (row 1) Parent: the unit is its own ancestor on 2000-01-01: `+
		`"C0" under "C1" under "C2" under "C3" under "C4" under "C5" under "C6" under "C7" under …`, err.Error())

	// X is under Y in 2000, and under Z from 2010; both are under X.
	s = &PayrollSnapshot{Units: []PayrollUnit{
		{Key: "X", Parent: "Y", Name: "x", Valid: timeline.Between(jan1(2000), jan1(2010))},
		{Key: "X", Parent: "Z", Name: "x", Valid: timeline.Since(jan1(2010))},
		{Key: "Y", Parent: "X", Name: "y", Valid: timeline.Since(jan1(2000))},
		{Key: "Z", Parent: "X", Name: "z", Valid: timeline.Since(jan1(2000))},
	}}
	err = CheckPayroll(s)
	require.Len(t, recordErrors(t, err), 2, "%v", err)
	require.Contains(t, err.Error(), `unit "X" (row 1) Parent: the unit is its own ancestor on 2000-01-01: "X" under "Y" under "X"`)
	require.Contains(t, err.Error(), `unit "X" (row 2) Parent: the unit is its own ancestor on 2010-01-01: "X" under "Z" under "X"`)
}
