package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// TestPayrollExport writes a delivery, reads it back with the payroll
// connector, and checks it against the synthetic municipality: every
// person with a national id is there as synth made them, with their
// engagements, and the others are left out and counted.
func TestPayrollExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "payroll") // made by the command
	out, errOut, status := orgsync("payroll-export", "--dir", dir, "--persons", "600", "--seed", "3", "--today", "2026-12-01")
	require.Equal(t, 0, status, errOut)
	assert.Empty(t, errOut)

	day := timeline.MustParseDate("2026-12-01")
	var names []string
	for k := connectors.PayrollUnitKind; k <= connectors.PayrollLeaveKind; k++ {
		name := payrollfile.FileName(k, day)
		names = append(names, name)
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a payroll file holds national ids")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	assert.ElementsMatch(t, names, got, "four files and nothing else")

	// What synth made, and whom the export had to leave out.
	mu, err := synth.Generate(exportMunicipality(600, 3, day))
	require.NoError(t, err)
	want := map[string]orgmodel.PersonAttrs{}
	var noID []string
	personKey := map[string]string{} // person id → key
	for _, o := range mu.Payroll.Objects {
		if o.Kind != orgmodel.KindPerson {
			continue
		}
		p := o.Timeline.Span(0).Value.(orgmodel.PersonAttrs)
		personKey[o.ID.String()] = o.UserKey
		if p.NationalID.IsZero() {
			noID = append(noID, o.UserKey)
		} else {
			want[o.UserKey] = p
		}
	}
	require.NotEmpty(t, noID, "the seed should make a person without a national id")
	engagements, leftEngagements := map[string]string{}, 0 // key → person key
	for _, o := range mu.Payroll.Objects {
		if e, ok := o.Timeline.Span(0).Value.(orgmodel.EngagementAttrs); ok {
			if _, ok := want[personKey[e.Person.String()]]; ok {
				engagements[o.UserKey] = personKey[e.Person.String()]
			} else {
				leftEngagements++
			}
		}
	}

	c, err := payrollfile.Open(dir, payrollfile.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer c.Close()
	snap, err := c.Snapshot(context.Background())
	require.NoError(t, err)
	require.Len(t, snap.Persons, len(want))
	for _, p := range snap.Persons {
		w, ok := want[p.Key]
		if assert.True(t, ok, "person %s was not to be exported", p.Key) {
			assert.Equal(t, w.GivenNames, p.GivenNames)
			assert.Equal(t, w.Surname, p.Surname)
			assert.Equal(t, w.NationalID.Reveal(), string(p.NationalID))
		}
	}
	require.Len(t, snap.Engagements, len(engagements))
	for _, e := range snap.Engagements {
		assert.Equal(t, engagements[e.Key], e.Person, "engagement %s", e.Key)
	}
	assert.Empty(t, snap.Leaves)
	units := 0
	for _, o := range mu.Payroll.Objects {
		if o.Kind == orgmodel.KindUnit {
			units++
		}
	}
	assert.Len(t, snap.Units, units)

	assert.Equal(t, "wrote the delivery of 2026-12-01 to "+dir+": "+strconv.Itoa(units)+" units, "+strconv.Itoa(len(want))+" persons, "+
		strconv.Itoa(len(engagements))+" engagements, 0 leaves\n"+
		"left out "+count(len(noID), "person")+" without a national id, with their "+count(leftEngagements, "engagement")+" and 0 leaves\n", out)
	assert.NotRegexp(t, regexp.MustCompile(`\d{6}-?\d{4}`), strings.ReplaceAll(out, dir, "DIR"), "no national id is printed")

	// What the payroll plugin's host does with it: the org model takes it.
	osnap, err := intake.Payroll("payroll", snap, intake.PayrollOptions{})
	require.NoError(t, err)
	m := orgmodel.New(orgmodel.Options{})
	require.NoError(t, orgmodel.ImportAll(context.Background(), m, []orgmodel.Snapshot{osnap}, orgmodel.ImportOptions{Today: day}, orgmodel.Registration{Time: time.Now(), Actor: "test"}))
	n := 0
	for range m.Latest().All(orgmodel.KindPerson) {
		n++
	}
	assert.Equal(t, len(want), n)

	// The same day again is refused, and the files stay as they were.
	before, err := os.ReadFile(filepath.Join(dir, names[1]))
	require.NoError(t, err)
	_, errOut, status = orgsync("payroll-export", "--dir", dir, "--persons", "100", "--today", "2026-12-01")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "units-2026-12-01.csv is there already: a delivery for 2026-12-01 is not rewritten")
	after, err := os.ReadFile(filepath.Join(dir, names[1]))
	require.NoError(t, err)
	assert.Equal(t, before, after)

	// Another day is a new delivery, which the connector reads as the
	// latest.
	_, errOut, status = orgsync("payroll-export", "--dir", dir, "--persons", "600", "--seed", "3", "--today", "2026-12-02")
	require.Equal(t, 0, status, errOut)
	ds, err := c.Deliveries(context.Background())
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.True(t, ds[1].Complete())
	assert.Equal(t, timeline.MustParseDate("2026-12-02"), ds[1].Day)
}

