package opus_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The latest complete dump is the snapshot: the partial dump after it is
// passed over and said so, the leaver and the vanished employee end on
// the dump's day, the cancelled hire is gone, the moved unit has its new
// parent, and every bad record is reported where it is.
func TestSnapshotOfTheFixtureDumps(t *testing.T) {
	c := open(t, opus.Config{Dir: folder(t, dump1, dump2, partial)})
	s, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayroll(s))
	assert.True(t, strings.HasPrefix(string(s.Token), "opus/1:"+dump2+":"), s.Token)

	ended := timeline.Between
	assert.Equal(t, []connectors.PayrollEngagement{{Key: "1001", Person: "0102721234", Unit: "4", JobFunction: "Social- og sundhedsassistent",
		Type: "Månedsløn", Fraction: 1, Valid: ended(day("2015-03-01"), day("2026-11-08"))}}, rowsOf(s.Engagements, "1001"), "a bare leave ends the engagement on the dump's day")
	require.Len(t, rowsOf(s.Engagements, "1002"), 1)
	assert.Equal(t, ended(day("2019-08-01"), day("2026-11-08")), rowsOf(s.Engagements, "1002")[0].Valid, "an id missing from the dump ends on its day")
	assert.InDelta(t, 30.0/37, rowsOf(s.Engagements, "1002")[0].Fraction, 1e-12, "numerator and denominator, trailing spaces and all")
	assert.Empty(t, rowsOf(s.Engagements, "1005"), "a hire that had not begun and is missing is gone")
	assert.Equal(t, ended(day("2024-01-01"), day("2027-07-01")), rowsOf(s.Engagements, "1010")[0].Valid, "an inclusive leaveDate becomes a half-open end")
	assert.Equal(t, timeline.Open, rowsOf(s.Engagements, "1003")[0].Valid.To, "9999-12-31 is no end")
	assert.Equal(t, "2", unitRow(t, s.Units, "5").Parent, "the moved unit")
	assert.Equal(t, "Sjølund Kommune", unitRow(t, s.Units, "1").Name)
	assert.Equal(t, "", unitRow(t, s.Units, "1").Parent, "an empty parentOrgUnit is a root")

	for _, p := range s.Persons {
		assert.Equal(t, p.Key, string(p.NationalID), "a person of a real dump is keyed by CPR")
		assert.NotEqual(t, "1010101010", p.Key, "no person is left from an employee that was skipped")
	}

	skipped := skippedBy(s.Skipped)
	want := map[string][2]string{ // kind key → where, field
		"employee 1007": {dump2 + ":241", "entryDate"},
		"employee 1008": {dump2 + ":267", "cpr"},
		"employee 1009": {dump2 + ":293", "orgUnit"},
		"employee 1011": {dump2 + ":319", "entryDate"},
		"employee 1012": {dump2 + ":345", "numerator"},
		"employee 1003": {dump2 + ":215", ""},
		"dump ":         {partial + ":182", ""},
	}
	for k, w := range want {
		r, ok := skipped[k]
		if assert.Truef(t, ok, "%s is reported: %v", k, s.Skipped) {
			assert.Equal(t, w[0], r.Where, k)
			assert.Equal(t, w[1], r.Field, k)
		}
	}
	assert.Len(t, s.Skipped, len(want), "%v", s.Skipped)
	assert.Contains(t, skipped["employee 1003"].Problem, "duplicate")
	assert.Contains(t, skipped["dump "].Problem, "not complete")
	assert.Equal(t, "Skoleleder", rowsOf(s.Engagements, "1003")[0].JobFunction, "the first of the duplicates is kept")
}

// A new manager: isManager with the levels.
func TestManagers(t *testing.T) {
	c := open(t, opus.Config{Dir: folder(t, dump1)})
	m, err := c.Managers(ctxFor(t))
	require.NoError(t, err)
	assert.Empty(t, m, "nobody is a manager in the first dump")

	c = open(t, opus.Config{Dir: folder(t, dump1, dump2)})
	m, err = c.Managers(ctxFor(t))
	require.NoError(t, err)
	assert.Equal(t, []opus.Manager{{Engagement: "1003", Person: "2311692468", Unit: "5", Level: "1.02", Valid: timeline.Since(day("2010-01-01"))}}, m)
}

