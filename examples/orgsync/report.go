package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const reportUsage = `usage: orgsync report hires|terminations|changes [flags]
       orgsync report schedule --config FILE --db URL   (see orgsync report schedule -h)

Writes the report of who was registered as hired or as leaving in a
registration window [--from, --to), whatever days the registrations are
about (package boarding/report): hires, rehires, transfers, moved first
days and cancelled hires (hires); terminations, moved and withdrawn ends
(terminations); or all of them (changes). Each row is one fact from one
registration, with when and by whom, so two reports whose windows meet list
every registration once.

The model is the state database (--db), a model file (--model), or without
either the synthetic municipality with two months of daily payroll imports
(registered 2026-10-02 to 2026-12-01), whose last week is the default
window.

The format is csv (for Excel: UTF-8 with a BOM, ';', CRLF), xlsx or json
(JSON lines), by default the one --out's extension names. The file is
written whole or not at all.

The exit status is 0 when the report was written, 1 when it could not be
(the model or the file), and 2 for a usage or configuration error.

flags:
`

// reportConfig is the report's configuration file: columns and a filter.
type reportConfig struct {
	// Columns are the report's columns (default: the Danish ones).
	Columns []report.Column `yaml:"columns"`
	// Filter narrows the rows.
	Filter report.Filter `yaml:"filter"`
}

// multiFlag is a flag given any number of times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// reportDemoDays is how many days of imports the demo municipality has.
const reportDemoDays = 60

