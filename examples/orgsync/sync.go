package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report/reportdb"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/examples/internal/adconfig"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/service"
	"github.com/orgsync/orgsync/statedb"
	"github.com/orgsync/orgsync/username"
)

const syncUsage = `usage: orgsync plan|apply|reconcile --config FILE [flags]

Keeps Active Directory in step with the org model (package adsync): every
person's account with its mapped attributes, OU and groups, and with a chapel
policy, the leavers handed to the chapel under its mass-action breaker.

  plan       what a run would do now (or at --now): each operation with old
             and new values, the chapel's actions, and the plan's
             fingerprint; it changes nothing
  apply      apply the plan whose fingerprint --fingerprint gives, and only
             that one: the run is planned again, and refused if it would now
             do anything else
  reconcile  plan and apply at once; a chapel part that trips the breaker is
             left undone (the accounts' part is applied)

The configuration file (YAML, see testdata/sync/sync.yaml) holds the
connection to AD (the password in a file, or in ORGSYNC_AD_PASSWORD), where
the org model comes from, the engine's mapping and rules, the username rules,
and optionally the chapel's policy and breaker. A key it does not know is an
error, and every problem is reported with its file and line before anything
is done.

--db URL keeps the org model and the account links in the deployment's
state database (sqlite:/var/lib/orgsync/orgsync.db, or postgres://…; package
statedb) instead of building them afresh each run: the first run fills the
model from the configuration's source, later runs go on from what is
stored. Its key comes from --db-key-file or ORGSYNC_DB_KEY (statedb's
GenerateKey makes one; keep it apart from the database).

--inmem-demo runs against an in-memory directory instead of AD: the
configuration (testdata/sync/sync.yaml unless --config says otherwise) synced
into it as of 30 days before now, one title edited by hand since, and
2026-12-01 10:00 as now. Every run starts from the same state and nothing is
kept; its ids are stable, so a plan read with one run can be applied with the
next.

The exit status is 0 on success, 1 when something was left undone (an
operation failed, the breaker stopped the chapel, the plan changed since it
was reviewed) or the directory failed, and 2 for a usage or configuration
error.

flags:
`

// syncCmd is one run of plan, apply or reconcile.
type syncCmd struct {
	sub            string
	stdout, stderr io.Writer
	config         string // the configuration file's name, for messages
	setup          *syncSetup
	now            time.Time
	asJSON         bool
	out            string
	fingerprint    string
	demo           bool
	db, dbKeyFile  string // --db, --db-key-file
	whatIf         string // the day of --now when it is not today
}

func runPlan(args []string, stdout, stderr io.Writer) int {
	return runSync("plan", args, stdout, stderr)
}

func runApply(args []string, stdout, stderr io.Writer) int {
	return runSync("apply", args, stdout, stderr)
}

func runReconcile(args []string, stdout, stderr io.Writer) int {
	return runSync("reconcile", args, stdout, stderr)
}

