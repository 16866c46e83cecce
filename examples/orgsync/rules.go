package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// rulesDefaultConfig is the sample configuration, which is also the one
// used without --config.
//
//go:embed testdata/rules/rules.yaml
var rulesDefaultConfig []byte

// rulesDemoDay is the synthetic municipality's reference day, and the
// default first day the rules decide.
var rulesDemoDay = timeline.MustParseDate("2026-12-01")

const rulesUsage = `usage: orgsync rules plan|apply [flags]

Runs the org rules (package orgmodel/rules: manager placement from _leder
units, manager validity, engagement elevation, payroll → administrative
coupling, primary engagement) over an org model and shows what they would
change and what they could not decide, from --from (default: today). apply
applies it to the model and runs the rules again to show that nothing is
left to do. The model is the one in the state database (--db; apply
writes to it), one read from a model file (--model; read only: the rules'
decisions tie one source's objects to another's, which a file of
snapshots loaded in turn cannot hold), or the synthetic municipality
built around the day, which lives in memory for the run.
apply from a day other than today needs --at-another-day.

flags:
`

// runRules is the rules command.
func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "plan" && args[0] != "apply") {
		fmt.Fprint(stderr, rulesUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("orgsync rules "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), rulesUsage); fs.PrintDefaults() }
	var (
		configFile = fs.String("config", "", "the rules' configuration, a YAML `FILE` (default: testdata/rules/rules.yaml)")
		modelFile  = fs.String("model", "", "read the org model from this model `FILE` instead of generating the synthetic municipality")
		size       = fs.String("size", "small", "the synthetic municipality's `size`: small or municipal")
		from       = fs.String("from", "", "the first `day` the rules decide, YYYY-MM-DD (default: today)")
		dbURL      = fs.String("db", "", "the org model in the state database: sqlite:FILE or a postgres:// `URL`; apply writes to it")
		dbKeyFile  = fs.String("db-key-file", "", "the state database's key `FILE` (default: $ORGSYNC_DB_KEY)")
		otherDay   = fs.Bool("at-another-day", false, "apply with --from other than today: the rules decide from that day, for real")
		asJSON     = fs.Bool("json", false, "print the result as JSON")
		limit      = fs.Int("limit", 50, "list at most this many changed objects (0: all)")
	)
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync rules %s: "+format+"\n", append([]any{sub}, a...)...)
		return 2
	}
	if len(pos) > 0 {
		return fail("unexpected argument %q (see -h)", clip(pos[0]))
	}
	name, data := "testdata/rules/rules.yaml (the default)", rulesDefaultConfig
	if *configFile != "" {
		if data, err = os.ReadFile(*configFile); err != nil {
			return fail("config: %v", err)
		}
		name = *configFile
	}
	cfg, err := loadRulesConfig(name, data)
	if err != nil {
		return fail("config %s:\n  %s", name, indent(err.Error()))
	}
	set, err := rules.New(cfg)
	if err != nil {
		return fail("config %s:\n  %s", name, indent(rulesConfigErrors(name, data, err).Error()))
	}
	today := orgmodel.New(orgmodel.Options{}).Zone().Date(time.Now())
	day := today
	if *from != "" {
		if day, err = timeline.ParseDate(*from); err != nil {
			return fail("--from: %v", err)
		}
	}
	switch {
	case *modelFile != "" && *dbURL != "":
		return fail("--model and --db: the org model comes from one of them")
	case sub == "apply" && day != today && !*otherDay && (*modelFile != "" || *dbURL != ""):
		return fail("--from %s is not today (%s): the rules would decide from that day, for real. Add --at-another-day if that is what you mean", day, today)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var m *orgmodel.Model
	if *dbURL != "" {
		db, err := openStateDB(ctx, *dbURL, *dbKeyFile)
		if err != nil {
			return fail("the state database: %v", err)
		}
		defer db.Close()
		if m, err = orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()}); err != nil {
			fmt.Fprintf(stderr, "orgsync rules %s: the org model in the state database: %v\n", sub, err)
			return 1
		}
	} else if m, err = rulesModel(ctx, *modelFile, *size, day); err != nil {
		return fail("%v", err)
	}
	status := rulesRun(ctx, sub, set, m, day, *asJSON, *limit, name, data, stdout, stderr)
	if sub != "apply" || status > 1 {
		return status
	}
	switch {
	case *asJSON || *dbURL != "":
	case *modelFile != "":
		// A model file holds each source's objects, loaded in turn; the
		// rules' decisions tie one source's objects to another's (an
		// engagement placed in an administrative unit), which no order
		// of loading can hold. The state database keeps them.
		fmt.Fprintf(stdout, "%s is not changed: the rules' decisions are kept in a state database (import it, then rules apply --db).\n", *modelFile)
	default:
		fmt.Fprintln(stdout, "the synthetic municipality lives in memory for the run: nothing is kept (use --db).")
	}
	return status
}

