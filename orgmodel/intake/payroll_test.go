package intake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	d     = timeline.MustParseDate
	today = d("2025-03-01")
	ctx   = context.Background()
)

const src = "sd"

// id is the id Payroll gives the record of the kind with the key.
func id(k om.Kind, key string) uuid.UUID { return om.SourceID(src, k, key) }

func between(from, to string) timeline.Interval { return timeline.Between(d(from), d(to)) }
func since(from string) timeline.Interval       { return timeline.Since(d(from)) }

// Names in several scripts, and every character LDAP escapes in a DN or
// a filter: intake keeps them exactly.
const (
	ldapName  = `Børn & Unge, "Syd" <Nord> #1 + = ; \ / * ( ) Ærø`
	greekName = "Ἀλέξανδρος"
	arabic    = "محمد"
	hangul    = "김민준"
)

// payroll is a small payroll snapshot with history: a unit renamed, a
// person whose surname changes (the CPR written both ways), an
// engagement that changes type, a leave over that change.
func payroll() *connectors.PayrollSnapshot {
	return &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "U1", Name: "Sjølund Kommune", Level: "NY3-niveau", Valid: since("2020-01-01")},
			{Key: "U2", Parent: "U1", Name: "Ældreplejen", Level: "Afdelings-niveau", Type: "Afdeling", Valid: between("2020-01-01", "2024-01-01")},
			{Key: "U3", Parent: "U2", Name: ldapName, Level: "Afdelings-niveau", Valid: since("2022-01-01")},
			{Key: "U2", Parent: "U1", Name: "Ældre og Sundhed", Level: "Afdelings-niveau", Type: "Afdeling", Valid: since("2024-01-01")},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101901234", GivenNames: "Anne Sofie", Surname: "Møller", Valid: between("2020-01-01", "2023-06-01")},
			{Key: "P1", NationalID: "010190-1234", GivenNames: "Anne Sofie", Surname: "Møller-Hansen", Valid: since("2023-06-01")},
			{Key: "P2", NationalID: "0202902222", GivenNames: greekName + " " + arabic, Surname: hangul, Valid: since("2021-01-01")},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "10001", Person: "P1", Unit: "U2", JobFunction: "Sygeplejerske", Type: "Timeløn", Fraction: 0.8, Valid: between("2020-03-01", "2024-01-01")},
			{Key: "10002", Person: "P2", Unit: "U3", JobFunction: "Leder", Type: "Månedsløn", Fraction: 1, Valid: since("2022-01-01")},
			{Key: "10001", Person: "P1", Unit: "U2", JobFunction: "Sygeplejerske", Type: "Månedsløn", Fraction: 1, Valid: since("2024-01-01")},
		},
		Leaves: []connectors.PayrollLeave{
			{Key: "O1", Engagement: "10001", Type: "Barsel", Valid: between("2023-10-01", "2024-04-01")},
		},
	}
}

// tl is a timeline of spans given as interval, value pairs.
func tl(spans ...any) timeline.Timeline[om.Attrs] {
	var out []timeline.Span[om.Attrs]
	for i := 0; i < len(spans); i += 2 {
		out = append(out, timeline.Span[om.Attrs]{Interval: spans[i].(timeline.Interval), Value: spans[i+1].(om.Attrs)})
	}
	return timeline.MustNew(out...)
}

func cpr(s string) om.CPR { return om.MustParseCPR(s, om.CPROptions{AllowFictive: true}) }

// find returns the snapshot's object of the kind with the user key.
func find(t *testing.T, snap om.Snapshot, k om.Kind, key string) om.Object {
	t.Helper()
	var found []om.Object
	for _, o := range snap.Objects {
		if o.Kind == k && o.UserKey == key {
			found = append(found, o)
		}
	}
	require.Len(t, found, 1, "%s %q", k, key)
	return found[0]
}

