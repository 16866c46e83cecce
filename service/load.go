package service

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/yamlpos"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ConfigError is one problem in a configuration, with where it is.
type ConfigError struct {
	// File is the configuration file ("" for a Config built in code).
	File string
	// Line is the line of the key at fault (0 if unknown).
	Line int
	// Key is the key's path ("sources.1.every").
	Key string
	// Err is the problem.
	Err error
}

// Error says FILE:LINE: KEY: PROBLEM.
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *ConfigError) Unwrap() error { return e.Err }

// ErrConfig is what every configuration problem matches with errors.Is.
var ErrConfig = errors.New("service: bad configuration")

// Is makes every ConfigError match ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// Load reads a configuration file, YAML or JSON, strictly (an unknown key
// is an error), makes its relative paths relative to the file's folder,
// and checks it ([Config.Check]). Every problem is a *ConfigError with the
// file and line; they are joined. No secret is read yet: that is New's.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Err: err}
	}
	return Parse(path, data)
}

// Parse is Load of data read from the file name.
func Parse(name string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if root.Kind == 0 {
		return nil, &ConfigError{File: name, Err: errors.New("the file is empty")}
	}
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, err)
	}
	c.file, c.root = name, &root
	c.Resolve(filepath.Dir(name))
	if err := c.Check(); err != nil {
		return nil, err
	}
	return c, nil
}

// yamlLine finds "line N: problem" in a YAML error.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a YAML error (one or several problems) into
// ConfigErrors with lines.
func yamlError(name string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		ce := &ConfigError{File: name, Err: errors.New(strings.TrimPrefix(m, "yaml: "))}
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			ce.Line, _ = strconv.Atoi(g[1])
			ce.Err = errors.New(g[2])
		}
		errs = append(errs, ce)
	}
	return errors.Join(errs...)
}

// Resolve makes the configuration's relative paths relative to dir. Load
// calls it; a host building a Config in code may.
func (c *Config) Resolve(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if u := c.Store.URL; u != "" && !strings.Contains(u, "://") {
		path := strings.TrimPrefix(u, "sqlite:")
		abs(&path)
		c.Store.URL = "sqlite:" + path
	}
	c.Store.Key.resolve(dir)
	abs(&c.Directory.CAFile)
	c.Directory.Password.resolve(dir)
	abs(&c.Model.File)
	abs(&c.Rules)
	if c.Mail != nil {
		abs(&c.Mail.SMTP.CAFile)
		c.Mail.SMTP.Password.resolve(dir)
		abs(&c.Mail.Notify.Templates)
	}
	if c.Boarding != nil {
		abs(&c.Boarding.Catalogue)
		c.Boarding.LinkKey.resolve(dir)
	}
	if c.Auth != nil {
		for i := range c.Auth.SessionKeys {
			c.Auth.SessionKeys[i].resolve(dir)
		}
		if o := c.Auth.OIDC; o != nil {
			o.ClientSecret.resolve(dir)
			abs(&o.CAFile)
		}
	}
	abs(&c.HTTP.CertFile)
	abs(&c.HTTP.KeyFile)
	if c.dir == "" {
		c.dir = dir
	}
}

