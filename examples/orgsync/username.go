package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orgsync/orgsync/examples/internal/adconfig"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/username"
)

const usernameUsage = `usage: orgsync username --config FILE [--taken FILE] [--explain] [--json] NAME...
       orgsync username --sync-config SYNC.yaml [--db URL] [--taken FILE] [--explain] [--json] NAME...

Shows the username, userPrincipalName and e-mail address each name gets under
the configuration, as if the names were created one after another: a name
given to an earlier argument is taken for the later ones. Nothing is written
anywhere. With --sync-config the rules are the sync configuration's, and the
names taken are those the sync sees: the live directory's, and the past
names of accounts in the org model (with --db, the state database's), held
in quarantine as the rules say; so the preview is what the sync would give.

` + nameRule + `

The exit status is 0 when every name got its names, 1 when some did not (the
error is on that name's line, and the other names are still shown), and 2
for a usage, configuration or taken-file error.

flags:
`

// nameLine is what the username command reports for one name; with
// --json it is printed as one JSON object a line.
type nameLine struct {
	Name       string      `json:"name"`
	GivenNames string      `json:"given_names"`
	Surname    string      `json:"surname"`
	Username   string      `json:"username"`
	UPN        string      `json:"upn"`
	Mail       string      `json:"mail"`
	Rejected   []rejection `json:"rejected"`
	Error      string      `json:"error,omitempty"`
	ErrorKind  string      `json:"error_kind,omitempty"`
}

// rejection is a username.Rejection with JSON names.
type rejection struct {
	For       string `json:"for"`
	Candidate string `json:"candidate"`
	Reason    string `json:"reason"`
}

