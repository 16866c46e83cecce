package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	require.True(t, strings.HasPrefix(s, "\ufeff"))
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	require.NoError(t, err)
	return recs
}

func TestReportOnTheDemo(t *testing.T) {
	out, errOut, status := orgsync("report", "hires", "--config", "testdata/report/report.yaml")
	require.Equal(t, 0, status, errOut)
	recs := readCSV(t, out)
	require.Greater(t, len(recs), 10, "a week of the demo's imports has hires")
	assert.Equal(t, []string{"Hændelse", "Virkning", "Medarbejder", "Brugernavn"}, recs[0][:4])
	kinds := map[string]bool{}
	for _, r := range recs[1:] {
		kinds[r[0]] = true
		reg, err := time.ParseInLocation("2006-01-02 15:04:05", r[14], timeline.DefaultZone().Location())
		require.NoError(t, err)
		assert.False(t, reg.Before(time.Date(2026, 11, 24, 0, 0, 0, 0, timeline.DefaultZone().Location())), "in the default window: %s", r[14])
	}
	assert.True(t, kinds["Ansættelse"])
	assert.False(t, kinds["Fratrædelse"], "terminations are not in the hires report")

	out, _, status = orgsync("report", "terminations", "--with-cpr", "--from", "2026-11-01", "--to", "2026-11-08")
	require.Equal(t, 0, status)
	recs = readCSV(t, out)
	require.Greater(t, len(recs), 1)
	last := len(recs[0]) - 1
	assert.Equal(t, "CPR-nummer (maskeret)", recs[0][last])
	for _, r := range recs[1:] {
		assert.Regexp(t, `^\d{6}-xxxx$`, r[last])
	}
}

func TestReportRefusesBadInputBeforeAnyWork(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("columns:\n  - field: salary\n"), 0o600))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2027-02-01", "--to", "2027-01-01"}, "--to 2027-01-01T00:00:00+01:00 is before --from 2027-02-01T00:00:00+01:00"},
		{[]string{"--from", "last tuesday"}, `--from: "last tuesday" is neither a day`},
		{[]string{"--config", bad}, `"salary" is not a field`},
		{[]string{"--format", "pdf"}, `--format: report: format: "pdf": want csv, xlsx or json`},
		{[]string{"--out", filepath.Join(dir, "none", "r.csv")}, "no directory"},
		{[]string{"--unit", "no-such-unit"}, `no unit has the id or number "no-such-unit"`},
		{[]string{"--db", "sqlite:x.db"}, "give --from"},
		{[]string{"--accounts", "some"}, `filter.accounts: "some"`},
	} {
		_, errOut, status := orgsync(append([]string{"report", "hires"}, c.args...)...)
		assert.Equal(t, 2, status, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.want, "%v", c.args)
	}
	left, _ := os.ReadDir(dir)
	assert.Len(t, left, 1, "nothing written: %v", left)

	// A directory that takes no files, even for root (tests run as root
	// in CI): /proc.
	_, errOut, status := orgsync("report", "hires", "--out", "/proc/r.csv")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "the directory cannot be written")
}

func TestReportFromTheStateDatabaseAsXLSX(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "orgsync.db")
	keyFile := filepath.Join(dir, "db.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(statedb.GenerateKey()), 0o600))
	ctx := context.Background()
	db, err := openStateDB(ctx, url, keyFile)
	require.NoError(t, err)
	m, err := orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()})
	require.NoError(t, err)
	zone := timeline.DefaultZone()
	var cs orgmodel.ChangeSet
	always := timeline.Since(timeline.MustParseDate("2020-01-01"))
	unit := cs.Add("300", always, orgmodel.UnitAttrs{Name: "Skolen ved Søen"})
	p := cs.Add("aase", always, orgmodel.PersonAttrs{GivenNames: "Åse", Surname: "Ørsted"})
	_, err = m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Date(2027, 1, 2, 9, 0, 0, 0, zone.Location()), Actor: "setup"})
	require.NoError(t, err)
	var hire orgmodel.ChangeSet
	hire.Add("42", timeline.Since(timeline.MustParseDate("2027-03-01")), orgmodel.EngagementAttrs{Person: p, Unit: unit, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	_, err = m.Apply(ctx, &hire, orgmodel.Registration{Time: time.Date(2027, 1, 10, 9, 30, 0, 0, zone.Location()), Actor: "sd-import"})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	name := filepath.Join(dir, "hires.xlsx")
	_, errOut, status := orgsync("report", "hires", "--db", url, "--db-key-file", keyFile, "--from", "2027-01-01", "--to", "2027-02-01", "--out", name)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, errOut, "1 rows from registrations 2027-01-01 00:00 to 2027-02-01 00:00 written to "+name)
	f, err := excelize.OpenFile(name)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("Ansættelser")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"Ansættelse", "Fremtidig", "Åse Ørsted"}, rows[1][:3])
	assert.Contains(t, rows[1], "2027-03-01")
	assert.Contains(t, rows[1], "2027-01-10 09:30:00")
}