func TestPayrollMapsEveryRecord(t *testing.T) {
	snap, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
	require.NoError(t, err)
	assert.Equal(t, src, snap.Source)
	assert.Len(t, snap.Objects, 3+2+2+1, "one object per key")

	p1, p2 := id(om.KindPerson, "P1"), id(om.KindPerson, "P2")
	u1, u2, u3 := id(om.KindUnit, "U1"), id(om.KindUnit, "U2"), id(om.KindUnit, "U3")
	e1 := id(om.KindEngagement, "10001")
	tests := []struct {
		kind om.Kind
		key  string
		want timeline.Timeline[om.Attrs]
	}{
		{om.KindUnit, "U1", tl(since("2020-01-01"), om.UnitAttrs{Name: "Sjølund Kommune", Level: "NY3-niveau"})},
		{om.KindUnit, "U2", tl(
			between("2020-01-01", "2024-01-01"), om.UnitAttrs{Name: "Ældreplejen", Parent: u1, Level: "Afdelings-niveau", Type: "Afdeling"},
			since("2024-01-01"), om.UnitAttrs{Name: "Ældre og Sundhed", Parent: u1, Level: "Afdelings-niveau", Type: "Afdeling"},
		)},
		{om.KindUnit, "U3", tl(since("2022-01-01"), om.UnitAttrs{Name: ldapName, Parent: u2, Level: "Afdelings-niveau"})},
		{om.KindPerson, "P1", tl(
			between("2020-01-01", "2023-06-01"), om.PersonAttrs{GivenNames: "Anne Sofie", Surname: "Møller", NationalID: cpr("0101901234")},
			since("2023-06-01"), om.PersonAttrs{GivenNames: "Anne Sofie", Surname: "Møller-Hansen", NationalID: cpr("0101901234")},
		)},
		{om.KindPerson, "P2", tl(since("2021-01-01"), om.PersonAttrs{GivenNames: greekName + " " + arabic, Surname: hangul, NationalID: cpr("0202902222")})},
		{om.KindEngagement, "10001", tl(
			between("2020-03-01", "2024-01-01"), om.EngagementAttrs{Person: p1, Unit: u2, EmploymentNumber: "10001", JobFunction: "Sygeplejerske", Type: "Timeløn", Fraction: 0.8},
			since("2024-01-01"), om.EngagementAttrs{Person: p1, Unit: u2, EmploymentNumber: "10001", JobFunction: "Sygeplejerske", Type: "Månedsløn", Fraction: 1},
		)},
		{om.KindEngagement, "10002", tl(since("2022-01-01"), om.EngagementAttrs{Person: p2, Unit: u3, EmploymentNumber: "10002", JobFunction: "Leder", Type: "Månedsløn", Fraction: 1})},
		// Over the engagement's two rows, but one person: one span.
		{om.KindLeave, "O1", tl(between("2023-10-01", "2024-04-01"), om.LeaveAttrs{Person: p1, Engagement: e1, Type: "Barsel"})},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String()+" "+tc.key, func(t *testing.T) {
			o := find(t, snap, tc.kind, tc.key)
			assert.Equal(t, id(tc.kind, tc.key), o.ID, "the id derives from source, kind and key")
			assert.Equal(t, src, o.Source)
			assert.True(t, tc.want.Equal(o.Timeline), "got  %s\nwant %s", o.Timeline, tc.want)
		})
	}
}

func TestPayrollLeaveFollowsTheEngagementsPerson(t *testing.T) {
	// The contract lets an engagement's rows name different persons; a
	// leave over both is each person's in turn.
	s := payroll()
	s.Engagements[2].Person = "P2"
	snap, err := intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	e1 := id(om.KindEngagement, "10001")
	want := tl(
		between("2023-10-01", "2024-01-01"), om.LeaveAttrs{Person: id(om.KindPerson, "P1"), Engagement: e1, Type: "Barsel"},
		between("2024-01-01", "2024-04-01"), om.LeaveAttrs{Person: id(om.KindPerson, "P2"), Engagement: e1, Type: "Barsel"},
	)
	got := find(t, snap, om.KindLeave, "O1").Timeline
	assert.True(t, want.Equal(got), "got %s", got)
	load(t, om.New(om.Options{}), snap)
}

