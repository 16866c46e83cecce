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

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const usage = `usage: go run ./examples/quickstart [flags]

Builds a synthetic municipality in the org model, reconciles it into a
directory with the adsync engine, reads the directory's changes back, and
lives through a day of changes (a hire, a move, a leaver) in near real time.
The directory is the in-memory twin unless --ldap-url names a domain
controller; then everything happens below --base, which must exist (use an
empty OU). The bind password is read from --password-file or
ORGSYNC_AD_PASSWORD, never from a flag's value.

With --db FILE the org model, the account links, the change-feed token
and the worker's position are kept in a SQLite file (or, given a
postgres:// URL, in PostgreSQL), and so is the in-memory twin: a second
run on the same file picks up where the first stopped (its first
reconcile plans nothing) and lives through the next day.

flags:
`

// options are the quickstart's settings.
type options struct {
	persons int
	seed    uint64
	today   timeline.Date
	// ad is the Active Directory to use; nil for the in-memory twin.
	ad *ad.Config
	// base is the OU the engine manages (with ad; the twin has its own).
	base string
	// db is the state database (--db), "" to keep everything in memory;
	// dbKeyFile holds its key.
	db, dbKeyFile string
	// todaySet says --today was given (a later run on --db otherwise
	// goes on from the day the last one lived).
	todaySet bool
}