func TestReportScheduleQueuesOncePerPeriod(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "orgsync.db")
	keyFile := filepath.Join(dir, "db.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(statedb.GenerateKey()), 0o600))
	ctx := context.Background()
	db, err := openStateDB(ctx, url, keyFile)
	require.NoError(t, err)
	m, err := orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()})
	require.NoError(t, err)
	loc := timeline.DefaultZone().Location()
	now := time.Now().In(loc)
	bound := time.Date(now.Year(), now.Month(), now.Day(), 6, 0, 0, 0, loc)
	if bound.After(now) {
		bound = bound.AddDate(0, 0, -1)
	}
	var cs orgmodel.ChangeSet
	always := timeline.Since(timeline.MustParseDate("2020-01-01"))
	unit := cs.Add("300", always, orgmodel.UnitAttrs{Name: "Skolen ved Søen"})
	p := cs.Add("aase", always, orgmodel.PersonAttrs{GivenNames: "Åse", Surname: "Ørsted"})
	cs.Add("42", timeline.Since(timeline.MustParseDate("2030-03-01")), orgmodel.EngagementAttrs{Person: p, Unit: unit, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	_, err = m.Apply(ctx, &cs, orgmodel.Registration{Time: bound.Add(-time.Hour), Actor: "sd-import"})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	args := []string{"report", "schedule", "--config", "testdata/report/schedules.yaml", "--db", url, "--db-key-file", keyFile}
	out, errOut, status := orgsync(args...)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "nye-medarbejdere: queued the report of registrations "+bound.AddDate(0, 0, -1).Format("2006-01-02 15:04")+" to "+bound.Format("2006-01-02 15:04")+", 1 rows\n")
	assert.Contains(t, out, "fratraedelser-ugentlig: queued the report")
	out, errOut, status = orgsync(args...)
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, "no schedule is due\n", out)

	out, errOut, status = orgsync("mail", "outbox", "--db", url, "--db-key-file", keyFile)
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "2 messages\n")
	assert.Contains(t, out, "servicedesk@sjolund.dk")

	_, errOut, status = orgsync("report", "schedule", "--db", url)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "give --config FILE")
}

// FuzzReportTime: a window's end is a day or an RFC 3339 time, or a clear
// error; what it accepts it reads as the same instant written back.
func FuzzReportTime(f *testing.F) {
	for _, s := range []string{"2027-01-31", "2027-01-31T06:00:00+01:00", "2027-13-01", "last tuesday", "", "2027-01-31T06:00:00Z\x00"} {
		f.Add(s)
	}
	zone := timeline.DefaultZone()
	f.Fuzz(func(t *testing.T, s string) {
		v, err := reportTime(s, zone)
		if err != nil || s == "" {
			return
		}
		if d, derr := timeline.ParseDate(s); derr == nil {
			if !v.Equal(zone.Start(d)) {
				t.Fatalf("%q read as %s, not the day's start", s, v)
			}
			return
		}
		back, err := time.Parse(time.RFC3339, v.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(v) {
			t.Fatalf("%q read as %s, which does not write back: %v", s, v, err)
		}
	})
}