func runUsername(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgsync username", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usernameUsage); fs.PrintDefaults() }
	configFile := fs.String("config", "", "the username rules, a YAML or JSON `FILE` (or --sync-config)")
	syncConfig := fs.String("sync-config", "", "the sync configuration, a YAML `FILE`: its username rules, and the names its directory and (with --db) the org model's history already hold, so the preview is what the sync would give")
	dbURL := fs.String("db", "", "with --sync-config: the org model in the state database at `URL`, whose accounts' past names are held in quarantine as the sync holds them")
	dbKeyFile := fs.String("db-key-file", "", "with --db: a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
	adConfig := fs.String("ad-config", "", "with --sync-config: the AD connection `FILE` in place of its directory section")
	takenFile := fs.String("taken", "", "a `FILE` of names already taken, one a line")
	explain := fs.Bool("explain", false, "show the split of each name and every candidate passed over, and why")
	asJSON := fs.Bool("json", false, "print one JSON object a name")
	names, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync username: "+format+"\n", a...)
		return 2
	}
	switch {
	case *configFile == "" && *syncConfig == "":
		return fail("--config FILE (the username rules) or --sync-config FILE (the sync's) is required (see -h)")
	case *configFile != "" && *syncConfig != "":
		return fail("--config or --sync-config: the rules come from one of them")
	case *syncConfig == "" && (*dbURL != "" || *adConfig != ""):
		return fail("--db and --ad-config go with --sync-config")
	case len(names) == 0:
		return fail("no names given: each argument is one person's full name (see -h)")
	}
	var cfg username.Config
	idx := username.NewIndex()
	if *syncConfig != "" {
		var status int
		if cfg, idx, status = syncUsernames(*syncConfig, *adConfig, *dbURL, *dbKeyFile, stderr); status != 0 {
			return status
		}
	} else if err := decodeFile(*configFile, &cfg); err != nil {
		return fail("config %s: %v", *configFile, err)
	}
	if err := cfg.Validate(); err != nil {
		return fail("config %s:\n  %s", *configFile+*syncConfig, strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	if *takenFile != "" {
		if _, err := readTaken(idx, *takenFile); err != nil {
			return fail("taken names: %v", err)
		}
	}
	gen, err := username.New(cfg, []username.Taken{idx})
	if err != nil {
		return fail("config %s: %v", *configFile+*syncConfig, err)
	}
	status := 0
	for i, full := range names {
		l := generate(gen, idx, full, i+1, *explain)
		if l.Error != "" {
			status = 1
		}
		if *asJSON {
			if l.Rejected == nil {
				l.Rejected = []rejection{}
			}
			b, _ := json.Marshal(l)
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			printText(stdout, l, *explain)
		}
	}
	return status
}

// syncUsernames reads the sync configuration's username rules and the
// names taken as the sync sees them: the live directory's, and the org
// model's history of account names (the state database's with dbURL, else
// the synthetic municipality's).
func syncUsernames(config, adConfig, dbURL, dbKeyFile string, stderr io.Writer) (username.Config, *username.Index, int) {
	fail := func(code int, format string, a ...any) (username.Config, *username.Index, int) {
		fmt.Fprintf(stderr, "orgsync username: "+format+"\n", a...)
		return username.Config{}, nil, code
	}
	data, err := os.ReadFile(config)
	if err != nil {
		return fail(2, "--sync-config: %v", err)
	}
	if adConfig == "" {
		adConfig = os.Getenv(adconfig.FileEnv)
	}
	setup, err := loadSyncConfig(config, data, false, adConfig)
	if err != nil {
		return fail(2, "config %s:\n  %s", config, indent(err.Error()))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	model := orgmodel.New(orgmodel.Options{Zone: setup.zone})
	if dbURL != "" {
		db, err := openStateDB(ctx, dbURL, dbKeyFile)
		if err != nil {
			return fail(2, "the state database: %v", err)
		}
		defer db.Close()
		if model, err = orgmodel.Open(ctx, orgmodel.Options{Zone: setup.zone, Store: db.Model()}); err != nil {
			return fail(1, "the org model in the state database: %v", err)
		}
	}
	dir, err := openDirectory(ctx, setup.ad)
	if err != nil {
		return fail(1, "opening the directory at %s: %v", setup.ad.URL, err)
	}
	defer dir.Close()
	idx, err := usernameIndex(ctx, dir, "", model.Latest(), setup.zone, time.Now())
	if err != nil {
		return fail(1, "reading the names the directory holds: %v", err)
	}
	return setup.cfg.Username, idx, 0
}

// generate finds the names of argument number n and records them as taken
// in idx, so that the arguments after it cannot get them.
func generate(gen *username.Generator, idx *username.Index, full string, n int, explain bool) nameLine {
	l := nameLine{Name: strings.TrimSpace(full)}
	if err := username.CheckText(full); err != nil { // before splitting, which would take a line break for a space
		l.Error, l.ErrorKind = err.Error(), errorKind(err)
		return l
	}
	name, err := splitName(full)
	if err != nil {
		l.Error, l.ErrorKind = err.Error(), "name-format"
		return l
	}
	l.GivenNames, l.Surname = name.GivenNames, name.Surname
	res, err := gen.Generate(context.Background(), username.Request{Name: name, Explain: explain})
	var ex *username.ExhaustedError
	if errors.As(err, &ex) {
		res.Rejected = ex.Rejected
	}
	for _, r := range res.Rejected {
		l.Rejected = append(l.Rejected, rejection{For: r.For, Candidate: r.Candidate, Reason: r.Reason})
	}
	if err != nil {
		l.Error, l.ErrorKind = err.Error(), errorKind(err)
		return l
	}
	gen.Release(res.Token)
	held := username.Holding{Where: username.InList, Holder: "this run (argument " + strconv.Itoa(n) + ")"}
	for _, s := range []string{res.Username, res.UPN, res.Mail} {
		if local, _, _ := strings.Cut(s, "@"); local != "" {
			idx.Add(local, held)
		}
	}
	l.Username, l.UPN, l.Mail = res.Username, res.UPN, res.Mail
	return l
}

// errorKind names a generation error for scripts reading --json.
func errorKind(err error) string {
	for _, k := range []struct {
		err  error
		kind string
	}{
		{username.ErrNoLatinLetters, "no-latin-letters"},
		{username.ErrEmptyName, "empty-name"},
		{username.ErrNameTooLong, "name-too-long"},
		{username.ErrBadText, "bad-text"},
		{username.ErrExhausted, "exhausted"},
	} {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	return "other"
}

func printText(w io.Writer, l nameLine, explain bool) {
	name := shown(l.Name)
	if l.Error != "" {
		fmt.Fprintf(w, "%s → error: %s\n", name, l.Error)
	} else {
		fmt.Fprintf(w, "%s → %s\n", name, strings.Join(nonEmpty(l.Username, l.UPN, l.Mail), "  "))
	}
	if !explain {
		return
	}
	if l.ErrorKind != "name-format" {
		fmt.Fprintf(w, "  split: given names %s, surname %s\n", strconv.QuoteToGraphic(l.GivenNames), strconv.QuoteToGraphic(l.Surname))
	}
	for _, r := range l.Rejected {
		fmt.Fprintf(w, "  rejected %s (%s): %s\n", r.Candidate, r.For, r.Reason)
	}
}

// shown is a name as a line of output may hold it: as it is when every
// character is printable, else quoted with the others escaped, so that a
// name cannot move the terminal's cursor, colour it, turn the text
// around, or break the one-line-a-name output.
func shown(name string) string {
	for _, r := range name {
		if r == utf8.RuneError || !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) {
			return strconv.QuoteToGraphic(name)
		}
	}
	return name
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseInterleaved parses flags before, between and after the positional
// arguments, which it returns; after "--" everything is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" || len(rest) == 0 {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}