func TestPayrollFictiveCPRs(t *testing.T) {
	s := payroll()
	s.Persons[2].NationalID = "6202902222"
	_, err := intake.Payroll(src, s, intake.PayrollOptions{})
	var cprErr *om.CPRError
	require.ErrorAs(t, err, &cprErr)
	assert.Equal(t, om.CPRFictive, cprErr.Reason)

	snap, err := intake.Payroll(src, s, intake.PayrollOptions{CPR: om.CPROptions{AllowFictive: true}})
	require.NoError(t, err)
	a, _ := find(t, snap, om.KindPerson, "P2").At(today)
	assert.True(t, a.(om.PersonAttrs).NationalID.Fictive())
	load(t, om.New(om.Options{CPR: om.CPROptions{AllowFictive: true}}), snap)
}

// problems returns the joined errors, flattened.
func problems(err error) []error {
	var out []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, problems(e)...)
		}
		return out
	}
	if err != nil {
		out = append(out, err)
	}
	return out
}

func TestPayrollRefusesBadInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *connectors.PayrollSnapshot)
		kind   connectors.PayrollKind
		key    string
		field  string
		is     error  // errors.Is target, if any
		has    string // text the error holds
	}{
		{"bad CPR, masked", func(s *connectors.PayrollSnapshot) {
			s.Persons[0].NationalID = "3201901234"
			s.Persons[1].NationalID = "3201901234"
		}, connectors.PayrollPersonKind, "P1", "NationalID", om.ErrInvalidCPR, "day 32"},
		{"fictive CPR", func(s *connectors.PayrollSnapshot) { s.Persons[2].NationalID = "6202902222" },
			connectors.PayrollPersonKind, "P2", "NationalID", om.ErrInvalidCPR, "fictive"},
		{"a CPR as key is masked", func(s *connectors.PayrollSnapshot) {
			s.Persons[2].Key = "0202902222"
			s.Persons[2].NationalID = "020290-22x2"
			s.Engagements[1].Person = "0202902222"
		}, connectors.PayrollPersonKind, "0202902222", "NationalID", om.ErrInvalidCPR, `"020290-xxxx"`},
		{"duplicate national id", func(s *connectors.PayrollSnapshot) { s.Persons[2].NationalID = "0101901234" },
			connectors.PayrollPersonKind, "P2", "NationalID", intake.ErrDuplicateNationalID, "010190-xxxx"},
		{"no national id", func(s *connectors.PayrollSnapshot) { s.Persons[2].NationalID = "" },
			connectors.PayrollPersonKind, "P2", "NationalID", nil, "empty"},
		{"unknown parent", func(s *connectors.PayrollSnapshot) { s.Units[2].Parent = "U9" },
			connectors.PayrollUnitKind, "U3", "Parent", nil, `no such record "U9"`},
		{"parent not valid then", func(s *connectors.PayrollSnapshot) { s.Units[2].Valid = since("2019-01-01") },
			connectors.PayrollUnitKind, "U3", "Parent", nil, "not valid on 2019-01-01"},
		{"overlapping rows", func(s *connectors.PayrollSnapshot) { s.Units[3].Valid = since("2023-01-01") },
			connectors.PayrollUnitKind, "U2", "Valid", nil, "overlaps"},
		{"cycle", func(s *connectors.PayrollSnapshot) { s.Units[0].Parent = "U2" },
			connectors.PayrollUnitKind, "", "Parent", nil, "its own ancestor"},
		{"unit its own parent", func(s *connectors.PayrollSnapshot) { s.Units[2].Parent = "U3" },
			connectors.PayrollUnitKind, "U3", "Parent", nil, "its own parent"},
		{"blank unit name", func(s *connectors.PayrollSnapshot) { s.Units[2].Name = " \u00a0 " },
			connectors.PayrollUnitKind, "U3", "Name", nil, "white space"},
		{"blank person names", func(s *connectors.PayrollSnapshot) { s.Persons[2].GivenNames, s.Persons[2].Surname = " ", "\t" },
			connectors.PayrollPersonKind, "P2", "", nil, ""},
		{"NUL in a name", func(s *connectors.PayrollSnapshot) { s.Units[2].Name = "A\x00B" },
			connectors.PayrollUnitKind, "U3", "Name", nil, "control character"},
		{"invalid UTF-8", func(s *connectors.PayrollSnapshot) { s.Persons[2].Surname = "\xff" },
			connectors.PayrollPersonKind, "P2", "Surname", nil, "UTF-8"},
		{"interval that ends before it starts", func(s *connectors.PayrollSnapshot) { s.Units[0].Valid = between("2020-01-01", "2019-01-01") },
			connectors.PayrollUnitKind, "U1", "Valid", timeline.ErrInterval, ""},
		{"fraction out of range", func(s *connectors.PayrollSnapshot) { s.Engagements[1].Fraction = 1.5 },
			connectors.PayrollEngagementKind, "10002", "Fraction", nil, ""},
		{"engagement in no unit", func(s *connectors.PayrollSnapshot) { s.Engagements[1].Unit = "U9" },
			connectors.PayrollEngagementKind, "10002", "Unit", nil, "no such record"},
		{"leave from an unknown engagement", func(s *connectors.PayrollSnapshot) { s.Leaves[0].Engagement = "99999" },
			connectors.PayrollLeaveKind, "O1", "Engagement", nil, "no such record"},
		{"leave outside its engagement", func(s *connectors.PayrollSnapshot) { s.Leaves[0].Valid = between("2020-01-01", "2020-06-01") },
			connectors.PayrollLeaveKind, "O1", "Engagement", nil, "not valid on 2020-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := payroll()
			tc.change(s)
			snap, err := intake.Payroll(src, s, intake.PayrollOptions{})
			require.Error(t, err)
			assert.Zero(t, snap, "no half snapshot")
			found := false
			for _, p := range problems(err) {
				var re *connectors.RecordError
				require.ErrorAs(t, p, &re, "every problem is typed: %v", p)
				if re.Kind == tc.kind && (tc.key == "" || re.Key == tc.key) && (tc.field == "" || re.Field == tc.field) {
					found = true
					if tc.is != nil {
						assert.ErrorIs(t, p, tc.is)
					}
					assert.Contains(t, p.Error(), tc.has)
				}
			}
			assert.True(t, found, "no %s %q %s problem in\n%v", tc.kind, tc.key, tc.field, err)
			for _, serial := range []string{"1234", "2222", "22x2"} {
				assert.NotContains(t, err.Error(), serial, "no national id in full")
			}
		})
	}
}

