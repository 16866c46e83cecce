package payrollfile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// day is the day of the sample delivery in testdata/delivery.
var day = timeline.MustParseDate("2026-11-22")

func d(s string) timeline.Date { return timeline.MustParseDate(s) }

// sample is what testdata/delivery holds, sorted by key and start.
func sample() *connectors.PayrollSnapshot {
	return &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "U1", Name: "Sjølund Kommune", Level: "NY5-niveau", Valid: timeline.Since(d("2020-01-01"))},
			{Key: "U2", Parent: "U1", Name: "Ældreplejen", Level: "NY3-niveau", Valid: timeline.Between(d("2020-01-01"), d("2026-03-01"))},
			{Key: "U2", Parent: "U1", Name: "Ældre og Sundhed, Vest", Level: "NY3-niveau", Valid: timeline.Since(d("2026-03-01"))},
			{Key: "U3", Parent: "U2", Name: "Hjemmeplejen Nord", Level: "Afdelings-niveau", Type: "Team", Valid: timeline.Since(d("2021-01-01"))},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101901234", GivenNames: "Øjvind", Surname: "Ærø", Valid: timeline.Since(d("2020-01-01"))},
			{Key: "P2", NationalID: "0202851234", GivenNames: "Zoë", Surname: "Ахмед", Valid: timeline.Since(d("2021-06-01"))},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "E1", Person: "P1", Unit: "U3", JobFunction: "Social- og sundhedshjælper", Type: "Månedsløn", Fraction: 0.8, Valid: timeline.Since(d("2021-01-01"))},
			{Key: "E2", Person: "P2", Unit: "U2", JobFunction: "Leder", Type: "Månedsløn", Fraction: 1, Valid: timeline.Between(d("2021-06-01"), d("2027-01-01"))},
		},
		Leaves: []connectors.PayrollLeave{
			{Key: "L1", Engagement: "E1", Type: "Barsel", Valid: timeline.Between(d("2025-01-01"), d("2025-07-01"))},
		},
	}
}

// kinds are the file name prefixes, in the order of the files.
var kinds = []string{"units", "persons", "engagements", "leaves"}

// sampleFiles returns the sample delivery's files, by prefix.
func sampleFiles(t testing.TB) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, k := range kinds {
		b, err := os.ReadFile(filepath.Join("testdata", "delivery", k+"-2026-11-22.csv"))
		require.NoError(t, err)
		files[k] = string(b)
	}
	return files
}

// writeFiles writes files (by prefix) as the delivery of day into dir.
func writeFiles(t testing.TB, dir string, day timeline.Date, files map[string]string) {
	t.Helper()
	for k, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, k+"-"+day.String()+".csv"), []byte(text), 0o600))
	}
}

// open opens a connector on dir and closes it when the test ends.
func open(t testing.TB, dir string) *payrollfile.Connector {
	t.Helper()
	c, err := payrollfile.Open(dir, payrollfile.Options{Logger: discard})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// normalized returns a copy of s with its rows sorted by key and start,
// as Snapshot returns them, and no token.
func normalized(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	n := &connectors.PayrollSnapshot{
		Units:       slices.Clone(s.Units),
		Persons:     slices.Clone(s.Persons),
		Engagements: slices.Clone(s.Engagements),
		Leaves:      slices.Clone(s.Leaves),
	}
	slices.SortFunc(n.Units, func(a, b connectors.PayrollUnit) int { return byKey(a.Key, b.Key, a.Valid, b.Valid) })
	slices.SortFunc(n.Persons, func(a, b connectors.PayrollPerson) int { return byKey(a.Key, b.Key, a.Valid, b.Valid) })
	slices.SortFunc(n.Engagements, func(a, b connectors.PayrollEngagement) int { return byKey(a.Key, b.Key, a.Valid, b.Valid) })
	slices.SortFunc(n.Leaves, func(a, b connectors.PayrollLeave) int { return byKey(a.Key, b.Key, a.Valid, b.Valid) })
	return n
}

func byKey(a, b string, ia, ib timeline.Interval) int {
	if c := strings.Compare(a, b); c != 0 {
		return c
	}
	return int(ia.From) - int(ib.From)
}

// withoutToken returns s without its token.
func withoutToken(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	c := *s
	c.Token = ""
	return &c
}

// problems returns the *payrollfile.Errors an error holds, in order.
func problems(t testing.TB, err error) []*payrollfile.Error {
	t.Helper()
	require.Error(t, err)
	var ce *connectors.Error
	require.True(t, errors.As(err, &ce), "not a *connectors.Error: %v", err)
	require.Equal(t, connectors.Invalid, ce.Kind, "%v", err)
	var out []*payrollfile.Error
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *payrollfile.Error:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// snapshot reads dir's latest delivery.
func snapshot(t testing.TB, dir string) (*connectors.PayrollSnapshot, error) {
	t.Helper()
	return open(t, dir).Snapshot(context.Background())
}