// rulesRun plans, prints and, for apply, applies and plans again.
func rulesRun(ctx context.Context, sub string, set *rules.Set, m *orgmodel.Model, day timeline.Date, asJSON bool, limit int, name string, data []byte, stdout, stderr io.Writer) int {
	v := m.Latest()
	res, err := set.Plan(v, timeline.Since(day))
	if err != nil {
		fmt.Fprintf(stderr, "orgsync rules %s: config %s:\n  %s\n", sub, name, indent(rulesConfigErrors(name, data, err).Error()))
		return 2
	}
	if sub == "apply" {
		if _, err := rules.Apply(ctx, m, res, orgmodel.Registration{Time: time.Now(), Actor: "orgsync rules apply"}); err != nil {
			fmt.Fprintf(stderr, "orgsync rules apply: %v\n", err)
			return 1
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "orgsync rules %s: %v\n", sub, err)
			return 1
		}
	} else if err := res.WriteText(stdout, v, limit); err != nil {
		fmt.Fprintf(stderr, "orgsync rules %s: %v\n", sub, err)
		return 1
	}
	if sub != "apply" {
		return 0
	}
	again, err := set.Plan(m.Latest(), timeline.Since(day))
	if err != nil {
		fmt.Fprintf(stderr, "orgsync rules apply: %v\n", err)
		return 1
	}
	if !again.Changes.IsEmpty() {
		fmt.Fprintf(stderr, "orgsync rules apply: a second run would still change %d object(s); this is a bug in the rules:\n%s\n", len(again.By), again.Changes)
		return 1
	}
	if !asJSON {
		fmt.Fprintf(stdout, "applied; a second run changes nothing.\n")
	}
	if len(res.Conflicts) > 0 {
		return 1
	}
	return 0
}

// rulesModel builds the org model: the synthetic municipality, or the
// snapshots of a model file.
func rulesModel(ctx context.Context, modelFile, size string, day timeline.Date) (*orgmodel.Model, error) {
	m := orgmodel.New(orgmodel.Options{})
	if modelFile != "" {
		return m, loadModelFile(ctx, m, modelFile, day)
	}
	var c synth.Config
	switch size {
	case "small":
		c = synth.Small(day)
	case "municipal":
		c = synth.Municipal(day)
	default:
		return nil, fmt.Errorf("--size: %q is not small or municipal", size)
	}
	mu, err := synth.Generate(c)
	if err != nil {
		return nil, err
	}
	return m, mu.Load(ctx, m, time.Now())
}

// loadRulesConfig decodes the configuration strictly.
func loadRulesConfig(name string, data []byte) (rules.Config, error) {
	var c rules.Config
	if err := decodeYAML(data, &c); err != nil {
		return c, yamlErrors(name, err)
	}
	return c, nil
}

// rulesConfigErrors places the rules' configuration errors at their lines.
func rulesConfigErrors(name string, data []byte, err error) error {
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root)
	var errs []error
	for _, e := range flatten(err) {
		var ce *rules.ConfigError
		if errors.As(e, &ce) {
			errs = append(errs, &configError{File: name, Line: lineOf(&root, ce.Key), Err: errors.New(ce.Key + ": " + ce.Problem)})
			continue
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// loadModelFile reads a model file (package orgmodel/modelfile) into m.
func loadModelFile(ctx context.Context, m *orgmodel.Model, path string, today timeline.Date) error {
	snaps, err := modelfile.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--model: %w", err)
	}
	if err := modelfile.Load(ctx, m, snaps, today, orgmodel.Registration{Time: time.Now(), Actor: "orgsync rules"}); err != nil {
		return fmt.Errorf("--model %s: %w", path, err)
	}
	return nil
}