func TestPayrollReportsEveryProblem(t *testing.T) {
	s := payroll()
	s.Units[2].Parent = "U9"             // CheckPayroll's
	s.Persons[2].NationalID = "320190-1" // the model's
	s.Units[0].Name = "  "               // the model's
	_, err := intake.Payroll(src, s, intake.PayrollOptions{})
	ps := problems(err)
	require.Len(t, ps, 3, "%v", err)
	for _, p := range ps {
		var re *connectors.RecordError
		assert.ErrorAs(t, p, &re)
	}
}

func TestPayrollRefusesNoSourceOrSnapshot(t *testing.T) {
	_, err := intake.Payroll(" ", payroll(), intake.PayrollOptions{})
	assert.ErrorContains(t, err, "source")
	_, err = intake.Payroll("s\x00d", payroll(), intake.PayrollOptions{})
	assert.ErrorContains(t, err, "control character")
	_, err = intake.Payroll(src, nil, intake.PayrollOptions{})
	assert.Error(t, err)
}

// load imports the snapshot into m and applies it, and checks that a
// second import plans nothing.
func load(t *testing.T, m *om.Model, snaps ...om.Snapshot) {
	t.Helper()
	for _, snap := range snaps {
		cs, _, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
		require.NoError(t, err)
		_, err = m.Apply(ctx, cs, reg(m))
		require.NoError(t, err)
		cs, _, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
		require.NoError(t, err)
		assert.True(t, cs.IsEmpty(), "a second import plans nothing: %s", cs)
	}
}

// reg returns the next registration of m, a minute after its last.
func reg(m *om.Model) om.Registration {
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	if regs := m.Registrations(0); len(regs) > 0 {
		at = regs[len(regs)-1].Time.Add(time.Minute)
	}
	return om.Registration{Time: at, Actor: "intake-test"}
}

