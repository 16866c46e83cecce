package payrollfile_test

import (
	"context"
	"fmt"
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

// The size of a large municipality.
const (
	benchUnits       = 5_000
	benchPersons     = 50_000
	benchEngagements = 60_000
	benchLeaves      = 5_000
)

// writeBenchDelivery writes a synthetic delivery of a large municipality:
// a unit tree eight wide with every tenth unit renamed once, persons of
// whom every tenth changed surname, an engagement for every person and a
// second, ended one for 10,000 of them, and leaves.
func writeBenchDelivery(tb testing.TB, dir string) (rows int) {
	var u, p, e, l strings.Builder
	u.WriteString("key,parent,name,level,type,from,to\n")
	for i := range benchUnits {
		parent := ""
		if i > 0 {
			parent = fmt.Sprintf("U%05d", (i-1)/8)
		}
		if i%10 == 0 {
			fmt.Fprintf(&u, "U%05d,%s,Enhed %d,NY3-niveau,,2010-01-01,2019-12-31\n", i, parent, i)
			fmt.Fprintf(&u, "U%05d,%s,\"Enhed %d, omdøbt\",NY3-niveau,,2020-01-01,\n", i, parent, i)
			rows++
		} else {
			fmt.Fprintf(&u, "U%05d,%s,Enhed %d,Afdelings-niveau,,2010-01-01,\n", i, parent, i)
		}
		rows++
	}
	p.WriteString("key,national_id,given_names,surname,from,to\n")
	for i := range benchPersons {
		cpr := fmt.Sprintf("%02d%02d%02d%04d", i%28+1, i%12+1, i%100, i%10000)
		if i%10 == 0 {
			fmt.Fprintf(&p, "P%06d,%s,Anne Marie,Sørensen,2010-01-01,2021-05-31\n", i, cpr)
			fmt.Fprintf(&p, "P%06d,%s,Anne Marie,Ærøskøbing-Sørensen,2021-06-01,\n", i, cpr)
			rows++
		} else {
			fmt.Fprintf(&p, "P%06d,%s,Jens Peter,Østergaard,2010-01-01,\n", i, cpr)
		}
		rows++
	}
	e.WriteString("key,person,unit,job_function,type,fraction,from,to\n")
	for i := range benchEngagements {
		if i < benchPersons {
			fmt.Fprintf(&e, "E%06d,P%06d,U%05d,Social- og sundhedsassistent,Månedsløn,\"0,8\",2015-01-01,\n", i, i, i%benchUnits)
		} else {
			fmt.Fprintf(&e, "E%06d,P%06d,U%05d,Pædagog,Timeløn,0.37,2016-01-01,2019-12-31\n", i, i-benchPersons, (i*7)%benchUnits)
		}
		rows++
	}
	l.WriteString("key,engagement,type,from,to\n")
	for i := range benchLeaves {
		fmt.Fprintf(&l, "L%06d,E%06d,Barsel,2023-01-01,2023-06-30\n", i, i*10)
		rows++
	}
	for name, b := range map[string]*strings.Builder{"units": &u, "persons": &p, "engagements": &e, "leaves": &l} {
		require.NoError(tb, os.WriteFile(filepath.Join(dir, name+"-2026-11-22.csv"), []byte(b.String()), 0o600))
	}
	return rows
}

// BenchmarkSnapshot reads and checks a large municipality's delivery
// (5,000 units, 50,000 persons, 60,000 engagements, with history), with
// a new connector each time so that nothing is cached.
func BenchmarkSnapshot(b *testing.B) {
	dir := b.TempDir()
	rows := writeBenchDelivery(b, dir)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, err := payrollfile.Open(dir, payrollfile.Options{Logger: discard})
		if err != nil {
			b.Fatal(err)
		}
		s, err := c.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(s.Units) + len(s.Persons) + len(s.Engagements) + len(s.Leaves); n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
		c.Close()
	}
	b.ReportMetric(float64(rows), "rows/op")
}

// BenchmarkChanges measures a step of the change feed between two large
// deliveries that differ in a few records.
func BenchmarkChanges(b *testing.B) {
	dir := b.TempDir()
	writeBenchDelivery(b, dir)
	ctx := context.Background()
	c, err := payrollfile.Open(dir, payrollfile.Options{Logger: discard})
	require.NoError(b, err)
	defer c.Close()
	s, err := c.Snapshot(ctx)
	require.NoError(b, err)
	for i := range 100 {
		s.Engagements[i*500].JobFunction = "Leder"
	}
	// A person gone, and so their engagement (the last of each, with no
	// second engagement and no leave).
	s.Persons = s.Persons[:len(s.Persons)-1]
	s.Engagements = slices.DeleteFunc(s.Engagements, func(e connectors.PayrollEngagement) bool { return e.Key == "E049999" })
	require.NoError(b, payrollfile.Write(dir, timeline.MustParseDate("2026-11-23"), s))
	b.ReportAllocs()
	for b.Loop() {
		c, err := payrollfile.Open(dir, payrollfile.Options{Logger: discard})
		if err != nil {
			b.Fatal(err)
		}
		p, err := c.Changes(ctx, s.Token)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Engagements) != 100 || len(p.Deleted) != 2 {
			b.Fatalf("%d engagements changed, %d records deleted", len(p.Engagements), len(p.Deleted))
		}
		c.Close()
	}
}
