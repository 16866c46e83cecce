package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/examples/internal/adconfig"
	"github.com/orgsync/orgsync/username"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const usage = `usage: pluginhost --payroll-plugin PATH --payroll-dir DIR --ad-plugin PATH --ad-config FILE --base DN [flags]

Loads a payroll plugin and a directory plugin (examples/plugins/payrollfile and
examples/plugins/ad, or any plugins serving those contracts), imports the
payroll's latest delivery into an in-memory org model, and reconciles it into
Active Directory below --base (an OU that must exist) with the adsync engine,
the username generator and the chapel. It prints what the run did, and whether
a second run would do anything (it must not). With --plan it is a dry run: it
prints the plan and its fingerprint and changes nothing; with --fingerprint
it applies only that reviewed plan, as orgsync apply does.

The plugins get only the environment the host gives them: ORGSYNC_PAYROLL_DIR
(--payroll-dir), ORGSYNC_AD_CONFIG (--ad-config) and ORGSYNC_AD_PASSWORD,
which the host takes from its own environment (never from a flag).

The exit status is 0 on success, 1 when the run failed or left something
undone, and 2 for a usage error.

flags:
`

// The plugins' environment. passwordEnv is also where the host takes the
// password from.
const (
	payrollDirEnv = "ORGSYNC_PAYROLL_DIR" // the payroll plugin's folder
	adConfigEnv   = "ORGSYNC_AD_CONFIG"   // the AD plugin's configuration file
	passwordEnv   = adconfig.PasswordEnv  // the AD plugin's bind password (ORGSYNC_AD_PASSWORD, as every command's)
)

// config is one run's settings.
type config struct {
	payrollPlugin, adPlugin string
	payrollDir              string // absolute
	adConfig                string // absolute
	bindPassword            connectors.Secret
	base                    string // the OU the engine manages
	upnDomain               string // empty: no userPrincipalName
	today                   timeline.Date
	// now is the engine's clock; zero means noon of today.
	now               time.Time
	payrollSum, adSum []byte // the binaries' SHA-256, if given
	logger            *slog.Logger
	// planOnly prints the plan and its fingerprint and changes nothing;
	// fingerprint applies only the plan with that fingerprint.
	planOnly    bool
	fingerprint string
	// sync and names are the engine's and the username rules'
	// configuration: --sync-config's, or the built-in ones.
	sync  adsync.Config
	names username.Config
}

func main() {
	cfg, err := parseArgs(os.Args[1:], os.Stderr, os.Getenv, time.Now())
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pluginhost:", err)
		os.Exit(2)
	}
	cfg.logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pluginhost:", err)
		os.Exit(1)
	}
}

// parseArgs parses the flags (usage to stderr), takes the password from
// getenv, and checks everything. Without --today the day is now's in
// Europe/Copenhagen and the clock is now.
func parseArgs(args []string, stderr io.Writer, getenv func(string) string, now time.Time) (config, error) {
	fs := flag.NewFlagSet("pluginhost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	var (
		c          config
		today      = fs.String("today", "", "the `day` to run as, YYYY-MM-DD; the clock is set to its noon (default: now, in Europe/Copenhagen)")
		payrollSum = fs.String("payroll-sha256", "", "the payroll plugin binary's SHA-256, `hex`; the host refuses a binary that differs")
		adSum      = fs.String("ad-sha256", "", "the AD plugin binary's SHA-256, `hex`; the host refuses a binary that differs")
	)
	fs.StringVar(&c.payrollPlugin, "payroll-plugin", "", "the payroll plugin binary (`PATH`)")
	fs.StringVar(&c.adPlugin, "ad-plugin", "", "the directory plugin binary (`PATH`)")
	fs.StringVar(&c.payrollDir, "payroll-dir", "", "the payroll plugin's `folder` of deliveries")
	fs.StringVar(&c.adConfig, "ad-config", "", "the AD plugin's configuration `FILE` (YAML or JSON; no password in it)")
	fs.StringVar(&c.base, "base", "", "the `DN` of the OU the engine manages; it must exist")
	fs.StringVar(&c.upnDomain, "upn-domain", "", "give new accounts a userPrincipalName in this `domain` (default: none)")
	syncConfig := fs.String("sync-config", "", "the sync's configuration `FILE` (the sync: and username: sections of orgsync plan's --config; default: built in, every account in --base)")
	fs.BoolVar(&c.planOnly, "plan", false, "a dry run: print what the run would do, with its fingerprint, and change nothing")
	fs.StringVar(&c.fingerprint, "fingerprint", "", "apply only the reviewed plan whose fingerprint is `HEX` (from --plan); without it and --plan the host plans and applies at once")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	if c.planOnly && c.fingerprint != "" {
		return c, fmt.Errorf("--plan or --fingerprint: review with --plan, then apply with --fingerprint")
	}
	for _, f := range []struct{ name, v string }{
		{"payroll-plugin", c.payrollPlugin}, {"payroll-dir", c.payrollDir}, {"ad-plugin", c.adPlugin},
		{"ad-config", c.adConfig}, {"base", c.base},
	} {
		if f.v == "" {
			return c, fmt.Errorf("--%s is required (see -h)", f.name)
		}
	}
	var err error
	for _, p := range []*string{&c.payrollDir, &c.adConfig} {
		if *p, err = filepath.Abs(*p); err != nil {
			return c, err
		}
	}
	if _, err := connectors.ParseDN(c.base); err != nil {
		return c, fmt.Errorf("--base: %w", err)
	}
	c.sync, c.names = builtinSync(c.base, c.upnDomain)
	if *syncConfig != "" {
		if c.sync, c.names, err = readSyncConfig(*syncConfig); err != nil {
			return c, fmt.Errorf("--sync-config: %w", err)
		}
		if !connectors.EqualDN(c.sync.Base, c.base) {
			return c, fmt.Errorf("--base %s is not the sync configuration's base %s", c.base, c.sync.Base)
		}
	}
	if c.payrollSum, err = checksum("payroll-sha256", *payrollSum); err != nil {
		return c, err
	}
	if c.adSum, err = checksum("ad-sha256", *adSum); err != nil {
		return c, err
	}
	if *today == "" {
		c.now = now
		c.today = timeline.DefaultZone().Date(now)
	} else if c.today, err = timeline.ParseDate(*today); err != nil {
		return c, fmt.Errorf("--today: %w", err)
	}
	if c.bindPassword = connectors.Secret(getenv(passwordEnv)); c.bindPassword == "" {
		c.bindPassword = connectors.Secret(getenv(adconfig.OldPasswordEnv)) // the name it had
	}
	if c.bindPassword == "" {
		return c, fmt.Errorf("set %s to the AD bind account's password (the host passes it to the AD plugin)", passwordEnv)
	}
	return c, nil
}

// checksum decodes a --*-sha256 flag: empty, or 64 hex digits.
func checksum(name, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("--%s: want the 64 hex digits of a SHA-256 (sha256sum's output)", name)
	}
	return b, nil
}