// The change feed steps from the first dump to the second and stops
// before the partial one; applied, it gives the snapshot.
func TestChangesOfTheFixtureDumps(t *testing.T) {
	dir := folder(t, dump1)
	c := open(t, opus.Config{Dir: dir})
	ctx := ctxFor(t)
	state, err := c.Snapshot(ctx)
	require.NoError(t, err)
	assert.Empty(t, state.Skipped)
	require.Len(t, rowsOf(state.Engagements, "1005"), 1)

	page, err := c.Changes(ctx, state.Token)
	require.NoError(t, err)
	assert.Equal(t, state.Token, page.Token, "nothing newer yet")
	assert.Empty(t, page.Engagements)

	folderAdd(t, dir, dump2, partial)
	page, err = c.Changes(ctx, state.Token)
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayrollChanges(page))
	assert.True(t, page.More, "the partial dump follows")
	keys := map[string]bool{}
	for _, e := range page.Engagements {
		keys[e.Key] = true
	}
	assert.Equal(t, map[string]bool{"1001": true, "1002": true, "1003": true, "1006": true}, keys, "left, vanished, promoted and renamed, hired")
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollPersonKind, Key: "1212951111"}, {Kind: connectors.PayrollEngagementKind, Key: "1005"}},
		page.Deleted, "only the cancelled hire, and its person, are deleted")
	units := map[string]bool{}
	for _, u := range page.Units {
		units[u.Key] = true
	}
	assert.Equal(t, map[string]bool{"5": true}, units, "the moved unit")
	assert.NotEmpty(t, page.Skipped)
	state.Apply(page)

	last, err := c.Changes(ctx, page.Token)
	require.NoError(t, err)
	assert.False(t, last.More)
	assert.Equal(t, page.Token, last.Token, "the partial dump is not read")
	assert.Equal(t, "dump", last.Skipped[0].Kind)

	snap, err := c.Snapshot(ctx)
	require.NoError(t, err)
	state.Skipped, snap.Skipped = nil, nil
	assert.Equal(t, snap, state, "the first snapshot with the page applied is the second")

	// Resuming from the first token repeats the page; it loses nothing.
	again, err := c.Changes(ctx, snap.Token)
	require.NoError(t, err)
	assert.Empty(t, again.Engagements)
}

// folderAdd copies more fixture dumps into dir.
func folderAdd(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "folder", n))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o600))
	}
}

// A dump after the leave, without the leaver: the ended engagement is
// reported gone, and stays ended in a host's state.
func TestEndedRecordIsNotEndedAgain(t *testing.T) {
	dir := folder(t, dump1, dump2)
	c := open(t, opus.Config{Dir: dir})
	ctx := ctxFor(t)
	s, err := c.Snapshot(ctx)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(dir, dump2))
	require.NoError(t, err)
	third := strings.Replace(string(b), ` <employee id="1001" client="813" action="leave"/>`, "", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ZLPE20261109030000.xml"), []byte(third), 0o600))
	page, err := c.Changes(ctx, s.Token)
	require.NoError(t, err)
	assert.Empty(t, page.Engagements, "1001 and 1002 ended before this dump; nothing ends again")
	assert.ElementsMatch(t, []connectors.PayrollRef{{Kind: connectors.PayrollEngagementKind, Key: "1001"}, {Kind: connectors.PayrollEngagementKind, Key: "1002"},
		{Kind: connectors.PayrollPersonKind, Key: "1508854321"}}, page.Deleted)
}

// Units filters to subtrees: the roots named and what is below them, by
// the units' latest parents, with the employees in them.
func TestUnitsFilter(t *testing.T) {
	c := open(t, opus.Config{Dir: folder(t, dump1, dump2), Units: []string{"2"}})
	s, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayroll(s))
	var units []string
	for _, u := range s.Units {
		units = append(units, u.Key)
	}
	assert.Equal(t, []string{"2", "4", "5"}, units, "Åbyskolen moved in")
	assert.Equal(t, "", unitRow(t, s.Units, "2").Parent, "a root named is a root")
	assert.Empty(t, rowsOf(s.Engagements, "1004"), "Teknik og Miljø is outside")
	assert.NotEmpty(t, rowsOf(s.Engagements, "1003"))
	for _, p := range s.Persons {
		assert.NotEqual(t, "0707771357", p.Key, "nor is its employee")
	}
}

