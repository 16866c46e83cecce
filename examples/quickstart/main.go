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
	fs.Parse(os.Args[1:])

	opts, err := parseOptions(*persons, *seed, *today, *url, *caFile, *bind, *passwordFile, *base)
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

// start opens the directory the options name and runs the job in it.
func start(ctx context.Context, o options, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	var (
		dir   connectors.Directory
		where string
	)
	if o.ad == nil {
		twin, err := newTwin(ctx)
		if err != nil {
			return err
		}
		dir, o.base, where = twin, twinBase, "the in-memory twin (connectors/inmem)"
	} else {
		d, err := ad.Open(ctx, *o.ad)
		if err != nil {
			return fmt.Errorf("opening the directory at %s: %w", o.ad.URL, err)
		}
		if _, err := d.ReadDN(ctx, o.base, []string{"ou"}); err != nil {
			d.Close()
			return fmt.Errorf("--base %s: %w", o.base, err)
		}
		dir, where = d, "Active Directory at "+o.ad.URL
	}
	defer dir.Close()
	j, err := newJob(ctx, o, dir, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "directory   %s, below %s\n\n", where, o.base)
	return j.run(ctx)
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