func main() {
	fs := flag.NewFlagSet("quickstart", flag.ExitOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	persons := fs.Int("persons", 1000, "the synthetic municipality's `number` of persons")
	seed := fs.Uint64("seed", 1, "the synthetic municipality's `seed`")
	today := fs.String("today", "2026-12-01", "the `day` the run happens on (the engine's clock is set to it)")
	url := fs.String("ldap-url", "", "a domain controller's `URL` (ldaps://dc1.example.org); empty: the in-memory twin")
	caFile := fs.String("ca-file", "", "with --ldap-url: a PEM `FILE` of trusted CAs (default the system's)")
	bind := fs.String("bind", "", "with --ldap-url: the `account` to bind as (DN, UPN or DOMAIN\\name)")
	passwordFile := fs.String("password-file", "", "with --ldap-url: a `FILE` holding the bind password (default ORGSYNC_AD_PASSWORD)")
	base := fs.String("base", "", "with --ldap-url: the `DN` of the OU to work in")
	db := fs.String("db", "", "keep the state between runs in this SQLite `FILE` (or a postgres:// URL); default: all in memory")
	dbKeyFile := fs.String("db-key-file", "", "with --db: a `FILE` holding the database's key (default $ORGSYNC_DB_KEY, else the database's path + .key, made on the first run)")
	fs.Parse(os.Args[1:])

	opts, err := parseOptions(*persons, *seed, *today, *url, *caFile, *bind, *passwordFile, *base)
	if err == nil && *dbKeyFile != "" && *db == "" {
		err = errors.New("--db-key-file goes with --db")
	}
	opts.db, opts.dbKeyFile = *db, *dbKeyFile
	fs.Visit(func(f *flag.Flag) { opts.todaySet = opts.todaySet || f.Name == "today" })
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := start(ctx, opts, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// parseOptions checks the flags.
func parseOptions(persons int, seed uint64, today, url, caFile, bind, passwordFile, base string) (options, error) {
	o := options{persons: persons, seed: seed}
	var err error
	if o.today, err = timeline.ParseDate(today); err != nil {
		return o, fmt.Errorf("--today: %w", err)
	}
	if persons < 10 || persons > 100_000 {
		return o, errors.New("--persons must be from 10 to 100000")
	}
	if url == "" {
		for name, v := range map[string]string{"ca-file": caFile, "bind": bind, "password-file": passwordFile, "base": base} {
			if v != "" {
				return o, fmt.Errorf("--%s goes with --ldap-url", name)
			}
		}
		return o, nil
	}
	cfg := ad.Config{URL: url, CAFile: caFile, BindDN: bind}
	pw := os.Getenv("ORGSYNC_AD_PASSWORD")
	if passwordFile != "" {
		b, err := os.ReadFile(passwordFile)
		if err != nil {
			return o, fmt.Errorf("--password-file: %w", err)
		}
		pw = strings.TrimRight(string(b), "\r\n")
	}
	cfg.BindPassword = connectors.Secret(pw)
	switch {
	case bind == "":
		return o, errors.New("--ldap-url needs --bind, the account to bind as")
	case pw == "":
		return o, errors.New("no bind password: give --password-file FILE or set ORGSYNC_AD_PASSWORD")
	case base == "":
		return o, errors.New("--ldap-url needs --base, the DN of an OU to work in")
	}
	if _, err := connectors.ParseDN(base); err != nil {
		return o, fmt.Errorf("--base: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return o, err
	}
	o.ad, o.base = &cfg, base
	return o, nil
}

// twinRoot and twinBase are the in-memory twin's naming context and the
// OU the engine manages in it.
const (
	twinRoot = "DC=example,DC=org"
	twinBase = "OU=Kommune," + twinRoot
)

// start opens the state (with --db) and the directory the options name,
// and runs the job in them.
func start(ctx context.Context, o options, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	directory := "the in-memory twin (connectors/inmem), below " + twinBase
	if o.ad != nil {
		directory = "Active Directory at " + o.ad.URL + ", below " + o.base
	}
	var st *state
	if o.db != "" {
		var err error
		if st, err = openState(ctx, o, w); err != nil {
			return err
		}
		defer st.close()
		if r := st.last; r != nil {
			switch {
			case r.directory != directory:
				return fmt.Errorf("--db %s holds the state of runs against %s, not %s", o.db, r.directory, directory)
			case o.todaySet && o.today < r.day:
				return fmt.Errorf("--today %s: --db %s has lived through %s already, and the org model's clock does not go back", o.today, o.db, r.day)
			case !o.todaySet:
				o.today = r.day
			}
		}
	}
	var dir connectors.Directory
	var twin *inmem.Directory
	if o.ad == nil {
		var err error
		if st != nil && st.last != nil {
			twin, err = st.twin(ctx)
		} else {
			twin, err = newTwin(ctx)
		}
		if err != nil {
			return err
		}
		if twin == nil {
			return fmt.Errorf("--db %s has no saved twin to go on with", o.db)
		}
		dir, o.base = twin, twinBase
	} else {
		d, err := ad.Open(ctx, *o.ad)
		if err != nil {
			return fmt.Errorf("opening the directory at %s: %w", o.ad.URL, err)
		}
		if _, err := d.ReadDN(ctx, o.base, []string{"ou"}); err != nil {
			d.Close()
			return fmt.Errorf("--base %s: %w", o.base, err)
		}
		dir = d
	}
	defer dir.Close()
	j, err := newJob(ctx, o, dir, w, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "directory   %s\n", directory)
	switch {
	case st == nil:
		fmt.Fprintf(w, "state       in memory: nothing is kept after the run (--db FILE keeps it)\n\n")
	case st.last == nil:
		fmt.Fprintf(w, "state       %s: run 1, a new database\n\n", st.db)
	default:
		fmt.Fprintf(w, "state       %s: run %d, going on from run %d (%d registrations in the org model, the last day lived %s)\n\n",
			st.db, st.last.n+1, st.last.n, len(j.model.Registrations(1)), st.last.day)
	}
	if err := j.run(ctx); err != nil {
		return err
	}
	if st == nil {
		return nil
	}
	n := 1
	if st.last != nil {
		n = st.last.n + 1
	}
	r := run{n: n, persons: o.persons, seed: o.seed, day: j.model.Zone().Date(j.now()), clock: j.now(), directory: directory}
	if err := st.save(ctx, r, twin); err != nil {
		return fmt.Errorf("saving the run in %s: %w", st.db, err)
	}
	fmt.Fprintf(w, "\nstate       saved in %s: run %d lived through %s; run again to go on from there\n", st.db, n, r.day)
	return nil
}

// newTwin returns an in-memory directory with the OU the engine manages.
func newTwin(ctx context.Context) (*inmem.Directory, error) {
	twin, err := inmem.New(inmem.Options{BaseDN: twinRoot})
	if err != nil {
		return nil, err
	}
	_, err = twin.Create(ctx, connectors.CreateRequest{DN: twinBase, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	return twin, err
}
