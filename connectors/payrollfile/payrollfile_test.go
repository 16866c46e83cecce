package payrollfile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestSampleDelivery(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, sampleFiles(t))
	s, err := snapshot(t, dir)
	require.NoError(t, err)
	assert.Equal(t, sample(), withoutToken(s))
	assert.Regexp(t, `^payrollfile/1:2026-11-22:[0-9a-f]{16}$`, string(s.Token))
}

// hostile is a snapshot whose text is every kind of awkward: names in
// many scripts, and the characters that CSV and LDAP treat specially.
func hostile() *connectors.PayrollSnapshot {
	tenth, fifth := 0.1, 0.2
	const ldap = `Drift, IT +"\<>;=*() & Co`
	return &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "root", Name: "Kommunen", Valid: timeline.Since(d("2000-01-01"))},
			{Key: `U,"1"`, Parent: "root", Name: ldap, Level: `"NY3"`, Type: " leading and trailing space ", Valid: timeline.Between(d("2000-01-01"), d("2024-01-01"))},
			{Key: `U,"1"`, Parent: "root", Name: "李小龙 afdeling", Valid: timeline.Since(d("2024-01-01"))},
			{Key: "Ø", Parent: `U,"1"`, Name: `\.`, Valid: timeline.Between(d("2001-01-01"), d("2001-01-02"))}, // one day
		},
		Persons: []connectors.PayrollPerson{
			{Key: "0101901234", NationalID: "0101901234", GivenNames: "Øjvind", Surname: "Ærø", Valid: timeline.Since(d("2000-01-01"))},
			{Key: "p2", NationalID: "19900101-1234", GivenNames: "Zoë Ахмед", Valid: timeline.Since(d("2000-01-01"))},
			{Key: "p3", NationalID: "0202901234", Surname: "李小龙", Valid: timeline.Between(d("2000-01-01"), d("2010-01-01"))},
			{Key: "p3", NationalID: "0202901234", GivenNames: "Bruce", Surname: "李", Valid: timeline.Between(d("2010-01-01"), d("9998-12-31"))},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "e1", Person: "0101901234", Unit: `U,"1"`, JobFunction: ldap, Type: "Månedsløn", Fraction: 0.37, Valid: timeline.Since(d("2000-01-01"))},
			{Key: "e2", Person: "p2", Unit: "root", Fraction: 1e-300, Valid: timeline.Since(d("2000-01-01"))},
			{Key: "e3", Person: "p3", Unit: "root", Fraction: 1, Valid: timeline.Between(d("2005-01-01"), d("2006-01-01"))},
			{Key: "e3", Person: "p3", Unit: "root", Fraction: tenth + fifth, Valid: timeline.Between(d("2007-01-01"), d("2008-01-01"))},
		},
		Leaves: []connectors.PayrollLeave{
			{Key: "l", Engagement: "e3", Type: "Tjenestefri; ved \"orlov\"", Valid: timeline.Between(d("2005-02-01"), d("2005-03-01"))},
		},
	}
}