// TestPayrollExportWithoutLeftOuts: a small municipality whose persons
// all have national ids says it left out none.
func TestPayrollExportWithoutLeftOuts(t *testing.T) {
	dir := t.TempDir()
	out, errOut, status := orgsync("payroll-export", "--today", "2026-12-01", "--dir", dir, "--persons", "10")
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, ": 6 units, 10 persons, 12 engagements, 0 leaves\n")
	assert.Contains(t, out, "left out 0 persons without a national id, with their 0 engagements and 0 leaves\n")
}

func TestPayrollExportBadFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{}, 2, "orgsync payroll-export: --dir DIR is required: the folder to write the delivery into\n"},
		{[]string{"--dir", dir, "--persons", "9"}, 2, "orgsync payroll-export: --persons must be from 10 to 100000\n"},
		{[]string{"--dir", dir, "--persons", "100001"}, 2, "orgsync payroll-export: --persons must be from 10 to 100000\n"},
		{[]string{"--dir", dir, "--persons", "many"}, 2, `invalid value "many" for flag -persons`},
		{[]string{"--dir", dir, "--today", "1/12/2026"}, 2, "orgsync payroll-export: --today: "},
		{[]string{"--dir", dir, "--today", "2010-06-01"}, 2, "--today 2010-06-01: the synthetic municipality's history starts 2010-01-01; give a day from 2011-01-01"},
		{[]string{"--dir", dir, "extra"}, 2, `orgsync payroll-export: unexpected argument "extra" (see -h)`},
		{[]string{"--dri", dir}, 2, "flag provided but not defined: -dri"},
		{[]string{"--dir", file, "--persons", "10", "--today", "2026-12-01"}, 1, "orgsync payroll-export: --dir: mkdir " + file + ": not a directory"},
	} {
		out, errOut, status := orgsync(append([]string{"payroll-export"}, tc.args...)...)
		assert.Equal(t, tc.status, status, "%q: %s", tc.args, errOut)
		assert.Contains(t, errOut, tc.want, "%q", tc.args)
		assert.Empty(t, out, "%q", tc.args)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing was written")

	out, errOut, status := orgsync("payroll-export", "-h")
	assert.Equal(t, 0, status)
	assert.Empty(t, out)
	for _, want := range []string{"usage: orgsync payroll-export --dir DIR", "left out with their engagements and leaves", "-persons number", "-seed seed", "-today day"} {
		assert.Contains(t, errOut, want)
	}
	_, errOut, _ = orgsync("help")
	assert.Empty(t, errOut)
	out, _, _ = orgsync("help")
	assert.Contains(t, out, "payroll-export write the synthetic municipality as a payroll delivery")
}