// runReport is the report command.
func runReport(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "schedule" {
		return runReportSchedule(args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "hires" && args[0] != "terminations" && args[0] != "changes") {
		fmt.Fprint(stderr, reportUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("orgsync report "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportUsage); fs.PrintDefaults() }
	var (
		fromFlag   = fs.String("from", "", "the window's start: a `time` (YYYY-MM-DD, midnight in the zone, or RFC 3339); required with --db or --model")
		toFlag     = fs.String("to", "", "the window's end, not included: a `time` (default: now; for the demo, its last import's day + 1)")
		format     = fs.String("format", "", "the `format`: csv, xlsx or json (default: --out's extension, or csv)")
		out        = fs.String("out", "", "write the report to `FILE` (default: the standard output)")
		configFile = fs.String("config", "", "the columns and filter, a YAML `FILE` (see testdata/report/report.yaml)")
		db         = fs.String("db", "", "read the org model from the state database at `URL` (sqlite:PATH or postgres://…)")
		dbKeyFile  = fs.String("db-key-file", "", "with --db: a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
		modelFile  = fs.String("model", "", "read the org model from this model `FILE`")
		zoneName   = fs.String("zone", timeline.DefaultZoneName, "the organisation's time `zone`, for dates and registration times")
		tree       = fs.String("tree", "", "place rows by the administrative (default) or payroll `tree`")
		accounts   = fs.String("accounts", "", "only persons `with` or `without` an account in --system")
		system     = fs.String("system", "", "the IT `system` whose accounts count (default Active Directory)")
		withCPR    = fs.Bool("with-cpr", false, "add the masked CPR number (ddmmyy-xxxx) as the last column")
		units      multiFlag
		types      multiFlag
	)
	fs.Var(&units, "unit", "only rows in this `unit` or below (id or number; may be repeated)")
	fs.Var(&types, "type", "only rows of this engagement `type` (may be repeated)")
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync report %s: %s\n", sub, redact.NationalIDs(fmt.Sprintf(format, a...)))
		return code
	}
	if len(pos) > 0 {
		return fail(2, "unexpected argument %q (see -h)", clip(pos[0]))
	}
	if *db != "" && *modelFile != "" {
		return fail(2, "give --db or --model, not both")
	}
	if *dbKeyFile != "" && *db == "" {
		return fail(2, "--db-key-file goes with --db")
	}
	zone, err := timeline.LoadZone(*zoneName)
	if err != nil {
		return fail(2, "--zone: %v", err)
	}
	var cfg reportConfig
	if *configFile != "" {
		data, err := os.ReadFile(*configFile)
		if err != nil {
			return fail(2, "--config: %v", err)
		}
		if _, err := readConfigYAML(*configFile, data, &cfg); err != nil {
			return fail(2, "%v", err)
		}
	}
	q := report.Query{Report: report.Report(sub), Filter: cfg.Filter}
	q.Filter.Units = append(q.Filter.Units, units...)
	q.Filter.EngagementTypes = append(q.Filter.EngagementTypes, types...)
	for _, f := range []struct {
		dst *string
		v   string
	}{{&q.Filter.Tree, *tree}, {&q.Filter.Accounts, *accounts}, {&q.Filter.System, *system}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	demo := *db == "" && *modelFile == ""
	if q.From, err = reportTime(*fromFlag, zone); err != nil {
		return fail(2, "--from: %v", err)
	}
	if q.To, err = reportTime(*toFlag, zone); err != nil {
		return fail(2, "--to: %v", err)
	}
	switch {
	case demo && q.To.IsZero():
		q.To = zone.Start(rulesDemoDay + 1)
	case q.To.IsZero():
		q.To = time.Now()
	}
	if q.From.IsZero() {
		if !demo {
			return fail(2, "give --from: the start of the registration window (the end of the last report's)")
		}
		q.From = q.To.AddDate(0, 0, -7)
	}
	if q.To.Before(q.From) {
		return fail(2, "--to %s is before --from %s", q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	cols := cfg.Columns
	if cols == nil {
		cols = report.DefaultColumns(q.Report)
	}
	if *withCPR {
		cols = append(cols, report.Column{Field: "cpr"})
	}
	table, err := report.NewTable(cols, zone)
	if err != nil {
		return fail(2, "%v", err)
	}
	fmtName := *format
	if fmtName == "" {
		fmtName = strings.TrimPrefix(filepath.Ext(*out), ".")
		if fmtName == "" || *out == "" {
			fmtName = "csv"
		}
	}
	f, err := report.ParseFormat(fmtName)
	if err != nil {
		return fail(2, "--format: %v", err)
	}
	if *out != "" {
		if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
			return fail(2, "--out %s: no directory %s to write it in", *out, filepath.Dir(*out))
		}
		// Find out now, not after the work, that the directory takes a
		// file (the report is written to a temporary one and renamed).
		probe, err := os.CreateTemp(filepath.Dir(*out), ".orgsync-report-*.tmp")
		if err != nil {
			return fail(2, "--out %s: the directory cannot be written: %v", *out, err)
		}
		probe.Close()
		os.Remove(probe.Name())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m, closeModel, err := reportModel(ctx, *db, *dbKeyFile, *modelFile, zone)
	if err != nil {
		return fail(1, "%v", err)
	}
	defer closeModel()
	res, err := report.Run(m, q)
	var qe *report.QueryError
	if errors.As(err, &qe) {
		return fail(2, "%v", err)
	} else if err != nil {
		return fail(1, "%v", err)
	}
	sheet := map[report.Report]string{report.Hires: "Ansættelser", report.Terminations: "Fratrædelser", report.Changes: "Ændringer"}[q.Report]
	if *out == "" {
		if err := f.Write(stdout, table, res.Rows, sheet); err != nil {
			return fail(1, "%v", err)
		}
		return 0
	}
	if err := report.WriteFile(*out, f, table, res.Rows, sheet); err != nil {
		return fail(1, "%v", err)
	}
	fmt.Fprintf(stderr, "orgsync report %s: %d rows from registrations %s to %s written to %s\n", sub, len(res.Rows),
		q.From.In(zone.Location()).Format("2006-01-02 15:04"), q.To.In(zone.Location()).Format("2006-01-02 15:04"), *out)
	return 0
}

// reportTime reads a window's end: a day (its midnight in the zone) or
// an RFC 3339 time; "" is the zero time.
func reportTime(s string, zone timeline.Zone) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := timeline.ParseDate(s); err == nil {
		return zone.Start(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a day (2027-01-31) nor a time (2027-01-31T06:00:00+01:00)", clip(s))
	}
	return t, nil
}

// reportModel opens the org model: the state database's, a model file's,
// or the demo's.
func reportModel(ctx context.Context, db, keyFile, modelFile string, zone timeline.Zone) (*orgmodel.Model, func(), error) {
	switch {
	case db != "":
		state, err := openStateDB(ctx, db, keyFile)
		if err != nil {
			return nil, nil, err
		}
		m, err := orgmodel.Open(ctx, orgmodel.Options{Zone: zone, Store: state.Model()})
		if err != nil {
			state.Close()
			return nil, nil, err
		}
		return m, func() { state.Close() }, nil
	case modelFile != "":
		m := orgmodel.New(orgmodel.Options{Zone: zone})
		return m, func() {}, loadModelFile(ctx, m, modelFile, rulesDemoDay)
	}
	m, err := reportDemo(ctx, zone)
	return m, func() {}, err
}

// reportDemo is the synthetic municipality loaded reportDemoDays before
// the demo day, with a payroll import registered every day after at 02:00
// (hires and terminations up to 30 days ahead).
func reportDemo(ctx context.Context, zone timeline.Zone) (*orgmodel.Model, error) {
	start := rulesDemoDay - reportDemoDays
	mu, err := synth.Generate(synth.Small(start))
	if err != nil {
		return nil, err
	}
	m := orgmodel.New(orgmodel.Options{Zone: zone})
	at := func(d timeline.Date) time.Time { return zone.Start(d).Add(2 * time.Hour) }
	if err := mu.Load(ctx, m, at(start)); err != nil {
		return nil, err
	}
	churn := synth.NewChurn(mu, start, 1)
	churn.Lead = 30
	for d := start + 1; d <= rulesDemoDay; d++ {
		if _, err := m.Apply(ctx, churn.Day(m.Latest(), d), orgmodel.Registration{Time: at(d), Actor: "sd-import"}); err != nil {
			return nil, fmt.Errorf("the demo's import of %s: %w", d, err)
		}
	}
	return m, nil
}
