package sdloen

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// DefaultURL is SD's web service.
const DefaultURL = "https://service.sd.dk/sdws/"

// The job functions an engagement can take from SD's Profession.
const (
	// JobFromName takes the title, EmploymentName ("Pædagog").
	JobFromName = "EmploymentName"
	// JobFromPosition takes the number in SD's catalogue of positions,
	// JobPositionIdentifier ("1040").
	JobFromPosition = "JobPositionIdentifier"
)

// Config is the connector's configuration. It is read from YAML or JSON
// with the tags below; the password is never written in it, but read
// from PasswordFile or from the environment variable PasswordEnv names.
type Config struct {
	// URL is the web service's base; default DefaultURL. It must be
	// https, but for a test server (http on a loopback address).
	URL string `json:"url" yaml:"url"`
	// Institution is SD's InstitutionIdentifier of the municipality
	// ("XY"). Required.
	Institution string `json:"institution" yaml:"institution"`
	// User is the web service user (SD's start with "SY"). Required.
	User string `json:"user" yaml:"user"`
	// PasswordFile names a file whose first line is the password.
	PasswordFile string `json:"password_file" yaml:"password_file"`
	// PasswordEnv names an environment variable holding the password,
	// where there is no PasswordFile.
	PasswordEnv string `json:"password_env" yaml:"password_env"`
	// Password is the password, for a caller that has it already; it
	// wins over PasswordFile and PasswordEnv.
	Password connectors.Secret `json:"-" yaml:"-"`
	// CAFile is a PEM file of the certificate authorities trusted for
	// the server's certificate; empty for the system's.
	CAFile string `json:"ca_file" yaml:"ca_file"`
	// RootCAs, if set, are trusted instead of CAFile's.
	RootCAs *x509.CertPool `json:"-" yaml:"-"`
	// Timeout bounds one request, as time.ParseDuration reads it
	// ("2m"); default 5 minutes (a big institution's GetEmployment is
	// tens of megabytes).
	Timeout string `json:"timeout" yaml:"timeout"`
	// HistoryFrom is the first day (YYYY-MM-DD) of the history asked
	// for units; default 1970-01-01.
	HistoryFrom string `json:"history_from" yaml:"history_from"`
	// JobFunction says which of Profession's fields is an engagement's
	// job function: JobFromName (the default) or JobFromPosition.
	JobFunction string `json:"job_function" yaml:"job_function"`
	// MonthlyHourlyDivide, if not 0, types engagements as OS2mo's SD
	// importer does: an EmploymentIdentifier that is a number below it
	// is "Månedsløn", one at or above it "Timeløn", any other
	// "Ulønnet". 0 leaves the type empty.
	MonthlyHourlyDivide int `json:"monthly_hourly_divide" yaml:"monthly_hourly_divide"`
	// TimeZone is the zone of SD's times and of "today"; default
	// Europe/Copenhagen.
	TimeZone string `json:"time_zone" yaml:"time_zone"`

	// Logger receives the connector's log lines; default
	// slog.Default(). No line holds a CPR number in full.
	Logger *slog.Logger `json:"-" yaml:"-"`
	// Now is the clock; default time.Now. Tests set it.
	Now func() time.Time `json:"-" yaml:"-"`
	// Getenv reads PasswordEnv; default os.Getenv.
	Getenv func(string) string `json:"-" yaml:"-"`
}

// settings are a validated Config, ready to use.
type settings struct {
	base        *url.URL
	institution string
	user        string
	password    connectors.Secret
	tls         *tls.Config
	timeout     time.Duration
	historyFrom timeline.Date
	jobFromPos  bool
	divide      int
	zone        timeline.Zone
	log         *slog.Logger
	now         func() time.Time
}

// Validate checks the whole configuration and reports every problem
// at once, as a Configuration error. It reads the password and CA files.
func (c Config) Validate() error {
	_, err := c.settings()
	return err
}

func (c Config) settings() (*settings, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	s := &settings{institution: c.Institution, user: c.User, log: c.Logger, now: c.Now}

	raw := c.URL
	if raw == "" {
		raw = DefaultURL
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		bad("url: %v", err)
	case u.Host == "":
		bad("url %q has no host", raw)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		bad("url %q: SD is read over https (http only for a test server on a loopback address)", raw)
	case u.Scheme != "https" && u.Scheme != "http":
		bad("url %q: the scheme must be https", raw)
	default:
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		s.base = u
	}
	if strings.TrimSpace(c.Institution) == "" {
		bad("institution is empty: give SD's InstitutionIdentifier")
	}
	if strings.TrimSpace(c.User) == "" {
		bad("user is empty")
	}
	if pw, err := c.password(); err != nil {
		errs = append(errs, err)
	} else {
		s.password = pw
	}
	if t, err := c.tlsConfig(); err != nil {
		errs = append(errs, err)
	} else {
		s.tls = t
	}
	s.timeout = 5 * time.Minute
	if c.Timeout != "" {
		d, err := time.ParseDuration(c.Timeout)
		if err != nil || d <= 0 {
			bad("timeout %q is not a positive duration (\"2m\")", c.Timeout)
		}
		s.timeout = d
	}
	s.historyFrom = timeline.MustDate(1970, 1, 1)
	if c.HistoryFrom != "" {
		d, err := timeline.ParseDate(c.HistoryFrom)
		if err != nil {
			bad("history_from: %v", err)
		}
		s.historyFrom = d
	}
	switch c.JobFunction {
	case "", JobFromName:
	case JobFromPosition:
		s.jobFromPos = true
	default:
		bad("job_function %q: want %s or %s", c.JobFunction, JobFromName, JobFromPosition)
	}
	if c.MonthlyHourlyDivide < 0 {
		bad("monthly_hourly_divide %d is negative", c.MonthlyHourlyDivide)
	}
	s.divide = c.MonthlyHourlyDivide
	z, err := timeline.LoadZone(c.TimeZone)
	if err != nil {
		bad("time_zone: %v", err)
	}
	s.zone = z
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if len(errs) > 0 {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: "config", Err: errors.Join(errs...)}
	}
	return s, nil
}

// password returns the password: Password, else PasswordFile's first
// line, else the variable PasswordEnv names.
func (c Config) password() (connectors.Secret, error) {
	switch {
	case c.Password != "":
		return c.Password, nil
	case c.PasswordFile != "":
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("password_file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		line = strings.TrimRight(line, "\r")
		if line == "" {
			return "", fmt.Errorf("password_file %s is empty", c.PasswordFile)
		}
		return connectors.Secret(line), nil
	case c.PasswordEnv != "":
		getenv := c.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		if pw := getenv(c.PasswordEnv); pw != "" {
			return connectors.Secret(pw), nil
		}
		return "", fmt.Errorf("password_env: %s is not set", c.PasswordEnv)
	}
	return "", errors.New("no password: name a password_file or a password_env (a password is never written in the configuration)")
}

// tlsConfig returns the TLS settings: RootCAs, else CAFile's, else the
// system's.
func (c Config) tlsConfig() (*tls.Config, error) {
	pool := c.RootCAs
	if pool == nil && c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", c.CAFile)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
