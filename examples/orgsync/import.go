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
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/service"
	"github.com/orgsync/orgsync/statedb"
)

const importUsage = `usage: orgsync import plan|apply KIND --config FILE --db URL [flags]

Reads a source (KIND: %s) through its connector and shows what
importing it into the org model in the state database would change: the
objects created, updated and terminated (a record the source no longer
has is terminated from today, never deleted), and every record the
connector skipped as malformed, with where it is. apply imports it; with
--fingerprint it imports only if the plan is still the one reviewed.
After a payroll import the org rules run, as seed 000 says, and what they
change is applied and shown.

The configuration file:

  source: sd                 # the org model's name of the source (default: KIND)
  connector: {…}             # the connector's own configuration; for a plugin
                             # (plugin, identityplugin): {path: BIN, args: […],
                             # env: [NAME=VALUE…], sha256: HEX}
  rules: rules.yaml          # the org rules to run after a payroll import; none: skip
  identity:                  # an identity source's intake
    temporary_categories: [Vikar]
    units_from: sd           # the payroll source whose unit keys identities use

flags:
`

// importCmd is one run of `orgsync import`.
type importCmd struct {
	sub, kind           string
	config, db, keyFile string
	fingerprint         string
	today               timeline.Date
	otherDay            bool
	limit               int
	stdout, stderr      io.Writer
}

// importConfig is the configuration file.
type importConfig struct {
	Source    string            `yaml:"source"`
	Connector yaml.Node         `yaml:"connector"`
	Rules     string            `yaml:"rules"`
	Identity  *service.Identity `yaml:"identity"`
}

