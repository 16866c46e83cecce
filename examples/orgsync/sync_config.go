package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/examples/internal/adconfig"
	"github.com/orgsync/orgsync/internal/yamlpos"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// syncConfig is the sync commands' configuration file (see
// testdata/sync/sync.yaml): where the directory is, where the org model
// comes from, the engine's configuration, the username rules and the
// chapel.
type syncConfig struct {
	// Directory is how to reach Active Directory.
	Directory adconfig.File `yaml:"directory"`
	// Zone is the organisation's time zone (default Europe/Copenhagen).
	Zone string `yaml:"zone"`
	// Model says where the org model comes from.
	Model syncModel `yaml:"model"`
	// Sync is the engine's configuration.
	Sync adsync.Config `yaml:"sync"`
	// Username is the username rules for new accounts.
	Username username.Config `yaml:"username"`
	// Chapel, if set, hands leavers to the chapel.
	Chapel *syncChapel `yaml:"chapel"`
}

// syncModel is where the org model comes from when the state database
// (--db) has none yet: a model file (package orgmodel/modelfile), or the
// synthetic municipality. Real payroll reaches the state database through
// orgsync import.
type syncModel struct {
	// File is a model file, relative to the configuration's folder.
	File      string         `yaml:"file"`
	Synthetic *syncSynthetic `yaml:"synthetic"`
}

// syncSynthetic chooses a synthetic municipality: a size (small or
// municipal) and any of its figures overridden.
type syncSynthetic struct {
	Size        string        `yaml:"size"`
	Seed        *uint64       `yaml:"seed"`
	Persons     int           `yaml:"persons"`
	Units       int           `yaml:"units"`
	Depth       int           `yaml:"depth"`
	Engagements int           `yaml:"engagements"`
	Managers    int           `yaml:"managers"`
	Today       timeline.Date `yaml:"today"`
}

// syncChapel is the chapel's policy and its mass-action breaker.
type syncChapel struct {
	Policy  chapel.Policy `yaml:"policy"`
	Breaker syncBreaker   `yaml:"breaker"`
}

// syncBreaker is chapel.Breaker in the file; unset limits take the chapel
// command's defaults.
type syncBreaker struct {
	MaxActions *int     `yaml:"max_actions"`
	MaxShare   *float64 `yaml:"max_share"`
}

// configError is one problem in a configuration file, with where it is.
type configError struct {
	// File is the configuration file.
	File string
	// Line is the line of the key at fault (0 if unknown).
	Line int
	// Key is the key's path ("sync.mapping.attributes.title").
	Key string
	// Err is the problem.
	Err error
}

// Error says file:line: key: problem.
func (e *configError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *configError) Unwrap() error { return e.Err }

// syncSetup is a checked configuration, ready to run.
type syncSetup struct {
	cfg     syncConfig
	zone    timeline.Zone
	synth   synth.Config
	ad      ad.Config // the connection; unused by the demo
	breaker chapel.Breaker
}