func TestWriteSnapshotRoundTrip(t *testing.T) {
	for name, s := range map[string]*connectors.PayrollSnapshot{
		"sample":  sample(),
		"hostile": hostile(),
		"empty":   {},
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, connectors.CheckPayroll(s))
			// Reverse the rows: Write sorts them, Snapshot gives them sorted.
			in := normalized(s)
			reverse(in.Units)
			reverse(in.Persons)
			reverse(in.Engagements)
			reverse(in.Leaves)
			dir := t.TempDir()
			require.NoError(t, payrollfile.Write(dir, day, in))
			got, err := snapshot(t, dir)
			require.NoError(t, err)
			assert.Equal(t, normalized(s), withoutToken(got))

			// Written again, the files are the same bytes, and so is the token.
			dir2 := t.TempDir()
			require.NoError(t, payrollfile.Write(dir2, day, got))
			again, err := snapshot(t, dir2)
			require.NoError(t, err)
			assert.Equal(t, got.Token, again.Token)
		})
	}
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func TestWriteFormat(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, payrollfile.Write(dir, day, hostile()))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), e.Name())
	}
	assert.ElementsMatch(t, []string{"units-2026-11-22.csv", "persons-2026-11-22.csv", "engagements-2026-11-22.csv", "leaves-2026-11-22.csv"}, names, "no temporary files left")

	units, err := os.ReadFile(filepath.Join(dir, "units-2026-11-22.csv"))
	require.NoError(t, err)
	assert.Equal(t, "key,parent,name,level,type,from,to\n"+
		`"U,""1""",root,"Drift, IT +""\<>;=*() & Co","""NY3"""," leading and trailing space ",2000-01-01,2023-12-31`+"\n"+
		`"U,""1""",root,李小龙 afdeling,,,2024-01-01,`+"\n"+
		"root,,Kommunen,,,2000-01-01,\n"+
		`Ø,"U,""1""","\.",,,2001-01-01,2001-01-01`+"\n", string(units), "sorted by key bytes, quoted where CSV needs it")

	persons, err := os.ReadFile(filepath.Join(dir, "persons-2026-11-22.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(persons), "0101901234,0101901234,Øjvind,Ærø,2000-01-01,\n", "national ids in full")
	assert.Contains(t, string(persons), "p3,0202901234,Bruce,李,2010-01-01,9998-12-30\n", "to is inclusive")

	engs, err := os.ReadFile(filepath.Join(dir, "engagements-2026-11-22.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(engs), ",0.37,")
	assert.Contains(t, string(engs), ",0.30000000000000004,")
	assert.NotContains(t, string(engs), "e-", "no exponents")
}

func TestWriteRefusesInvalidSnapshot(t *testing.T) {
	for name, s := range map[string]*connectors.PayrollSnapshot{
		"unknown unit": {Units: sample().Units, Persons: sample().Persons, Engagements: []connectors.PayrollEngagement{
			{Key: "E", Person: "P1", Unit: "U9", Fraction: 1, Valid: timeline.Since(d("2021-01-01"))}}},
		"newline in a name": {Units: []connectors.PayrollUnit{{Key: "U", Name: "a\nb", Valid: timeline.Always}}},
		"nil":               nil,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			err := payrollfile.Write(dir, day, s)
			require.Error(t, err)
			assert.Equal(t, connectors.Invalid, connectors.KindOf(err), "%v", err)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written")
		})
	}
	err := payrollfile.Write(filepath.Join(t.TempDir(), "missing"), day, sample())
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	err = payrollfile.Write(t.TempDir(), timeline.Open, sample())
	assert.Equal(t, connectors.Invalid, connectors.KindOf(err), "%v", err)
}

// TestFormatDetails reads files a payroll system might write: columns in
// another order, optional columns left out, CRLF, a byte order mark,
// rows in any order, inclusive ends and "no end" written both ways.
func TestFormatDetails(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, map[string]string{
		"units": "\xef\xbb\xbfto,from,name,parent,key\r\n" +
			"2023-12-31,2023-01-01,B,A,B\r\n" +
			",2020-01-01,A,,A\r\n" +
			"\r\n" +
			"9999-12-31,2024-01-01,B2,A,B\r\n",
		"persons":     "key,national_id,given_names,surname,from,to\nP,1234,Ann,,2023-06-01,2023-06-01\n",
		"engagements": "key,person,unit,fraction,from,to\nE,P,B,\"0,5\",2023-06-01,2023-06-01\nF,P,A,.25,2023-06-01,2023-06-01\nG,P,A,1.,2023-06-01,2023-06-01\n",
		"leaves":      "key,engagement,from,to\n",
	})
	s, err := snapshot(t, dir)
	require.NoError(t, err)
	assert.Equal(t, []connectors.PayrollUnit{
		{Key: "A", Name: "A", Valid: timeline.Since(d("2020-01-01"))},
		{Key: "B", Parent: "A", Name: "B", Valid: timeline.Between(d("2023-01-01"), d("2024-01-01"))},
		{Key: "B", Parent: "A", Name: "B2", Valid: timeline.Since(d("2024-01-01"))},
	}, s.Units)
	assert.Equal(t, []connectors.PayrollPerson{{Key: "P", NationalID: "1234", GivenNames: "Ann", Valid: timeline.Between(d("2023-06-01"), d("2023-06-02"))}}, s.Persons)
	require.Len(t, s.Engagements, 3)
	assert.Equal(t, 0.5, s.Engagements[0].Fraction)
	assert.Equal(t, 0.25, s.Engagements[1].Fraction)
	assert.Equal(t, 1.0, s.Engagements[2].Fraction)
	assert.Empty(t, s.Leaves)
}

// bad is a case of TestBadInput: the sample delivery with one change, and
// the problems it must give, in order.
type bad struct {
	name  string
	file  string              // the file changed: units, persons, engagements or leaves
	edit  func(string) string // how
	wants []want
}