func TestErrorKinds(t *testing.T) {
	_, err := opus.Open(opus.Config{Dir: filepath.Join(t.TempDir(), "missing")}, opus.Options{})
	assert.ErrorIs(t, err, connectors.Configuration, "a missing folder")

	dir := t.TempDir()
	c := open(t, opus.Config{Dir: dir})
	_, err = c.Snapshot(ctxFor(t))
	assert.ErrorIs(t, err, connectors.NotFound, "no dump")
	folderAdd(t, dir, partial)
	_, err = c.Snapshot(ctxFor(t))
	assert.ErrorIs(t, err, connectors.NotFound, "only a partial dump")
	assert.Contains(t, err.Error(), "passed over")

	folderAdd(t, dir, dump1)
	s, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dir))
	assert.ErrorIs(t, c.Ping(ctxFor(t)), connectors.Configuration, "the folder is gone")

	for _, tok := range []connectors.Token{"", "opus/1:x", "opus/1:ZLPE20261101030000.xml:zz", "payrollfile/1:2026-11-01:0123456789abcdef"} {
		_, err := c.Changes(ctxFor(t), tok)
		assert.ErrorIs(t, err, connectors.Invalid, tok)
	}
	require.NoError(t, os.MkdirAll(dir, 0o700))
	b, err := os.ReadFile(filepath.Join("testdata", "folder", dump1))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, dump1), append(b, ' '), 0o600))
	_, err = c.Changes(ctxFor(t), s.Token)
	assert.ErrorIs(t, err, connectors.Invalid, "a replaced dump")
	assert.Contains(t, err.Error(), "take a new snapshot")
	require.NoError(t, os.Remove(filepath.Join(dir, dump1)))
	_, err = c.Changes(ctxFor(t), s.Token)
	assert.ErrorIs(t, err, connectors.Invalid, "a removed dump")
}

func TestConfigValidate(t *testing.T) {
	cfg := opus.Config{Units: []string{"1", "", "1", " 2", "a\x00"}}
	err := cfg.Validate()
	require.ErrorIs(t, err, connectors.Configuration)
	for _, want := range []string{"dir: empty", "units[1]: empty", `units[2]: "1" is named twice`, "units[3]", "units[4]"} {
		assert.Contains(t, err.Error(), want, "every problem is reported at once")
	}
	cfg = opus.Config{Dir: t.TempDir(), Units: []string{"1"}}
	assert.NoError(t, cfg.Validate())
}

// No skipped record or error prints a CPR number in full.
func TestNoCPRInFull(t *testing.T) {
	dir := t.TempDir()
	bad := `<?xml version="1.0" encoding="utf-8"?>
<kmd>
 <orgUnit id="1"><startDate>2000-01-01</startDate><longName>Kommune</longName></orgUnit>
 <employee id="1"><entryDate>2020-01-01</entryDate><cpr>0101901234</cpr><orgUnit>2</orgUnit></employee>
 <employee id="2"><entryDate>2020-01-01</entryDate><cpr>010190123</cpr><orgUnit>1</orgUnit></employee>
 <employee id="3"><entryDate>2020-01-01</entryDate><cpr>0202901234</cpr><orgUnit>1</orgUnit></employee>
</kmd>
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ZLPE20260101000000.xml"), []byte(bad), 0o600))
	c := open(t, opus.Config{Dir: dir})
	s, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	// 1: no unit 2 and no name; 2: no CPR; 3: no name.
	require.Len(t, s.Skipped, 5, "%v", s.Skipped)
	for _, r := range s.Skipped {
		text := r.String() + " " + r.Key + " " + r.Problem
		for _, cpr := range []string{"0101901234", "010190123", "0202901234"} {
			assert.NotContains(t, text, cpr)
		}
	}
}

// A Latin-1 dump is read as the declaration says.
func TestLatin1(t *testing.T) {
	dir := t.TempDir()
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<kmd><orgUnit id=\"1\"><startDate>2000-01-01</startDate><longName>S\xf8nderg\xe5rd \xc6ldrecenter</longName></orgUnit></kmd>"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ZLPE20260101000000.xml"), []byte(doc), 0o600))
	s, err := open(t, opus.Config{Dir: dir}).Snapshot(ctxFor(t))
	require.NoError(t, err)
	assert.Equal(t, "Søndergård Ældrecenter", s.Units[0].Name)
}
