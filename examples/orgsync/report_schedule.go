package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/boarding/report/reportdb"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const reportScheduleUsage = `usage: orgsync report schedule --config FILE --db URL [--db-key-file FILE]

Mails the scheduled reports that are due (see testdata/report/schedules.yaml):
each schedule's report of the registrations since its last one, up to the
latest boundary (06:00 daily, or Mondays), queued in the state database's
outbox with the schedule moved on in one transaction. Run it from cron, then
'orgsync mail send' to deliver; a service runs both itself. A host that was
down mails one report covering the gap.

flags:
`

// reportSchedules is the schedule command's configuration file.
type reportSchedules struct {
	// Schedules are the scheduled reports.
	Schedules []report.Schedule `yaml:"schedules"`
}

func runReportSchedule(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgsync report schedule", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportScheduleUsage); fs.PrintDefaults() }
	var (
		configFile = fs.String("config", "", "the schedules, a YAML `FILE` (required)")
		db         = fs.String("db", "", "the state database at `URL`: the org model, the outbox and the schedules' windows (required)")
		dbKeyFile  = fs.String("db-key-file", "", "a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
		zoneName   = fs.String("zone", timeline.DefaultZoneName, "the organisation's time `zone`")
	)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync report schedule: %s\n", redact.NationalIDs(fmt.Sprintf(format, a...)))
		return code
	}
	switch {
	case len(pos) > 0:
		return fail(2, "unexpected argument %q (see -h)", clip(pos[0]))
	case *configFile == "":
		return fail(2, "give --config FILE: the schedules (testdata/report/schedules.yaml is a sample)")
	case *db == "":
		return fail(2, "give --db URL: the state database the model, the outbox and the schedules are in")
	}
	zone, err := timeline.LoadZone(*zoneName)
	if err != nil {
		return fail(2, "--zone: %v", err)
	}
	data, err := os.ReadFile(*configFile)
	if err != nil {
		return fail(2, "--config: %v", err)
	}
	var cfg reportSchedules
	if _, err := readConfigYAML(*configFile, data, &cfg); err != nil {
		return fail(2, "%v", err)
	}
	if len(cfg.Schedules) == 0 {
		return fail(2, "%s: no schedules", *configFile)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	state, err := openStateDB(ctx, *db, *dbKeyFile)
	if err != nil {
		return fail(1, "--db: %v", err)
	}
	defer state.Close()
	m, err := orgmodel.Open(ctx, orgmodel.Options{Zone: zone, Store: state.Model()})
	if err != nil {
		return fail(1, "%v", err)
	}
	s := &report.Scheduler{Model: m, Ledger: reportdb.New(state, outboxdb.New(state)), Schedules: cfg.Schedules}
	if err := s.Check(); err != nil {
		for _, e := range flatten(err) {
			fail(2, "%s: %v", *configFile, e)
		}
		return 2
	}
	mailed, err := s.RunDue(ctx)
	loc := zone.Location()
	for _, r := range mailed {
		fmt.Fprintf(stdout, "%s: queued the report of registrations %s to %s, %d rows\n", r.Schedule,
			r.From.In(loc).Format("2006-01-02 15:04"), r.To.In(loc).Format("2006-01-02 15:04"), r.Rows)
	}
	if len(mailed) == 0 && err == nil {
		fmt.Fprintln(stdout, "no schedule is due")
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	return 0
}