type want struct {
	file  string // prefix; the day is added
	line  int
	field string
	text  string // a part of the message
}

// replace returns an edit replacing old by new, which must be there.
func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("the sample does not hold " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

func appendRows(rows string) func(string) string { return func(s string) string { return s + rows } }

func set(text string) func(string) string { return func(string) string { return text } }

func TestBadInput(t *testing.T) {
	for _, tc := range []bad{
		{"CPR-shaped date", "persons", replace("Ærø,2020-01-01", "Ærø,0101901234"),
			[]want{{"persons", 2, "from", `"010190-xxxx" is not a date`}}},
		{"bad date", "engagements", replace("2021-01-01", "2021-13-01"),
			[]want{{"engagements", 2, "from", `"2021-13-01" is not a date YYYY-MM-DD`}}},
		{"date in another form", "leaves", replace("2025-06-30", "30.06.2025"),
			[]want{{"leaves", 2, "to", `"30.06.2025" is not a date`}}},
		{"empty from", "persons", replace("2021-06-01", ""),
			[]want{{"persons", 3, "from", "empty; the first day is required"}}},
		{"9999 other than 12-31", "leaves", replace("2025-06-30", "9999-01-01"),
			[]want{{"leaves", 2, "to", "not a date"}}},
		{"from after to", "leaves", replace("2025-01-01", "2025-07-01"),
			[]want{{"leaves", 2, "to", "the last day 2025-06-30 is before the first, 2025-07-01"}}},
		{"overlapping rows", "units", replace("2026-03-01,9999", "2026-02-01,9999"),
			[]want{{"units", 4, "from", "the row (2026-02-01 on) overlaps the row on line 3 (2020-01-01 to 2026-02-28) with the same key"}}},
		{"duplicate key", "persons", appendRows("P1,0101901234,Øjvind,Ærø,2024-01-01,2024-12-31\n"),
			[]want{{"persons", 4, "from", "overlaps the row on line 2 (2020-01-01 on)"}}},
		{"unknown parent", "units", replace("U3,U2", "U3,U9"),
			[]want{{"units", 5, "parent", `no such record "U9"`}}},
		{"unknown person", "engagements", replace("E2,P2", "E2,P9"),
			[]want{{"engagements", 3, "person", `no such record "P9"`}}},
		{"unknown unit", "engagements", replace("P1,U3", "P1,U7"),
			[]want{{"engagements", 2, "unit", `no such record "U7"`}}},
		{"unknown engagement", "leaves", replace("L1,E1", "L1,E9"),
			[]want{{"leaves", 2, "engagement", `no such record "E9"`}}},
		{"reference before its record", "engagements", replace("P2,U2,Leder,Månedsløn,1,2021-06-01", "P2,U2,Leder,Månedsløn,1,2021-05-01"),
			[]want{{"engagements", 3, "person", `"P2" is not valid on 2021-05-01`}}},
		{"own parent", "units", replace("U1,,", "U1,U1,"),
			[]want{{"units", 2, "parent", "the unit is its own parent"}}},
		{"empty key", "leaves", replace("L1,", ","),
			[]want{{"leaves", 2, "key", "empty"}}},
		{"empty name", "units", replace("Hjemmeplejen Nord", ""),
			[]want{{"units", 5, "name", "empty"}}},
		{"no names", "persons", replace("Zoë,Ахмед", ","),
			[]want{{"persons", 3, "surname", "the person has no name"}}},
		{"empty national id", "persons", replace("0202851234", ""),
			[]want{{"persons", 3, "national_id", "empty"}}},
		{"Latin-1", "persons", replace("Øjvind,Ærø", "\xd8jvind,\xc6r\xf8"),
			[]want{{"persons", 2, "given_names", "not UTF-8; is the file Latin-1?"}}},
		{"Latin-1 in a key", "units", replace("U3,U2", "U\xd8,U2"),
			[]want{{"units", 5, "key", "is the file Latin-1?"}, {"engagements", 2, "unit", `no such record "U3"`}}},
		{"UTF-16", "leaves", set("\xff\xfek\x00e\x00y\x00"),
			[]want{{"leaves", 1, "", "the file is UTF-16; save it as UTF-8"}}},
		{"too many fields", "units", replace("Team,2021-01-01,", "Team,2021-01-01,,"),
			[]want{{"units", 5, "", "8 fields; the header names 7"}}},
		{"too few fields", "leaves", replace("Barsel,", ""),
			[]want{{"leaves", 2, "", "4 fields; the header names 5"}}},
		{"NUL", "units", replace("Sjølund", "Sj\x00lund"),
			[]want{{"units", 2, "name", "holds the control character U+0000"}}},
		{"C1 control", "persons", replace("Zoë", "Zo\u0085"),
			[]want{{"persons", 3, "given_names", "holds the control character U+0085"}}},
		{"newline in a quoted field", "units", replace(`"Ældre og Sundhed, Vest"`, "\"Ældre og\nSundhed\""),
			[]want{{"units", 4, "name", "holds the control character U+000A"}}},
		{"lines after a multi-line field", "units", func(s string) string {
			return replace("U2,U1,Ældreplejen", "U2,U1,\"Ældre\r\nplejen\"")(replace("U3,U2", "U3,U8")(s))
		}, []want{{"units", 3, "name", "U+000A"}, {"units", 6, "parent", `no such record "U8"`}}},
		{"huge key", "persons", replace("P2,", strings.Repeat("k", connectors.MaxKeyBytes+1)+","),
			[]want{{"persons", 3, "key", "257 bytes; the most is 256"}, {"engagements", 3, "person", `no such record "P2"`}}},
		{"huge reference", "engagements", replace("E1,P1", "E1,"+strings.Repeat("p", 300)),
			[]want{{"engagements", 2, "person", "300 bytes; the most is 256"}}},
		{"huge name", "units", replace("Hjemmeplejen Nord", strings.Repeat("æ", 600)),
			[]want{{"units", 5, "name", "1200 bytes; the most is 1024"}}},
		{"fraction above 1", "engagements", replace(`"0,8"`, "80"),
			[]want{{"engagements", 2, "fraction", `"80" is not a share from 0 to 1`}}},
		{"fraction not a number", "engagements", replace(`"0,8"`, "1e-1"),
			[]want{{"engagements", 2, "fraction", `"1e-1" is not a decimal number`}}},
		{"negative fraction", "engagements", replace(`"0,8"`, "-0.5"),
			[]want{{"engagements", 2, "fraction", "not a decimal number"}}},
		{"two separators", "engagements", replace(`"0,8"`, `"0,8.1"`),
			[]want{{"engagements", 2, "fraction", "not a decimal number"}}},
		{"empty fraction", "engagements", replace(`"0,8"`, ""),
			[]want{{"engagements", 2, "fraction", "not a decimal number"}}},
		{"bare quote", "persons", replace("Zoë", `Zo"ë`),
			[]want{{"persons", 3, "", `bare " in non-quoted-field`}}},
		{"unknown column", "units", replace("key,parent", "key,colour,parent"),
			[]want{{"units", 1, "colour", "unknown column; the columns of units are key,parent,name,level,type,from,to"}}},
		{"unnamed column", "leaves", replace("key,engagement,type", "key,engagement,,type"),
			[]want{{"leaves", 1, "", "column 3 has no name"}}},
		{"repeated column", "persons", replace("surname,", "surname,given_names,"),
			[]want{{"persons", 1, "given_names", "column 5 repeats column 3"}}},
		{"missing column", "persons", func(s string) string {
			return replace("key,national_id,", "key,")(replace(",0101901234,", ",")(replace(",0202851234,", ",")(s)))
		}, []want{{"persons", 1, "national_id", "missing: the header must name this column"}}},
		{"missing to", "leaves", set("key,engagement,type,from\nL1,E1,Barsel,2025-01-01\n"),
			[]want{{"leaves", 1, "to", "missing"}}},
		{"empty file", "leaves", set(""),
			[]want{{"leaves", 1, "", "the file is empty"}}},
		{"reference to a refused row", "units", replace("Team,2021-01-01", "Team,2021-02-30"),
			[]want{{"units", 5, "from", "not a date"}}}, // and not the engagement of U3
		{"references to a file that cannot be read", "persons", set("key,national_id\n"),
			[]want{{"persons", 1, "given_names", "missing"}, {"persons", 1, "surname", "missing"}, {"persons", 1, "from", "missing"}, {"persons", 1, "to", "missing"}}},
		{"several problems, in order", "engagements", replace("E2,P2,U2,Leder,Månedsløn,1,2021-06-01,2026-12-31", "E2,P9,U2,Leder,Månedsløn,2,2021-06-01,2026-12-31\nE3,P1,U9,,,0.5,2022-01-01,"),
			[]want{{"engagements", 3, "fraction", "not a share"}, {"engagements", 4, "unit", `no such record "U9"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sampleFiles(t)
			files[tc.file] = tc.edit(files[tc.file])
			dir := t.TempDir()
			writeFiles(t, dir, day, files)
			s, err := snapshot(t, dir)
			assert.Nil(t, s)
			got := problems(t, err)
			require.Len(t, got, len(tc.wants), "%v", err)
			for i, w := range tc.wants {
				e := got[i]
				assert.Equal(t, w.file+"-2026-11-22.csv", e.File, "%v", e)
				assert.Equal(t, w.line, e.Line, "%v", e)
				assert.Equal(t, w.field, e.Field, "%v", e)
				assert.Contains(t, e.Error(), w.text)
			}
			assert.Contains(t, err.Error(), "no older delivery is read in its place")
			assert.NotContains(t, err.Error(), "0101901234", "a national id in full")
			assert.NotContains(t, err.Error(), "0202851234", "a national id in full")
		})
	}
}

// TestCycle checks that a cycle of units is found, and reported at the
// row of its unit that comes first (as connectors.CheckPayroll reports
// it).
func TestCycle(t *testing.T) {
	files := sampleFiles(t)
	files["units"] += "U4,U5,A,,,2022-01-01,\nU5,U4,B,,,2022-01-01,\n"
	dir := t.TempDir()
	writeFiles(t, dir, day, files)
	_, err := snapshot(t, dir)
	got := problems(t, err)
	require.Len(t, got, 1, "%v", err)
	assert.Equal(t, "units-2026-11-22.csv", got[0].File)
	assert.Equal(t, 6, got[0].Line)
	assert.Equal(t, "parent", got[0].Field)
	assert.Contains(t, got[0].Error(), `is its own ancestor on 2022-01-01: "U4" under "U5" under "U4"`)
}

func TestProblemsAreCapped(t *testing.T) {
	files := sampleFiles(t)
	for range 150 {
		files["leaves"] += "L,E1,x,not a date,\n"
	}
	dir := t.TempDir()
	writeFiles(t, dir, day, files)
	_, err := snapshot(t, dir)
	got := problems(t, err)
	require.Len(t, got, payrollfile.MaxProblems+1)
	for i, e := range got[:payrollfile.MaxProblems] {
		assert.Equal(t, i+3, e.Line)
	}
	last := got[payrollfile.MaxProblems]
	assert.Equal(t, "payrollfile: 50 more problems not listed", last.Error())
}

func TestNationalIDsAreMasked(t *testing.T) {
	files := sampleFiles(t)
	// Persons keyed by CPR number, as many payroll systems do; a
	// reference to one that does not exist, and a bad row of another.
	files["persons"] = strings.ReplaceAll(files["persons"], "P1,", "0101901234,")
	files["engagements"] = strings.ReplaceAll(files["engagements"], ",P1,", ",0101901235,")
	files["persons"] += "0303801234,0303801234,Hans,Hansen,2020-01-01,2019-01-01\n"
	dir := t.TempDir()
	writeFiles(t, dir, day, files)
	_, err := snapshot(t, dir)
	got := problems(t, err)
	require.Len(t, got, 2, "%v", err)
	for _, e := range got {
		for _, text := range []string{e.Error(), e.Err.Error()} {
			assert.NotContains(t, text, "0101901235")
			assert.NotContains(t, text, "1234")
		}
	}
	assert.Contains(t, err.Error(), `no such record "010190-xxxx"`)
	assert.NotContains(t, err.Error(), "0303801234")
}

func TestIncompleteDeliveriesAreIgnored(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c := open(t, dir)

	require.NoError(t, c.Ping(ctx), "an empty folder is readable")
	_, err := c.Snapshot(ctx)
	assert.Equal(t, connectors.NotFound, connectors.KindOf(err), "%v", err)

	files := sampleFiles(t)
	writeFiles(t, dir, day, files)
	later := timeline.MustParseDate("2026-11-23")
	partial := map[string]string{"units": files["units"], "persons": "garbage"}
	writeFiles(t, dir, later, partial)
	// Other files: a temporary file, a bad date, a folder, notes.
	for _, name := range []string{".leaves-2026-11-23.csv.123.tmp", "engagements-2026-11-31.csv", "README.txt", "units-2026-11-24.CSV"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "leaves-2026-11-23.csv"), 0o700))

	require.NoError(t, c.Ping(ctx))
	s, err := c.Snapshot(ctx)
	require.NoError(t, err)
	assert.Equal(t, sample(), withoutToken(s))
	assert.Contains(t, string(s.Token), ":2026-11-22:")

	ds, err := c.Deliveries(ctx)
	require.NoError(t, err)
	assert.Equal(t, []payrollfile.Delivery{
		{Day: day},
		{Day: later, Missing: []string{"engagements-2026-11-23.csv", "leaves-2026-11-23.csv"}},
	}, ds)
	assert.True(t, ds[0].Complete())
	assert.False(t, ds[1].Complete())

	// Only an incomplete delivery: NotFound, naming what is missing.
	dir2 := t.TempDir()
	writeFiles(t, dir2, later, partial)
	_, err = snapshot(t, dir2)
	assert.Equal(t, connectors.NotFound, connectors.KindOf(err))
	assert.ErrorContains(t, err, "the delivery of 2026-11-23 lacks [engagements-2026-11-23.csv leaves-2026-11-23.csv]")
}

func TestMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "drop")
	_, err := payrollfile.Open(dir, payrollfile.Options{})
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	_, err = payrollfile.Open("", payrollfile.Options{})
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)

	require.NoError(t, os.Mkdir(dir, 0o700))
	c := open(t, dir)
	assert.Equal(t, dir, c.Dir())
	require.NoError(t, os.Remove(dir))
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Ping":       func() error { return c.Ping(ctx) },
		"Snapshot":   func() error { _, err := c.Snapshot(ctx); return err },
		"Deliveries": func() error { _, err := c.Deliveries(ctx); return err },
		"Changes":    func() error { _, err := c.Changes(ctx, "payrollfile/1:2026-11-22:0123456789abcdef"); return err },
	} {
		err := call()
		assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%s: %v", name, err)
	}
}

func TestCancelledContext(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, sampleFiles(t))
	c := open(t, dir)
	token := snapshotToken(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, call := range map[string]func() error{
		"Ping":       func() error { return c.Ping(ctx) },
		"Snapshot":   func() error { _, err := c.Snapshot(ctx); return err },
		"Deliveries": func() error { _, err := c.Deliveries(ctx); return err },
		"Changes":    func() error { _, err := c.Changes(ctx, token); return err },
	} {
		err := call()
		assert.Equal(t, connectors.Transient, connectors.KindOf(err), "%s: %v", name, err)
		assert.ErrorIs(t, err, context.Canceled, name)
	}
}

func snapshotToken(t testing.TB, c *payrollfile.Connector) connectors.Token {
	t.Helper()
	s, err := c.Snapshot(context.Background())
	require.NoError(t, err)
	return s.Token
}

func TestClose(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, sampleFiles(t))
	c := open(t, dir)
	token := snapshotToken(t, c)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "twice")
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Ping":       func() error { return c.Ping(ctx) },
		"Snapshot":   func() error { _, err := c.Snapshot(ctx); return err },
		"Deliveries": func() error { _, err := c.Deliveries(ctx); return err },
		"Changes":    func() error { _, err := c.Changes(ctx, token); return err },
	} {
		err := call()
		assert.Equal(t, connectors.Invalid, connectors.KindOf(err), "%s: %v", name, err)
		assert.ErrorContains(t, err, "closed", name)
	}
}

// TestSnapshotsAreTheCallers checks that a caller changing a snapshot
// does not change what the next caller gets.
func TestSnapshotsAreTheCallers(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, sampleFiles(t))
	c := open(t, dir)
	s, err := c.Snapshot(context.Background())
	require.NoError(t, err)
	s.Units[0].Name = "changed"
	s2, err := c.Snapshot(context.Background())
	require.NoError(t, err)
	assert.Equal(t, sample(), withoutToken(s2))
}

func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, day, sampleFiles(t))
	next := normalized(sample())
	next.Units[0].Name = "Sjølund Kommune 2"
	require.NoError(t, payrollfile.Write(dir, day.AddDays(1), next))
	c := open(t, dir)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 8 {
		wg.Go(func() {
			for range 5 {
				s, err := c.Snapshot(context.Background())
				if err != nil {
					errs <- err
					continue
				}
				if s.Units[0].Name != "Sjølund Kommune 2" {
					errs <- errors.New("wrong snapshot")
				}
				p, err := c.Changes(context.Background(), s.Token)
				if err != nil || p.More || len(p.Units) > 0 {
					errs <- errors.Join(err, errors.New("wrong page"))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