// yamlLine finds "line N" in a YAML error.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// loadSyncConfig reads and checks a configuration file. Every problem is
// a *configError with the file and line; they are joined. With demo, the
// directory section is not needed (the demo has its own directory).
func loadSyncConfig(name string, data []byte, demo bool, adConfigFile string) (*syncSetup, error) {
	s := &syncSetup{}
	p, err := readConfigYAML(name, data, &s.cfg)
	if err != nil {
		return nil, err
	}
	bad := p.bad
	c := &s.cfg

	if s.zone, err = timeline.LoadZone(or(c.Zone, timeline.DefaultZoneName)); err != nil {
		bad("zone", err)
	}
	if s.synth, err = c.Model.config(); err != nil {
		bad("model", err)
	}
	if c.Model.File != "" && !filepath.IsAbs(c.Model.File) {
		c.Model.File = filepath.Join(filepath.Dir(name), c.Model.File)
	}

	// The chapel OU is said once, in either place.
	if c.Chapel != nil {
		p := &c.Chapel.Policy
		switch {
		case p.ChapelOU == "":
			p.ChapelOU = c.Sync.ChapelOU
		case c.Sync.ChapelOU == "":
			c.Sync.ChapelOU = p.ChapelOU
		case !connectors.EqualDN(p.ChapelOU, c.Sync.ChapelOU):
			bad("chapel.policy.chapel_ou", fmt.Errorf("%q is not sync.chapel_ou %q: the engine and the chapel must agree on the chapel", p.ChapelOU, c.Sync.ChapelOU))
		}
		p.Zone = s.zone
		if err := p.Validate(); err != nil {
			for _, e := range flatten(err) {
				bad(policyKey(e), e)
			}
		}
		s.breaker = chapel.Breaker{MaxActions: 50, MaxShare: 0.1}
		if b := c.Chapel.Breaker; b.MaxActions != nil {
			s.breaker.MaxActions = *b.MaxActions
		}
		if b := c.Chapel.Breaker; b.MaxShare != nil {
			s.breaker.MaxShare = *b.MaxShare
		}
		if s.breaker.MaxActions < 0 || !(s.breaker.MaxShare >= 0 && s.breaker.MaxShare <= 1) {
			bad("chapel.breaker", errors.New("max_actions must be ≥ 0 and max_share from 0 to 1"))
		}
	}

	// The engine's configuration is checked without a directory.
	if err := c.Sync.Validate(); err != nil {
		for _, e := range flatten(err) {
			bad(engineKey(e))
		}
	}
	if err := c.Username.Validate(); err != nil {
		for _, e := range flatten(err) {
			bad("username", e)
		}
	}
	if !demo {
		s.checkDirectory(filepath.Dir(name), adConfigFile, bad)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// configProblems gathers a configuration file's problems, each with the
// line of its key.
type configProblems struct {
	name string
	root yaml.Node
	errs []error
}

// readConfigYAML decodes a YAML configuration file strictly into v and
// keeps its node tree, so that later problems can be given their lines.
// A file that does not decode gives its errors at once.
func readConfigYAML(name string, data []byte, v any) (*configProblems, error) {
	p := &configProblems{name: name}
	if err := yaml.Unmarshal(data, &p.root); err != nil {
		return nil, yamlErrors(name, err)
	}
	if err := decodeYAML(data, v); err != nil {
		return nil, yamlErrors(name, err)
	}
	return p, nil
}

// bad records a problem with the key at its path ("sync.base").
func (p *configProblems) bad(key string, err error) {
	p.errs = append(p.errs, &configError{File: p.name, Line: lineOf(&p.root, key), Key: key, Err: err})
}

// add records a problem that says itself where it is.
func (p *configProblems) add(err error) { p.errs = append(p.errs, err) }

// err returns the problems joined, in the file's order, or nil.
func (p *configProblems) err() error {
	line := func(e error) int {
		var ce *configError
		if errors.As(e, &ce) {
			return ce.Line
		}
		return 1 << 30 // another file's problem: after this file's
	}
	slices.SortStableFunc(p.errs, func(a, b error) int { return line(a) - line(b) })
	return errors.Join(p.errs...)
}

// checkDirectory builds the connector's configuration from the
// directory section (or the --ad-config file that replaces it), in
// adconfig's format: the password from its password_file or
// ORGSYNC_AD_PASSWORD, never the configuration itself.
func (s *syncSetup) checkDirectory(dir, adConfigFile string, bad func(key string, err error)) {
	f := s.cfg.Directory
	key := "directory"
	if adConfigFile != "" {
		var err error
		if f, err = adconfig.Read(adConfigFile); err != nil {
			bad("directory", fmt.Errorf("--ad-config: %w", err))
			return
		}
		key = "--ad-config " + adConfigFile
	} else {
		if f.BindPassword != "" {
			bad("directory.bind_password", fmt.Errorf("the password is never written in the configuration: name a password_file, or set %s", adconfig.PasswordEnv))
			return
		}
		f.Resolve(dir)
	}
	cfg, err := f.Build(adconfig.Overrides{}, os.Getenv)
	if err != nil {
		if adConfigFile == "" { // the key at fault, for its line
			switch {
			case f.URL == "":
				key = "directory.url"
			case f.BindDN == "":
				key = "directory.bind_dn"
			case strings.Contains(err.Error(), "password"):
				key = "directory.password_file"
			}
		}
		bad(key, err)
		return
	}
	s.ad = cfg
}

// config returns the synthetic municipality the section chooses.
func (m syncModel) config() (synth.Config, error) {
	switch {
	case m.File != "" && m.Synthetic != nil:
		return synth.Config{}, errors.New("model.file or model.synthetic: the org model comes from one of them")
	case m.File != "":
		return synth.Config{}, nil
	case m.Synthetic == nil:
		return synth.Config{}, errors.New("say where the org model comes from: model.file (a model file) or model.synthetic; with --db, the state database's model (filled by orgsync import) comes first")
	}
	s := m.Synthetic
	today := s.Today
	if today == 0 {
		return synth.Config{}, errors.New("synthetic.today is required: the day the municipality is generated around")
	}
	var c synth.Config
	switch s.Size {
	case "", "small":
		c = synth.Small(today)
	case "municipal":
		c = synth.Municipal(today)
	default:
		return c, fmt.Errorf("synthetic.size %q is not small or municipal", s.Size)
	}
	if s.Seed != nil {
		c.Seed = *s.Seed
	}
	for _, f := range []struct {
		to   *int
		from int
	}{{&c.Persons, s.Persons}, {&c.Units, s.Units}, {&c.Depth, s.Depth}, {&c.Engagements, s.Engagements}, {&c.Managers, s.Managers}} {
		if f.from != 0 {
			*f.to = f.from
		}
	}
	return c, c.Validate()
}

// yamlErrors turns a YAML decoding error into configErrors with lines.
func yamlErrors(name string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		ce := &configError{File: name, Err: errors.New(strings.TrimPrefix(m, "yaml: "))}
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			ce.Line, _ = strconv.Atoi(g[1])
			ce.Err = errors.New(g[2])
		}
		errs = append(errs, ce)
	}
	return errors.Join(errs...)
}

// flatten lists the errors inside joined errors.
func flatten(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, flatten(e)...)
	}
	return out
}

// engineKey says which key of the file an engine configuration error is
// about: adsync names it (adsync.ConfigError); anything else is placed at
// the sync section.
func engineKey(err error) (string, error) {
	var ce *adsync.ConfigError
	if errors.As(err, &ce) {
		return "sync." + ce.Key, ce.Err
	}
	return "sync", err
}

// policyKeys place the chapel policy's errors by the key they name.
var policyKeys = regexp.MustCompile(`^chapel: policy: (chapel_ou|stamp_attribute|protected_attribute|disable_after_days|retention|unit_retention|quarantine|protected OU)`)

func policyKey(err error) string {
	g := policyKeys.FindStringSubmatch(err.Error())
	switch {
	case g == nil:
		return "chapel.policy"
	case g[1] == "protected OU":
		return "chapel.policy.protected_ous"
	}
	return "chapel.policy." + g[1]
}

// lineOf returns the line of a dotted key in the document ("sync.groups.1"
// is the second group rule), or of the nearest key above it that is there.
func lineOf(root *yaml.Node, key string) int { return yamlpos.Line(root, key) }

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