func runSync(sub string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgsync "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), syncUsage); fs.PrintDefaults() }
	var (
		configFile  = fs.String("config", "", "the configuration, a YAML `FILE` (required without --inmem-demo)")
		demo        = fs.Bool("inmem-demo", false, "run against an in-memory demo directory instead of AD")
		nowText     = fs.String("now", "", "plan as at this `time`, RFC 3339 or YYYY-MM-DD (midnight); default now")
		asJSON      = fs.Bool("json", false, "plan: print the plan as JSON (national ids masked)")
		out         = fs.String("out", "", "plan: write the plan to this `FILE` instead of the standard output")
		fingerprint = fs.String("fingerprint", "", "apply: the `fingerprint` of the reviewed plan (required)")
		db          = fs.String("db", "", "keep the org model and the links in the state database at `URL` (sqlite:PATH or postgres://…)")
		dbKeyFile   = fs.String("db-key-file", "", "with --db: a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
		adConfig    = fs.String("ad-config", "", "the AD connection, a YAML `FILE` of the directory section's keys (replaces the configuration's directory section; default $ORGSYNC_AD_CONFIG)")
		otherDay    = fs.Bool("at-another-day", false, "apply, reconcile: with --now on another day than today, write to AD as at that day (disabling, enabling, moving accounts for real)")
	)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	c := &syncCmd{sub: sub, stdout: stdout, stderr: stderr, asJSON: *asJSON, out: *out, fingerprint: strings.TrimSpace(*fingerprint), demo: *demo, db: *db, dbKeyFile: *dbKeyFile}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync %s: "+format+"\n", append([]any{sub}, a...)...)
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case len(pos) > 0:
		return fail("unexpected argument %q (see -h)", clip(pos[0]))
	case sub != "plan" && (set["json"] || set["out"]):
		return fail("--json and --out are flags of plan")
	case sub != "apply" && set["fingerprint"]:
		return fail("--fingerprint is a flag of apply; review with plan, then apply --fingerprint")
	case sub == "apply" && c.fingerprint == "":
		return fail("--fingerprint is required: apply applies only a reviewed plan (run plan, read it, then apply --fingerprint F); reconcile plans and applies at once")
	case *configFile == "" && !*demo:
		return fail("--config FILE is required (see testdata/sync/sync.yaml), or try --inmem-demo")
	case *db != "" && *demo:
		return fail("--db keeps the state of runs against AD; the demo directory is built afresh each run, so it keeps nothing")
	case *dbKeyFile != "" && *db == "":
		return fail("--db-key-file goes with --db")
	}

	data := syncDemoConfig
	c.config = "testdata/sync/sync.yaml (the demo's)"
	if *configFile != "" {
		if data, err = os.ReadFile(*configFile); err != nil {
			return fail("config: %v", err)
		}
		c.config = *configFile
	}
	if *adConfig == "" {
		*adConfig = os.Getenv(adconfig.FileEnv)
	}
	if c.setup, err = loadSyncConfig(c.config, data, *demo, *adConfig); err != nil {
		return fail("config %s:\n  %s", c.config, indent(err.Error()))
	}
	switch {
	case *nowText != "":
		if c.now, err = parseNow(*nowText, c.setup.zone); err != nil {
			return fail("--now: %v", err)
		}
	case *demo:
		c.now = c.setup.zone.Start(demoDay).Add(10 * time.Hour)
	default:
		c.now = time.Now()
	}
	if today := c.setup.zone.Date(time.Now()); !*demo && c.setup.zone.Date(c.now) != today {
		day := c.setup.zone.Date(c.now)
		if sub != "plan" && !*otherDay {
			return fail("--now is on %s, not today (%s): %s would change AD as if it were that day (accounts disabled or enabled early, and undone by the next run at today's date). Add --at-another-day if that is what you mean", day, today, sub)
		}
		c.whatIf = day.String()
		fmt.Fprintf(stderr, "orgsync %s: as at %s, not today (%s)%s\n", sub, day, today, map[bool]string{true: ": a what-if; apply it only with --now and --at-another-day", false: ""}[sub == "plan"])
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return c.run(ctx)
}

// open builds the org model (the state database's, or the synthetic
// municipality), opens the directory (or the demo's) and wires the
// reconciler, with the chapel where the configuration has one. close
// releases what it opened; code is the exit status when it failed.
func (c *syncCmd) open(ctx context.Context) (rec *adsync.Reconciler, close func(), code int) {
	var closers []func()
	close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	fail := func(code int) (*adsync.Reconciler, func(), int) { close(); return nil, func() {}, code }
	failed := func(format string, a ...any) int {
		fmt.Fprintf(c.stderr, "orgsync %s: %s\n", c.sub, redact.NationalIDs(fmt.Sprintf(format, a...)))
		return 1
	}
	model := orgmodel.New(orgmodel.Options{Zone: c.setup.zone})
	var links adsync.Links = adsync.NewMapLinks()
	if c.db != "" {
		db, err := openStateDB(ctx, c.db, c.dbKeyFile)
		if err != nil {
			fmt.Fprintf(c.stderr, "orgsync %s: the state database: %v\n", c.sub, err)
			if errors.Is(err, statedb.ErrInvalid) || errors.Is(err, statedb.ErrKey) {
				return fail(2)
			}
			return fail(1)
		}
		closers = append(closers, func() { db.Close() })
		if model, err = orgmodel.Open(ctx, orgmodel.Options{Zone: c.setup.zone, Store: db.Model()}); err != nil {
			return fail(failed("the org model in %s: %v", db, err))
		}
		if links, err = db.Links(ctx, c.setup.ad.URL+" "+c.setup.cfg.Sync.Base); err != nil {
			return fail(failed("the links in %s: %v", db, err))
		}
	}
	if len(model.Registrations(1)) == 0 && c.setup.cfg.Model.File != "" {
		if err := loadModelFile(ctx, model, c.setup.cfg.Model.File, c.setup.zone.Date(c.now)); err != nil {
			return fail(failed("the org model: %v", err))
		}
	}
	if len(model.Registrations(1)) == 0 {
		mu, err := synth.Generate(c.setup.synth)
		if err != nil {
			return fail(failed("the org model: %v", err))
		}
		if err := mu.Load(ctx, model, time.Now()); err != nil {
			return fail(failed("the org model: %v", err))
		}
	}
	var (
		dir  connectors.Directory
		root string // where usernames are looked for: the connector's base
	)
	if c.demo {
		d, err := newSyncDemo(ctx, c.setup, model, c.now)
		if err != nil {
			return fail(failed("building the demo: %v", err))
		}
		dir, root = d, d.twin.BaseDN()
		fmt.Fprintln(c.stderr, "orgsync "+c.sub+": the in-memory demo directory; nothing is kept after the run")
	} else {
		d, err := openDirectory(ctx, c.setup.ad)
		if err != nil {
			fmt.Fprintf(c.stderr, "orgsync %s: opening the directory at %s: %v\n", c.sub, c.setup.ad.URL, err)
			if errors.Is(err, connectors.Configuration) {
				return fail(2)
			}
			return fail(1)
		}
		dir = d
	}
	closers = append(closers, func() { dir.Close() })
	rec, err := wireSync(ctx, c.setup, model, links, dir, root, func() time.Time { return c.now })
	if err != nil {
		return fail(failed("%v", err))
	}
	return rec, close, 0
}

// run builds the org model, opens the directory, and does the command.
func (c *syncCmd) run(ctx context.Context) int {
	rec, close, code := c.open(ctx)
	if code != 0 {
		return code
	}
	defer close()
	switch c.sub {
	case "plan":
		return c.plan(ctx, rec)
	case "apply":
		rep, err := rec.ApplyReviewed(ctx, c.fingerprint)
		if errors.Is(err, adsync.ErrPlanChanged) {
			// Not through the masking: fingerprints are hex, and one of
			// ten digits in a row would look like a national id.
			fmt.Fprintf(c.stderr, "orgsync apply: %v. Nothing was changed. Run plan again, read it, and apply its fingerprint\n", err)
			return 1
		}
		return c.report(rep, err)
	default:
		rep, err := rec.Reconcile(ctx)
		if rep != nil {
			fmt.Fprint(c.stdout, maskPlan(rep.Plan.String(), rep.Plan.Fingerprint()))
		}
		return c.report(rep, err)
	}
}

// usernameIndex holds the names taken: every name in the directory (below
// root, or the connector's base) and every name an account has had in the
// org model (its history, which the state database keeps across runs):
// a deleted account's name stays in quarantine as the username rules say,
// and the username command previews against the same.
func usernameIndex(ctx context.Context, dir connectors.Directory, root string, v orgmodel.View, zone timeline.Zone, now time.Time) (*username.Index, error) {
	idx := username.NewIndex()
	if err := username.LoadDirectory(ctx, dir, root, idx); err != nil {
		return nil, err
	}
	username.LoadHistory(v, adsync.System, zone, zone.Date(now), idx)
	return idx, nil
}

// wireSync makes the engine, the username generator, the chapel and the
// reconciler over dir, as the service does (service.WireSync), and loads
// the links (in memory, or the state database's) from the org model's
// accounts and the anchors in the directory. The names taken are read
// from the directory below root (or the connector's base) in one pass.
func wireSync(ctx context.Context, s *syncSetup, model *orgmodel.Model, links adsync.Links, dir connectors.Directory, root string, now func() time.Time) (*adsync.Reconciler, error) {
	idx := username.NewIndex()
	if err := username.LoadDirectory(ctx, dir, root, idx); err != nil {
		return nil, err
	}
	p := service.SyncParts{Model: model, Directory: dir, Links: links, Sync: s.cfg.Sync, Username: s.cfg.Username, Names: idx, Now: now}
	if s.cfg.Chapel != nil {
		policy := s.cfg.Chapel.Policy
		p.Chapel, p.Breaker = &policy, s.breaker
	}
	w, err := service.WireSync(ctx, p)
	if err != nil {
		return nil, err
	}
	return w.Reconciler, nil
}

// openStateDB opens the state database with the key from keyFile, or
// ORGSYNC_DB_KEY, with the modules' schemas (the mail outbox's, the
// reports', the boarding orders') besides the database's own.
func openStateDB(ctx context.Context, url, keyFile string) (*statedb.DB, error) {
	key, err := statedb.LoadKey(keyFile)
	if err != nil {
		return nil, err
	}
	return statedb.Open(ctx, url, statedb.Options{Key: key, Schemas: []statedb.Schema{outboxdb.Schema, reportdb.Schema, boardingdb.Schema}})
}

// plan prints the plan, as text or JSON, to the standard output or --out.
func (c *syncCmd) plan(ctx context.Context, rec *adsync.Reconciler) int {
	rp, err := rec.Plan(ctx)
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync plan: %s\n", redact.NationalIDs(err.Error()))
		return 1
	}
	var text []byte
	if c.asJSON {
		if text, err = rp.JSON(); err != nil {
			fmt.Fprintf(c.stderr, "orgsync plan: %v\n", err)
			return 1
		}
		text = append(text, '\n')
	} else {
		text = []byte(maskPlan(rp.String(), rp.Fingerprint()))
		if c.whatIf != "" {
			text = append([]byte("what-if: the plan as at "+c.whatIf+", not today\n"), text...)
		}
	}
	fp := rp.Fingerprint()
	next := fmt.Sprintf("to apply exactly this plan: orgsync apply %s--fingerprint %s", c.configArgs(), fp)
	if c.out == "" {
		c.stdout.Write(text)
		if !c.asJSON {
			fmt.Fprintln(c.stdout, next)
		}
		return 0
	}
	if err := os.WriteFile(c.out, text, 0o600); err != nil {
		fmt.Fprintf(c.stderr, "orgsync plan: --out: %v\n", err)
		return 1
	}
	chapelActs := 0
	if rp.Chapel != nil {
		chapelActs = len(rp.Chapel.Actions())
	}
	fmt.Fprintf(c.stdout, "plan written to %s: %s, %s, %s; fingerprint %s\n%s\n", c.out,
		count(len(rp.Accounts.Ops), "operation"), count(chapelActs, "chapel action"), count(len(rp.Accounts.Errors), "person failed", "persons failed"), fp, next)
	return 0
}

