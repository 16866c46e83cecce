package opus_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The manager of the second fixture dump is in its snapshot as a
// contract row, keyed by the employment number and typed by the position,
// and in the page of changes from the first dump.
func TestManagersInSnapshotAndChanges(t *testing.T) {
	want := []connectors.PayrollManager{{Key: "1003", Unit: "5", Person: "2311692468", Engagement: "1003", Type: "Skoleleder", Level: "1.02",
		Valid: timeline.Since(day("2010-01-01"))}}

	c := open(t, opus.Config{Dir: folder(t, dump1)})
	s1, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	assert.Empty(t, s1.Managers, "nobody is a manager in the first dump")

	dir := folder(t, dump1, dump2)
	c = open(t, opus.Config{Dir: dir})
	s2, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	assert.Equal(t, want, s2.Managers)
	require.NoError(t, connectors.CheckPayroll(s2))
	m, err := c.Managers(ctxFor(t))
	require.NoError(t, err)
	require.Len(t, m, 1, "Managers gives the same roles")
	assert.Equal(t, want[0].Level, m[0].Level)

	page, err := c.Changes(ctxFor(t), s1.Token)
	require.NoError(t, err)
	assert.Equal(t, want, page.Managers, "the new manager is a change")
	s1.Apply(page)
	assert.Equal(t, s2.Managers, s1.Managers)
}

// Write writes the roles OPUS can hold as isManager on their employee,
// and Held says which those are; the snapshot read back has them, a
// changed level is a change, and a role that ends before its engagement
// (which OPUS cannot say) is gone.
func TestWriteManagers(t *testing.T) {
	since := timeline.Since(day("2020-01-01"))
	s := &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{{Key: "1", Name: "Kommune", Valid: since}},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101901234", Surname: "Jensen", Valid: since},
			{Key: "P2", NationalID: "0202901234", Surname: "Hansen", Valid: since},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "10", Person: "P1", Unit: "1", JobFunction: "Direktør", Fraction: 1, Valid: since},
			{Key: "20", Person: "P2", Unit: "1", JobFunction: "Leder", Fraction: 1, Valid: since},
			{Key: "30", Person: "P2", Unit: "1", JobFunction: "Leder", Fraction: 1, Valid: since},
			{Key: "40", Person: "P2", Unit: "1", Fraction: 1, Valid: since},
		},
		Managers: []connectors.PayrollManager{
			{Key: "10", Unit: "1", Person: "P1", Engagement: "10", Type: "Direktør", Level: "1.01", Valid: since},
			{Key: "20", Unit: "1", Person: "P2", Engagement: "20", Type: "Leder", Valid: since},             // no level
			{Key: "30", Unit: "1", Person: "P2", Engagement: "30", Type: "Leder", Level: "9", Valid: since}, // no "."
			{Key: "40", Unit: "1", Person: "P2", Engagement: "40", Type: "Souschef", Valid: since},          // not the position
			{Key: "M", Unit: "1", Person: "P1", Valid: since},                                               // no engagement
		},
	}
	require.NoError(t, connectors.CheckPayroll(s))
	dir := t.TempDir()
	at := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	_, err := opus.Write(dir, at, s)
	require.NoError(t, err)
	c := open(t, opus.Config{Dir: dir})
	got, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	held := opus.Held(cloneSnap(s))
	assert.Equal(t, s.Managers[:2], held.Managers, "what OPUS can hold")
	assert.Equal(t, held.Managers, got.Managers)
	assert.Empty(t, got.Skipped)

	v2 := cloneSnap(s)
	v2.Managers[0].Level = "2.01"
	v2.Managers[1].Valid.To = day("2027-01-01") // ends before the engagement
	_, err = opus.Write(dir, at.Add(time.Hour), v2)
	require.NoError(t, err)
	page, err := c.Changes(ctxFor(t), got.Token)
	require.NoError(t, err)
	assert.Equal(t, v2.Managers[:1], page.Managers, "the new level")
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollManagerKind, Key: "20"}}, page.Deleted, "the role OPUS cannot end early is gone")
}

// A manager level too long for the contract skips its employee, reported
// without the CPR number.
func TestManagerLevelTooLong(t *testing.T) {
	dir := t.TempDir()
	xml := `<?xml version="1.0" encoding="utf-8"?>
<kmd>
 <orgUnit id="1"><startDate>2020-01-01</startDate><longName>K</longName></orgUnit>
 <employee id="7"><entryDate>2020-01-01</entryDate><cpr>0101901234</cpr><lastName>J</lastName><orgUnit>1</orgUnit>
  <isManager>true</isManager><superiorLevel>` + strings.Repeat("1", connectors.MaxFieldBytes) + `</superiorLevel><subordinateLevel>2</subordinateLevel></employee>
 <employee id="8"><entryDate>2020-01-01</entryDate><cpr>0202901234</cpr><lastName>H</lastName><orgUnit>1</orgUnit>
  <isManager>true</isManager><subordinateLevel>2</subordinateLevel></employee>
</kmd>
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ZLPE20260101030000.xml"), []byte(xml), 0o600))
	c := open(t, opus.Config{Dir: dir})
	s, err := c.Snapshot(ctxFor(t))
	require.NoError(t, err)
	require.Len(t, s.Skipped, 1)
	assert.Equal(t, "employee", s.Skipped[0].Kind)
	assert.Equal(t, "7", s.Skipped[0].Key)
	assert.Equal(t, "superiorLevel", s.Skipped[0].Field)
	assert.Contains(t, s.Skipped[0].Problem, "manager level")
	assert.NotContains(t, s.Skipped[0].String(), "0101901234")
	require.Len(t, s.Managers, 1)
	assert.Equal(t, ".2", s.Managers[0].Level, "a subordinate level alone")
	assert.Equal(t, "0202901234", s.Managers[0].Person)
}

func cloneSnap(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	c := *s
	c.Units = append([]connectors.PayrollUnit(nil), s.Units...)
	c.Persons = append([]connectors.PayrollPerson(nil), s.Persons...)
	c.Engagements = append([]connectors.PayrollEngagement(nil), s.Engagements...)
	c.Leaves = append([]connectors.PayrollLeave(nil), s.Leaves...)
	c.Managers = append([]connectors.PayrollManager(nil), s.Managers...)
	return &c
}