// Check checks everything that can be checked without the secrets and
// the network: every problem is a *ConfigError, joined.
func (c *Config) Check() error {
	var errs []error
	bad := func(key string, err error) {
		errs = append(errs, &ConfigError{File: c.file, Line: yamlpos.Line(c.root, key), Key: key, Err: err})
	}
	if _, err := timeline.LoadZone(c.zoneName()); err != nil {
		bad("zone", err)
	}
	d := c.Directory
	switch {
	case d.Twin && d.URL != "":
		bad("directory", errors.New("twin and url: give one"))
	case !d.Twin && d.URL == "":
		bad("directory.url", errors.New("no directory: give url (ldaps://dc1.kommune.dk) and bind_dn, or twin: true to try the service on the in-memory twin"))
	case !d.Twin && d.BindDN == "":
		bad("directory.bind_dn", errors.New("no account to bind as"))
	case d.BindPassword != "":
		bad("directory.bind_password", errInlineSecret)
	}
	if c.Sync.Base == "" {
		bad("sync.base", errors.New("the OU the accounts are managed in is missing"))
	} else if err := c.Sync.Validate(); err != nil {
		bad("sync", err)
	}
	if err := c.Username.Validate(); err != nil {
		bad("username", err)
	}
	if c.Model.Synthetic != nil && (c.Model.Synthetic.Persons < 10 || c.Model.Synthetic.Persons > 100_000) {
		bad("model.synthetic.persons", errors.New("from 10 to 100000"))
	}
	if c.Model.File != "" && c.Model.Synthetic != nil {
		bad("model", errors.New("file and synthetic: give one"))
	}
	if ch := c.Chapel; ch != nil {
		if p := c.chapelPolicy(); p.Validate() != nil {
			err := p.Validate()
			bad("chapel.policy", err)
		}
		if ch.MaxActions < 0 {
			bad("chapel.max_actions", errors.New("must not be negative"))
		}
		if ch.MaxShare < 0 || ch.MaxShare > 1 {
			bad("chapel.max_share", errors.New("a share from 0 to 1"))
		}
	}
	for key, d := range map[string]time.Duration{"schedule.reconcile": c.Schedule.Reconcile, "schedule.read_back": c.Schedule.ReadBack, "schedule.boarding": c.Schedule.Boarding} {
		if d < 0 || (d > 0 && d < time.Second) {
			bad(key, fmt.Errorf("%v: at least a second (or leave it out for the default)", d))
		}
	}
	if c.Rules != "" {
		if _, err := loadRules(c.Rules); err != nil {
			bad("rules", err)
		}
	}
	c.checkSources(bad)
	if m := c.Mail; m != nil {
		if m.SMTP.Host == "" {
			bad("mail.smtp.host", errors.New("the mail server is missing"))
		}
		if _, err := notify.Compile(m.Notify); err != nil {
			bad("mail.notify", err)
		}
	}
	if len(c.Reports) > 0 && c.Mail == nil {
		bad("reports", errors.New("reports are mailed: they need the mail section"))
	}
	if b := c.Boarding; b != nil {
		if b.Catalogue == "" {
			bad("boarding.catalogue", errors.New("the catalogue file is missing"))
		} else if _, err := catalogue.Load(b.Catalogue); err != nil {
			bad("boarding.catalogue", err)
		}
		if b.From.Addr == "" {
			bad("boarding.from", errors.New("the task mails' sender is missing"))
		}
		if c.Mail == nil {
			bad("boarding", errors.New("boarding mails tasks and notices: it needs the mail section"))
		}
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			bad("http.listen", err)
		}
	}
	if a := c.Auth; a != nil {
		switch {
		case a.Demo && !c.Directory.Twin:
			bad("auth.demo", errors.New("only with the in-memory twin (directory.twin): it lets everyone in as an administrator"))
		case !a.Demo && len(a.SessionKeys) == 0:
			bad("auth.session_keys", errors.New("at least one key (a secret of 32 bytes in base64) seals the sessions"))
		case !a.Demo && a.NoPasswords && a.OIDC == nil:
			bad("auth", errors.New("no_passwords without oidc: nobody could log in"))
		case !a.Demo && !a.NoPasswords && c.Directory.Twin:
			bad("auth", errors.New("the twin has no passwords to log in with: use oidc with no_passwords, or demo"))
		}
		if o := a.OIDC; o != nil {
			if o.Issuer == "" || o.ClientID == "" {
				bad("auth.oidc", errors.New("issuer and client_id are needed"))
			}
			if o.RedirectURL == "" && c.HTTP.PublicURL == "" {
				bad("auth.oidc.redirect_url", errors.New("give redirect_url, or http.public_url to derive it from"))
			}
		}
	}
	if (c.HTTP.CertFile == "") != (c.HTTP.KeyFile == "") {
		bad("http", errors.New("cert_file and key_file go together"))
	}
	if p := c.HTTP.PublicURL; p != "" {
		if u, err := url.Parse(p); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("http.public_url", fmt.Errorf("%q: an absolute http(s) URL", p))
		}
	}
	return errors.Join(errs...)
}

// checkSources checks the sources' names, kinds and schedules.
func (c *Config) checkSources(bad func(string, error)) {
	names := map[string]bool{}
	for i, s := range c.Sources {
		key := "sources." + strconv.Itoa(i)
		kind, known := sourceKinds[s.Kind]
		switch {
		case s.Name == "":
			bad(key+".name", errors.New("every source needs a name, the org model's name for it"))
		case names[s.Name]:
			bad(key+".name", fmt.Errorf("%q is another source's name too", s.Name))
		}
		names[s.Name] = true
		if !known {
			bad(key+".kind", fmt.Errorf("%q: use one of %s", s.Kind, strings.Join(sourceKindNames(), ", ")))
			continue
		}
		if s.Every != 0 && s.Every < time.Minute {
			bad(key+".every", fmt.Errorf("%v: at least a minute", s.Every))
		}
		if s.Connector.Kind == 0 {
			bad(key+".connector", errors.New("the connector's configuration is missing"))
		}
		if !kind.payroll && s.Identity == nil {
			bad(key+".identity", errors.New("an identity source needs its intake (temporary_categories, units_from)"))
		}
	}
}

func (c *Config) zoneName() string {
	if c.Zone == "" {
		return timeline.DefaultZoneName
	}
	return c.Zone
}

// chapelPolicy is the chapel's policy, its OU sync.chapel_ou unless the
// policy names one.
func (c *Config) chapelPolicy() chapel.Policy {
	p := c.Chapel.Policy
	if p.ChapelOU == "" {
		p.ChapelOU = c.Sync.ChapelOU
	}
	return p
}
