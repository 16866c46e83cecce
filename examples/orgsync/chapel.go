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

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/examples/internal/adconfig"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const chapelUsage = `usage: orgsync chapel list|plan|apply [flags]

The chapel ("Kapellet") holds the accounts of people who have left: disabled,
moved to the chapel OU and stamped, until the person comes back (the account
is enabled and moved back) or the retention ends (it is deleted, and its
username is held in quarantine).

  list   who is in the chapel, and when each account will be deleted
  plan   what a run would do now (or at --now), each action with its reason,
         the mass-action breaker's verdict and the plan's fingerprint
  apply  do it: each account is read again first and left alone if it
         changed; a failure stops only its own account

The directory is Active Directory, given by flags or the environment (a flag
wins over its variable):
  --url         ORGSYNC_AD_URL       ldaps://dc1.example.org, or ldap:// (the
                                     connector starts TLS on it)
  --ca-file     ORGSYNC_AD_CA_FILE   PEM file of the CAs trusted for the DC
  --bind-dn     ORGSYNC_AD_BIND_DN   the account to bind as (DN, UPN or
                                     DOMAIN\name)
  --base        ORGSYNC_AD_BASE      the DN of the accounts in scope
The bind password is read from ORGSYNC_AD_PASSWORD or from --password-file,
never from a flag's value, which any user of the machine could read with ps.
--inmem-demo uses an in-memory directory holding a small demo organisation
instead, with testdata/chapel-policy.yaml and testdata/people.csv as its
policy and people and 2026-12-01 10:00 as its now (each run starts from the
same state, and nothing is kept).

The policy is a YAML or JSON file (--policy): the keys of chapel.Policy, such
as testdata/chapel-policy.yaml.

With --config SYNC.yaml (and --db URL) the chapel is the sync's: the
directory, the base, the chapel policy, the breaker and the zone come from
the sync configuration, and who has left from the org model and the links
the sync keeps (the state database's, or the synthetic municipality's), so
the accounts the sync put in the chapel are linked to their persons and
show when they will be deleted. No --policy, --people or directory flags
then.

` + peopleRule + `

The mass-action breaker stops apply, before it changes anything, when the plan
would disable or delete more than --max-actions accounts or more than
--max-share of the accounts in scope. A leaver run normally touches a
handful of accounts (a municipality of 5,000 loses some 10 people a week),
so the defaults, 50 and 10%, are weeks of leavers at once and about a year's
turnover: what trips them is a broken people file (everyone "left"), a wrong
--base or a wrong policy. (A scope of a few dozen accounts may need a higher
--max-share.) Read the plan, and if it is right, approve that very plan with
--approve FINGERPRINT. An approval is refused if the plan changed since it
was read.

The exit status is 0 on success, 1 when apply left something undone (an
action failed, or the breaker stopped it) or the directory failed, and 2 for
a usage or configuration error.

