package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const payrollExportUsage = `usage: orgsync payroll-export --dir DIR [--persons N] [--seed S] [--today D]

Writes the synthetic municipality (package orgmodel/synth) as a payroll
delivery for --today into DIR, in the format of the file payroll connector
(package connectors/payrollfile): units-D.csv, persons-D.csv,
engagements-D.csv and leaves-D.csv. The payroll plugin
(examples/plugins/payrollfile) and examples/pluginhost read it.

The municipality is sized as the quickstart's: --persons persons, a unit for
every ten of them (at least six), six levels, one engagement in five a second
one, and manager roles in two units of three. Persons without a national id
(the synthetic municipality's foreign consultants) cannot be payroll records:
they are left out with their engagements and leaves, and the command says how
many.

DIR is made if it is missing. A delivery for --today that is already there is
not replaced: a payroll's deliveries are not rewritten (the connector's change
feed refuses one that changed). The files hold the national ids in full, as a
payroll's own files do, and are readable by their owner only; the data is
synthetic, for tests and demos.

The exit status is 0 on success, 1 when the files could not be written, and 2
for a usage error.

flags:
`

// payrollExportPersons bounds --persons.
const payrollExportMin, payrollExportMax = 10, 100_000

// runPayrollExport is the payroll-export command.
func runPayrollExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgsync payroll-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), payrollExportUsage); fs.PrintDefaults() }
	var (
		dir     = fs.String("dir", "", "the `folder` to write the delivery into (required)")
		persons = fs.Int("persons", 1000, "the synthetic municipality's `number` of persons, 10 to 100000")
		seed    = fs.Uint64("seed", 1, "the synthetic municipality's `seed`")
		today   = fs.String("today", "", "the delivery's `day`, YYYY-MM-DD, from 2011-01-01 (default: today in Europe/Copenhagen)")
	)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync payroll-export: "+format+"\n", a...)
		return status
	}
	switch {
	case len(pos) > 0:
		return fail(2, "unexpected argument %q (see -h)", clip(pos[0]))
	case *dir == "":
		return fail(2, "--dir DIR is required: the folder to write the delivery into")
	case *persons < payrollExportMin || *persons > payrollExportMax:
		return fail(2, "--persons must be from %d to %d", payrollExportMin, payrollExportMax)
	}
	day := timeline.DefaultZone().Date(time.Now())
	if *today != "" {
		if day, err = timeline.ParseDate(*today); err != nil {
			return fail(2, "--today: %v", err)
		}
	}
	if day < timeline.MustDate(2011, 1, 1) || day > timeline.MustDate(9000, 1, 1) {
		return fail(2, "--today %s: the synthetic municipality's history starts 2010-01-01; give a day from 2011-01-01 to 9000-01-01", day)
	}
	for k := connectors.PayrollUnitKind; k <= connectors.PayrollLeaveKind; k++ {
		name := filepath.Join(*dir, payrollfile.FileName(k, day))
		if _, err := os.Lstat(name); err == nil {
			return fail(2, "%s is there already: a delivery for %s is not rewritten; remove it, or give another --today", name, day)
		}
	}
	snap, left, err := payrollDelivery(exportMunicipality(*persons, *seed, day))
	if err != nil {
		return fail(1, "%v", err)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fail(1, "--dir: %v", err)
	}
	if err := payrollfile.Write(*dir, day, snap); err != nil {
		return fail(1, "%v", err)
	}
	fmt.Fprintf(stdout, "wrote the delivery of %s to %s: %s, %s, %s, %s\n", day, *dir,
		count(keys(snap.Units, func(u connectors.PayrollUnit) string { return u.Key }), "unit"),
		count(keys(snap.Persons, func(p connectors.PayrollPerson) string { return p.Key }), "person"),
		count(keys(snap.Engagements, func(e connectors.PayrollEngagement) string { return e.Key }), "engagement"),
		count(keys(snap.Leaves, func(l connectors.PayrollLeave) string { return l.Key }), "leave"))
	fmt.Fprintf(stdout, "left out %s without a national id, with their %s and %s\n",
		count(left.persons, "person"), count(left.engagements, "engagement"), count(left.leaves, "leave"))
	return 0
}

// exportMunicipality is the synthetic municipality payroll-export writes,
// sized as the quickstart's: about ten persons a unit, six levels, one
// engagement in five a second one.
func exportMunicipality(persons int, seed uint64, today timeline.Date) synth.Config {
	units := max(6, persons/10)
	return synth.Config{Seed: seed, Persons: persons, Units: units, Depth: 6, Engagements: persons * 6 / 5, Managers: units * 2 / 3, Today: today}
}

// leftOut counts what a payroll export left out.
type leftOut struct{ persons, engagements, leaves int }

// payrollDelivery generates the municipality c describes and turns its
// payroll snapshot into a payroll delivery, without the persons who have no
// national id.
func payrollDelivery(c synth.Config) (*connectors.PayrollSnapshot, leftOut, error) {
	mu, err := synth.Generate(c)
	if err != nil {
		return nil, leftOut{}, err
	}
	snap, persons := intake.WithNationalIDs(mu.Payroll)
	left := leftOut{
		persons:     persons,
		engagements: countKind(mu.Payroll, orgmodel.KindEngagement) - countKind(snap, orgmodel.KindEngagement),
		leaves:      countKind(mu.Payroll, orgmodel.KindLeave) - countKind(snap, orgmodel.KindLeave),
	}
	ps, err := intake.ExportPayroll(snap)
	if err != nil {
		return nil, left, err
	}
	return ps, left, nil
}

// countKind counts the objects of kind k in snap.
func countKind(snap orgmodel.Snapshot, k orgmodel.Kind) int {
	n := 0
	for _, o := range snap.Objects {
		if o.Kind == k {
			n++
		}
	}
	return n
}

// keys counts the distinct keys of a delivery's rows (a record with
// history has a row per period).
func keys[T any](rows []T, key func(T) string) int {
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		seen[key(r)] = true
	}
	return len(seen)
}