func TestPayrollImportsAndUpdates(t *testing.T) {
	m := om.New(om.Options{})
	snap, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
	require.NoError(t, err)
	cs, stats, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Created: 8}, stats)
	_, err = m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)
	_, stats, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Unchanged: 8}, stats, "a second import plans nothing")

	g := m.Latest().At(d("2024-02-01"))
	u3 := id(om.KindUnit, "U3")
	assert.Equal(t, []string{"Sjølund Kommune", "Ældre og Sundhed", ldapName}, unitNames(g.Subtree(id(om.KindUnit, "U1"))))
	leaves := g.Leaves(id(om.KindPerson, "P1"))
	require.Len(t, leaves, 1)
	assert.Equal(t, "Barsel", leaves[0].Type)
	assert.Len(t, g.UnitEngagements(u3), 1)

	// The payroll changes: U3 is renamed from 2025-01-01 and 10002 ends.
	s := payroll()
	s.Units[2].Valid = between("2022-01-01", "2025-01-01")
	s.Units = append(s.Units, connectors.PayrollUnit{Key: "U3", Parent: "U2", Name: "Hjemmeplejen Nord", Level: "Afdelings-niveau", Valid: since("2025-01-01")})
	s.Engagements[1].Valid = between("2022-01-01", "2025-02-01")
	snap, err = intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	cs, stats, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Updated: 2, Unchanged: 6}, stats)
	_, err = m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)
	g = m.Latest().At(d("2025-01-15"))
	u, ok := g.Unit(u3)
	require.True(t, ok)
	assert.Equal(t, "Hjemmeplejen Nord", u.Name)
	assert.Len(t, g.UnitEngagements(u3), 1)
	assert.Empty(t, m.Latest().At(d("2025-02-01")).UnitEngagements(u3), "10002 has ended")

	// A record gone from the payroll is terminated from today; one that
	// ended before today (the leave) keeps its history.
	s.Engagements = s.Engagements[1:2]
	s.Leaves = nil
	snap, err = intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	cs, stats, err = om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, 1, stats.Terminated)
	_, err = m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)
	p1 := id(om.KindPerson, "P1")
	assert.Len(t, m.Latest().At(today-1).Engagements(p1), 1)
	assert.Empty(t, m.Latest().At(today).Engagements(p1))
	assert.Len(t, m.Latest().At(d("2024-02-01")).Leaves(p1), 1)
}

func TestPayrollPersonsAreMatchedByNationalID(t *testing.T) {
	// The model has Anne by hand; the payroll's P1 is her.
	m := om.New(om.Options{})
	var cs om.ChangeSet
	anne := cs.Add("", since("2019-01-01"), om.PersonAttrs{GivenNames: "Anne", Surname: "Møller", NationalID: cpr("0101901234")})
	_, err := m.Apply(ctx, &cs, reg(m))
	require.NoError(t, err)

	snap, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
	require.NoError(t, err)
	imp, stats, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, om.ImportStats{Created: 7, NotOwned: 1}, stats)
	_, err = m.Apply(ctx, imp, reg(m))
	require.NoError(t, err)

	g := m.Latest().At(d("2024-02-01"))
	engs := g.Engagements(anne)
	require.Len(t, engs, 1)
	assert.Equal(t, "10001", engs[0].EmploymentNumber)
	leaves := g.Leaves(anne)
	require.Len(t, leaves, 1, "the leave follows the person")
	_, ok := g.Person(id(om.KindPerson, "P1"))
	assert.False(t, ok, "no second Anne")
}

func unitNames(us []om.Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

func TestErrorTypesPrintMasked(t *testing.T) {
	e := &intake.IdentityError{Index: 2, Key: "0101901234", Field: "NationalID", Err: errors.New("bad 0202902222")}
	assert.Equal(t, `intake: identity "010190-xxxx" (row 3) NationalID: bad 020290-xxxx`, e.Error())
	e.ServiceAccount = true
	assert.True(t, strings.HasPrefix(e.Error(), "intake: service account "))
	x := &intake.ExportError{Kind: om.KindPerson, ID: uuid.MustParse("12345678-1234-4abc-8def-123456789abc"), Key: "0101901234", Field: "NationalID", Err: intake.ErrNoNationalID}
	assert.Equal(t, `intake: export: person "010190-xxxx" (12345678-1234-4abc-8def-123456789abc) NationalID: `+intake.ErrNoNationalID.Error(), x.Error())
	assert.ErrorIs(t, x, intake.ErrNoNationalID)
}