// maskPlan masks national ids in a plan's text (adsync masks the values
// it prints; this also covers DNs and reasons), keeping its fingerprint
// whole: a fingerprint is hex, and a run of ten digits in one would look
// like a national id.
func maskPlan(text, fingerprint string) string {
	const hold = "\x00fingerprint\x00"
	return strings.ReplaceAll(redact.NationalIDs(strings.ReplaceAll(text, fingerprint, hold)), hold, fingerprint)
}

// configArgs are the flags that name the configuration, for the next
// command to run.
func (c *syncCmd) configArgs() string {
	var b strings.Builder
	if c.demo {
		b.WriteString("--inmem-demo ")
	}
	if !strings.HasSuffix(c.config, "(the demo's)") {
		b.WriteString("--config " + c.config + " ")
	}
	if c.db != "" {
		b.WriteString("--db " + c.db + " ")
	}
	if c.whatIf != "" {
		b.WriteString("--now " + c.now.Format(time.RFC3339) + " --at-another-day ")
	}
	return b.String()
}

// report prints how each operation of a run went, and returns the exit
// status.
func (c *syncCmd) report(rep *adsync.RunReport, err error) int {
	if rep != nil {
		c.printReport(rep)
	}
	switch {
	case errors.Is(err, chapel.ErrBreaker):
		fmt.Fprintf(c.stderr, "orgsync %s: %s. The chapel's part was not done (the accounts' part was). Review with plan; if it is right, run apply --fingerprint with the plan's fingerprint\n", c.sub, err)
		return 1
	case err != nil:
		fmt.Fprintf(c.stderr, "orgsync %s: %s\n", c.sub, redact.NationalIDs(err.Error()))
		return 1
	case rep.Failed() > 0:
		return 1
	}
	return 0
}