func runImport(args []string, stdout, stderr io.Writer) int {
	kinds := service.SourceKinds()
	usage := fmt.Sprintf(importUsage, strings.Join(kinds, ", "))
	if len(args) < 2 || (args[0] != "plan" && args[0] != "apply") {
		fmt.Fprint(stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	c := &importCmd{sub: args[0], kind: args[1], stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("orgsync import "+c.sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&c.config, "config", "", "the import's configuration, a YAML `FILE`")
	fs.StringVar(&c.db, "db", "", "the state database: sqlite:FILE or a postgres:// `URL`")
	fs.StringVar(&c.keyFile, "db-key-file", "", "the state database's key `FILE` (default: $ORGSYNC_DB_KEY)")
	fs.StringVar(&c.fingerprint, "fingerprint", "", "apply only if the plan's fingerprint is still `HEX` (from plan)")
	day := fs.String("today", "", "the day the import terminates what the source no longer has (default: today), `YYYY-MM-DD`")
	fs.BoolVar(&c.otherDay, "at-another-day", false, "apply with --today other than today: terminations and rules on that day, for real")
	fs.IntVar(&c.limit, "limit", 50, "how many of the plan's changes and skipped records to list (0: all)")
	if err := fs.Parse(args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync import %s: %s\n", c.sub, fmt.Sprintf(format, a...))
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	case !slices.Contains(kinds, c.kind):
		return bad("no source kind %q; the kinds are %s", clipArg(c.kind), strings.Join(kinds, ", "))
	case c.config == "":
		return bad("--config: the import's configuration is missing")
	case c.db == "":
		return bad("--db: the state database to import into is missing")
	case c.limit < 0:
		return bad("--limit: %d is negative", c.limit)
	}
	now := orgmodel.New(orgmodel.Options{}).Zone().Date(time.Now())
	c.today = now
	if *day != "" {
		d, err := timeline.ParseDate(*day)
		if err != nil {
			return bad("--today: %v", err)
		}
		c.today = d
	}
	if c.sub == "apply" && c.today != now && !c.otherDay {
		return bad("--today %s is not today (%s): an import terminates what the source no longer has from that day, for real. Add --at-another-day if that is what you mean", c.today, now)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return c.run(ctx)
}

func clipArg(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// run reads the source, plans the import and, for apply, applies it and
// runs the org rules.
func (c *importCmd) run(ctx context.Context) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(c.stderr, "orgsync import %s: %s\n", c.sub, redact.NationalIDs(fmt.Sprintf(format, a...)))
		return code
	}
	cfg, err := c.readConfig()
	if err != nil {
		return fail(2, "%v", err)
	}
	db, err := openStateDB(ctx, c.db, c.keyFile)
	if err != nil {
		code := 1
		if errors.Is(err, statedb.ErrInvalid) || errors.Is(err, statedb.ErrKey) {
			code = 2
		}
		return fail(code, "the state database: %v", err)
	}
	defer db.Close()
	model, err := orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()})
	if err != nil {
		return fail(1, "the org model in the state database: %v", err)
	}
	conn, err := service.OpenSource(ctx, c.kind, &cfg.Connector, filepath.Dir(c.config))
	if err != nil {
		return fail(connectorCode(err), "opening the %s connector: %v", c.kind, err)
	}
	if cl, ok := conn.(io.Closer); ok {
		defer cl.Close()
	}
	plan, err := service.PlanImport(ctx, model, service.Source{Name: cfg.Source, Identity: cfg.Identity}, conn, c.today)
	if err != nil {
		return fail(connectorCode(err), "%v", err)
	}
	cs, skipped, fp := plan.Changes, plan.Skipped, plan.Fingerprint()
	c.printPlan(cfg.Source, cs, plan.Stats, skipped, fp)
	if c.sub == "plan" {
		if !cs.IsEmpty() {
			fmt.Fprintf(c.stdout, "to apply exactly this plan: orgsync import apply %s --config %s --db %s --fingerprint %s\n", c.kind, c.config, c.db, fp)
		}
		return 0
	}
	if c.fingerprint != "" && c.fingerprint != fp {
		return fail(1, "the plan is no longer the one reviewed (fingerprint %s, not %s); nothing was imported. Run plan again", fp, c.fingerprint)
	}
	if !cs.IsEmpty() {
		reg, err := plan.Apply(ctx, model, "orgsync import "+cfg.Source, time.Now())
		if err != nil {
			return fail(1, "applying the import: %v", err)
		}
		fmt.Fprintf(c.stdout, "imported as registration %d.\n", reg.Seq)
	}
	if !plan.Payroll || cfg.Rules == "none" {
		return skippedCode(skipped)
	}
	if cfg.Rules == "" {
		fmt.Fprintln(c.stdout, "the org rules: none configured (rules: FILE in the import's configuration, or none); they should run after each payroll import.")
		return skippedCode(skipped)
	}
	if code := c.rules(ctx, cfg, model); code != 0 {
		return code
	}
	return skippedCode(skipped)
}

// skippedCode is 1 when the source had records it could not read: the
// import did its work, and some records wait for the source to be put
// right.
func skippedCode(skipped []connectors.SkippedRecord) int {
	if len(skipped) > 0 {
		return 1
	}
	return 0
}

// connectorCode is 2 for a connector's configuration error, else 1.
func connectorCode(err error) int {
	if connectors.KindOf(err) == connectors.Configuration || connectors.KindOf(err) == connectors.Invalid {
		return 2
	}
	return 1
}

func (c *importCmd) readConfig() (*importConfig, error) {
	data, err := os.ReadFile(c.config)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var cfg importConfig
	if err := decodeYAML(data, &cfg); err != nil {
		return nil, fmt.Errorf("--config %s: %w", c.config, err)
	}
	if cfg.Source == "" {
		cfg.Source = c.kind
	}
	if !service.IsPayrollKind(c.kind) && cfg.Identity == nil {
		return nil, fmt.Errorf("--config %s: an identity source needs an identity section (temporary_categories, units_from)", c.config)
	}
	return &cfg, nil
}

// printPlan prints what the import changes, and what the source skipped.
func (c *importCmd) printPlan(source string, cs *orgmodel.ChangeSet, s orgmodel.ImportStats, skipped []connectors.SkippedRecord, fp string) {
	w := c.stdout
	label := ""
	if c.today != orgmodel.New(orgmodel.Options{}).Zone().Date(time.Now()) {
		label = " (what-if: terminations as of " + c.today.String() + ")"
	}
	fmt.Fprintf(w, "import of %s%s: %d created, %d updated, %d terminated, %d unchanged, %d left to other sources\n",
		source, label, s.Created, s.Updated, s.Terminated, s.Unchanged, s.NotOwned)
	if cs.IsEmpty() {
		fmt.Fprintln(w, "nothing to change.")
	} else {
		fmt.Fprintf(w, "%d change(s), fingerprint %s:\n", cs.Len(), fp)
		listed(w, strings.Split(cs.String(), "\n"), c.limit)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "%d record(s) skipped as malformed; put them right in the source:\n", len(skipped))
		lines := make([]string, len(skipped))
		for i, r := range skipped {
			lines[i] = r.String()
		}
		listed(w, lines, c.limit)
	}
}

// listed prints up to limit lines (0: all), indented, and says how many
// more there are.
func listed(w io.Writer, lines []string, limit int) {
	for i, l := range lines {
		if limit > 0 && i == limit {
			fmt.Fprintf(w, "  … and %d more (--limit 0 lists all)\n", len(lines)-limit)
			return
		}
		fmt.Fprintln(w, "  "+redact.NationalIDs(l))
	}
}

// rules runs the org rules after a payroll import and applies what they
// change.
func (c *importCmd) rules(ctx context.Context, cfg *importConfig, m *orgmodel.Model) int {
	path := relativeTo(filepath.Dir(c.config), cfg.Rules)
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync import apply: rules: %v\n", err)
		return 2
	}
	name := path
	rc, err := loadRulesConfig(name, data)
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync import apply: rules %s:\n  %s\n", name, indent(err.Error()))
		return 2
	}
	set, err := rules.New(rc)
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync import apply: rules %s:\n  %s\n", name, indent(rulesConfigErrors(name, data, err).Error()))
		return 2
	}
	res, err := service.RunRules(ctx, m, set, c.today, "orgsync import: the org rules", time.Now())
	if err != nil {
		fmt.Fprintf(c.stderr, "orgsync import apply: the org rules: %v\n", err)
		return 1
	}
	fmt.Fprintf(c.stdout, "the org rules: %d object(s) changed, %d conflict(s) for a person to decide (orgsync rules plan shows them).\n", len(res.By), len(res.Conflicts))
	return 0
}