flags:
`

// openDirectory opens Active Directory. Tests replace it to run the command
// over an in-memory twin.
var openDirectory = func(ctx context.Context, cfg ad.Config) (connectors.Directory, error) {
	d, err := ad.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// chapelCmd is one run of the chapel command.
type chapelCmd struct {
	sub            string // list, plan or apply
	stdout, stderr io.Writer
	zone           timeline.Zone
	now            time.Time
	asJSON         bool
	runner         *chapel.Runner
	approve        string
	dryRun         bool
}

func runChapel(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgsync chapel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), chapelUsage); fs.PrintDefaults() }
	var (
		syncConfig   = fs.String("config", "", "the sync configuration, a YAML `FILE`: the chapel is the sync's (its directory, base, policy, breaker, and who left from the org model)")
		dbURL        = fs.String("db", "", "with --config: the org model and links in the state database at `URL`")
		dbKeyFile    = fs.String("db-key-file", "", "with --db: a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
		adConfigFile = fs.String("ad-config", "", "the AD connection, a YAML `FILE` as the sync configuration's directory section (or ORGSYNC_AD_CONFIG); the flags below override its keys")
		url          = fs.String("url", "", "the domain controller's `URL` (or ORGSYNC_AD_URL)")
		caFile       = fs.String("ca-file", "", "a PEM `FILE` of trusted CAs (or ORGSYNC_AD_CA_FILE; default the system's)")
		bindDN       = fs.String("bind-dn", "", "the `account` to bind as (or ORGSYNC_AD_BIND_DN)")
		passwordFile = fs.String("password-file", "", "a `FILE` holding the bind password (default ORGSYNC_AD_PASSWORD)")
		base         = fs.String("base", "", "the `DN` of the accounts in scope (or ORGSYNC_AD_BASE)")
		demo         = fs.Bool("inmem-demo", false, "use an in-memory demo organisation instead of AD")
		policyFile   = fs.String("policy", "", "the chapel's policy, a YAML or JSON `FILE` (required without --inmem-demo)")
		peoplePath   = fs.String("people", "", "who has left, a CSV or JSON-lines `FILE` (required without --inmem-demo)")
		zoneName     = fs.String("zone", timeline.DefaultZoneName, "the organisation's time `zone`")
		nowText      = fs.String("now", "", "plan as at this `time`, RFC 3339 or YYYY-MM-DD (midnight); default now")
		asJSON       = fs.Bool("json", false, "print JSON lines")
		maxActions   = fs.Int("max-actions", 50, "the breaker: the most disables and deletions a run may do (0: no limit)")
		maxShare     = fs.Float64("max-share", 0.1, "the breaker: the largest share of the accounts in scope a run may disable or delete (0: no limit)")
		approve      = fs.String("approve", "", "apply: go ahead with the tripped plan whose `fingerprint` this is")
		dryRun       = fs.Bool("dry-run", false, "apply: show the plan and change nothing (the same as plan)")
		otherDay     = fs.Bool("at-another-day", false, "apply: with --now on another day than today, disable, return and delete accounts as at that day, for real")
	)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync chapel: "+format+"\n", a...)
		return 2
	}
	if len(pos) != 1 || (pos[0] != "list" && pos[0] != "plan" && pos[0] != "apply") {
		return fail("say list, plan or apply (see -h)")
	}
	c := &chapelCmd{sub: pos[0], stdout: stdout, stderr: stderr, asJSON: *asJSON, approve: strings.TrimSpace(*approve), dryRun: *dryRun}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.sub != "apply" {
		for _, f := range []string{"approve", "dry-run"} {
			if set[f] {
				return fail("--%s is a flag of apply", f)
			}
		}
	}
	if *maxActions < 0 || !(*maxShare >= 0 && *maxShare <= 1) { // NaN too
		return fail("--max-actions must be ≥ 0 and --max-share from 0 to 1")
	}

	if *syncConfig != "" {
		for _, f := range []string{"policy", "people", "url", "ca-file", "bind-dn", "password-file", "base", "zone", "inmem-demo"} {
			if set[f] {
				return fail("--%s goes without --config: with it the sync configuration says it", f)
			}
		}
		return c.fromSync(*syncConfig, *adConfigFile, *dbURL, *dbKeyFile, *nowText, *otherDay, set, *maxActions, *maxShare)
	}
	if set["db"] || set["db-key-file"] {
		return fail("--db goes with --config (the sync's org model and links)")
	}
	c.zone, err = timeline.LoadZone(*zoneName)
	if err != nil {
		return fail("--zone: %v", err)
	}
	switch {
	case *nowText != "":
		if c.now, err = parseNow(*nowText, c.zone); err != nil {
			return fail("--now: %v", err)
		}
	case *demo:
		c.now = c.zone.Start(demoDay).Add(10 * time.Hour)
	default:
		c.now = time.Now()
	}
	// A plan's and a list's first line says the time they are at.
	if day, today := c.zone.Date(c.now), c.zone.Date(time.Now()); !*demo && day != today && c.sub == "apply" && !*dryRun && !*otherDay {
		return fail("--now is on %s, not today (%s): apply would disable and delete accounts as if it were that day. Add --at-another-day if that is what you mean", day, today)
	}

	policy, status := c.loadPolicy(*policyFile, *demo)
	if status != 0 {
		return status
	}
	var people *peopleFile
	switch {
	case *peoplePath != "":
		if people, err = readPeople(*peoplePath, c.zone); err != nil {
			return fail("people %s:\n  %s", *peoplePath, indent(err.Error()))
		}
	case *demo:
		if people, err = parsePeople("people.csv", demoPeople, c.zone); err != nil {
			return fail("the demo's people: %v", err)
		}
	default:
		return fail("--people FILE is required: who has left (see -h)")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var dir connectors.Directory
	if *demo {
		for _, f := range []string{"url", "ca-file", "bind-dn", "password-file"} {
			if set[f] {
				return fail("--inmem-demo uses no directory: leave out --%s", f)
			}
		}
		if *base == "" {
			*base = demoBase
		}
		if status := checkBase(*base, fail); status != 0 {
			return status
		}
		d, err := newDemo(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "orgsync chapel: building the demo: %v\n", err)
			return 1
		}
		dir = d
		fmt.Fprintln(stderr, "orgsync chapel: the in-memory demo organisation; nothing is kept after the run")
	} else {
		cfg, status := adConfig(*adConfigFile, *url, *caFile, *bindDN, *passwordFile, fail)
		if status != 0 {
			return status
		}
		if *base == "" {
			*base = os.Getenv("ORGSYNC_AD_BASE")
		}
		if *base == "" {
			*base = cfg.BaseDN
		}
		if status := checkBase(*base, fail); status != 0 {
			return status
		}
		dir, err = openDirectory(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "orgsync chapel: opening the directory at %s: %v\n", cfg.URL, err)
			if errors.Is(err, connectors.Configuration) {
				return 2
			}
			return 1
		}
	}
	defer dir.Close()

	c.runner, err = chapel.NewRunner(chapel.Runner{
		Dir: dir, Base: *base, Policy: policy, People: people,
		Breaker: chapel.Breaker{MaxActions: *maxActions, MaxShare: *maxShare},
	})
	if err != nil {
		return fail("%v", err)
	}
	return c.run(ctx)
}

// fromSync runs the command on the sync's chapel: the sync
// configuration's directory, base, policy, breaker (the flags over it
// where given) and zone, the org model and links of --db (or the
// synthetic municipality), wired as plan and apply wire them.
func (c *chapelCmd) fromSync(config, adConfigFile, dbURL, dbKeyFile, nowText string, otherDay bool, set map[string]bool, maxActions int, maxShare float64) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(c.stderr, "orgsync chapel: "+format+"\n", a...)
		return 2
	}
	data, err := os.ReadFile(config)
	if err != nil {
		return fail("--config: %v", err)
	}
	if adConfigFile == "" {
		adConfigFile = os.Getenv(adconfig.FileEnv)
	}
	setup, err := loadSyncConfig(config, data, false, adConfigFile)
	if err != nil {
		return fail("config %s:\n  %s", config, indent(err.Error()))
	}
	if setup.cfg.Chapel == nil {
		return fail("config %s has no chapel section: the sync hands nobody to the chapel", config)
	}
	if set["max-actions"] {
		setup.breaker.MaxActions = maxActions
	}
	if set["max-share"] {
		setup.breaker.MaxShare = maxShare
	}
	c.zone, c.now = setup.zone, time.Now()
	if nowText != "" {
		if c.now, err = parseNow(nowText, c.zone); err != nil {
			return fail("--now: %v", err)
		}
	}
	if day, today := c.zone.Date(c.now), c.zone.Date(time.Now()); day != today && c.sub == "apply" && !c.dryRun && !otherDay {
		return fail("--now is on %s, not today (%s): apply would disable and delete accounts as if it were that day. Add --at-another-day if that is what you mean", day, today)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sc := &syncCmd{sub: "chapel " + c.sub, stdout: c.stdout, stderr: c.stderr, config: config, setup: setup, now: c.now, db: dbURL, dbKeyFile: dbKeyFile}
	rec, closeAll, code := sc.open(ctx)
	if code != 0 {
		return code
	}
	defer closeAll()
	c.runner = rec.Chapel
	return c.run(ctx)
}

// checkBase checks the base DN.
func checkBase(base string, fail func(string, ...any) int) int {
	if base == "" {
		return fail("no base: give --base DN (or set ORGSYNC_AD_BASE), the DN of the accounts in scope")
	}
	if _, err := connectors.ParseDN(base); err != nil {
		return fail("base %q is not a DN", clip(base))
	}
	return 0
}

// adConfig builds the connector's configuration: the --ad-config file (or
// ORGSYNC_AD_CONFIG's) in adconfig's format, the same as every command's,
// its keys overridden by the flags and, for the keys neither gives, by
// ORGSYNC_AD_URL, ORGSYNC_AD_CA_FILE and ORGSYNC_AD_BIND_DN; the password
// from password_file (--password-file) or ORGSYNC_AD_PASSWORD.
func adConfig(file, url, caFile, bindDN, passwordFile string, fail func(string, ...any) int) (ad.Config, int) {
	if file == "" {
		file = os.Getenv(adconfig.FileEnv)
	}
	var f adconfig.File
	if file != "" {
		var err error
		if f, err = adconfig.Read(file); err != nil {
			return ad.Config{}, fail("--ad-config: %v", err)
		}
	}
	or := func(flag, key, env string) string {
		switch {
		case flag != "":
			return flag
		case key != "":
			return key
		}
		return os.Getenv(env)
	}
	o := adconfig.Overrides{URL: or(url, f.URL, "ORGSYNC_AD_URL"), CAFile: or(caFile, f.CAFile, "ORGSYNC_AD_CA_FILE"),
		BindDN: or(bindDN, f.BindDN, "ORGSYNC_AD_BIND_DN"), PasswordFile: passwordFile}
	switch {
	case o.URL == "":
		return ad.Config{}, fail("no directory: give --ad-config FILE or --url ldaps://your-dc (or set ORGSYNC_AD_URL), or try --inmem-demo")
	case o.BindDN == "":
		return ad.Config{}, fail("no bind account: give --bind-dn (or set ORGSYNC_AD_BIND_DN), or bind_dn in --ad-config")
	}
	cfg, err := f.Build(o, os.Getenv)
	if err != nil {
		return cfg, fail("%v", err)
	}
	return cfg, 0
}

// loadPolicy reads and checks the policy file (the demo's without one).
func (c *chapelCmd) loadPolicy(path string, demo bool) (*chapel.Policy, int) {
	fail := func(format string, a ...any) (*chapel.Policy, int) {
		fmt.Fprintf(c.stderr, "orgsync chapel: "+format+"\n", a...)
		return nil, 2
	}
	var p chapel.Policy
	switch {
	case path != "":
		if err := decodeFile(path, &p); err != nil {
			return fail("policy %s: %v", path, err)
		}
	case demo:
		if err := decodeYAML(demoPolicy, &p); err != nil {
			return fail("the demo's policy: %v", err)
		}
		path = "(the demo's)"
	default:
		return fail("--policy FILE is required: the chapel's policy (see -h)")
	}
	p.Zone = c.zone
	if err := p.Validate(); err != nil {
		return fail("policy %s:\n  %s", path, indent(err.Error()))
	}
	return &p, 0
}

// parseNow reads --now: an RFC 3339 instant, or a day (its start in zone).
func parseNow(s string, zone timeline.Zone) (time.Time, error) {
	if d, err := timeline.ParseDate(s); err == nil {
		return zone.Start(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor RFC 3339 (2026-12-01T10:00:00+01:00)", clip(s))
	}
	return t, nil
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

// run plans and does what the subcommand says.
func (c *chapelCmd) run(ctx context.Context) int {
	plan, err := c.runner.Plan(ctx, c.now)
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync chapel %s: %v\n", c.sub, err)
		return 1
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(c.stderr, "orgsync chapel %s: warning: %s\n", c.sub, w)
	}
	switch {
	case c.sub == "list":
		c.printList(ctx, plan)
		return 0
	case c.sub == "plan" || c.dryRun:
		c.printPlan(plan)
		return 0
	}
	fp := plan.Fingerprint()
	refuse := func(format string, a ...any) int {
		c.printPlan(plan)
		fmt.Fprintf(c.stderr, "orgsync chapel apply: "+format+"\n", a...)
		return 1
	}
	switch {
	case c.approve != "" && c.approve != fp:
		return refuse("--approve %s is not this plan's fingerprint (%s): the plan has changed since it was read, or the approval is for another one. Nothing was changed; read the plan above", clip(c.approve), fp)
	case plan.Tripped != "" && c.approve == "":
		return refuse("%v: %s. Nothing was changed. Read the plan above; if it is right, run again with --approve %s", chapel.ErrBreaker, plan.Tripped, fp)
	}
	rep, err := c.runner.Apply(ctx, plan, c.approve)
	if rep != nil {
		c.printReport(plan, rep)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync chapel apply: %v\n", err)
		return 1
	}
	if rep.Failed() > 0 || len(plan.Errors) > 0 {
		return 1
	}
	return 0
}