// printReport shows each result: the chapel's, then the accounts'.
func (c *syncCmd) printReport(rep *adsync.RunReport) {
	done, failed := 0, 0
	line := func(ok bool, what, dn, target string, err error) {
		status := "done "
		if ok {
			done++
		} else {
			status = "error"
			failed++
		}
		s := fmt.Sprintf("%s  %-12s %s", status, what, dn)
		if target != "" {
			s += " → " + target
		}
		if err != nil {
			s += ": " + err.Error()
		}
		fmt.Fprintln(c.stdout, redact.NationalIDs(s))
	}
	fmt.Fprintf(c.stdout, "%s of plan %s at %s\n", c.sub, rep.Plan.Fingerprint(), c.now.In(c.setup.zone.Location()).Format(time.RFC3339))
	for _, m := range rep.Created {
		line(true, "create", m.DN, "", nil)
	}
	if rep.Created != nil && rep.Accounts != nil && len(rep.Accounts.Results) == 0 && c.sub == "apply" {
		fmt.Fprintln(c.stdout, "the base was created: plan again to review what goes into it.")
	}
	if rep.Chapel != nil {
		for _, r := range rep.Chapel.Results {
			var err error
			if r.Err != nil {
				err = r.Err.Err
			}
			line(r.Err == nil, r.Item.Decision.Action.String(), r.Item.Account.DN, r.Item.Decision.Target, err)
		}
		for _, t := range rep.Chapel.Tombstones {
			fmt.Fprintf(c.stdout, "tombstone: %s deleted %s; the username is quarantined until %s\n", t.Username, t.Deleted, t.QuarantineUntil)
		}
	}
	if rep.Accounts != nil {
		for _, r := range rep.Accounts.Results {
			err := r.Err
			if r.Skipped {
				err = errors.New("skipped: an earlier operation of the person failed")
			}
			line(err == nil, r.Op.Kind.String(), r.Op.DN, r.Op.Target, err)
		}
	}
	for _, e := range rep.Plan.Accounts.Errors {
		fmt.Fprintln(c.stdout, redact.NationalIDs("not planned: "+e.Error()))
		failed++
	}
	fmt.Fprintf(c.stdout, "%d done, %d failed\n", done, failed)
}
