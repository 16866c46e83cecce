package notify

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/connectors"
)

// Rules is a checked configuration, ready to evaluate events: the rules
// by trigger, and every template parsed and tried on sample data. It is
// safe for concurrent use and never changes.
type Rules struct {
	cfg       Config
	system    string
	byTrigger map[Trigger][]*rule
	templates map[string]*mailTemplate
}

// rule is one compiled rule.
type rule struct {
	Rule
	tmpl     *mailTemplate
	types    map[string]bool
	subtrees [2]map[uuid.UUID][]string // To's and Cc's
}

// emailType is the address type of e-mail addresses in the org model.
const emailType = orgread.EmailType

// Compile checks the configuration and loads its templates. Every problem
// is a *ConfigError (a template's with its file and line), and all of
// them are reported at once, joined.
func Compile(cfg Config) (*Rules, error) {
	errRules := cfg.checkRules()
	templates, errTmpl := loadTemplates(cfg.Templates)
	if errRules != nil || errTmpl != nil {
		return nil, joinErrs(errRules, errTmpl)
	}
	rs := &Rules{cfg: cfg, system: or(cfg.System, "Active Directory"), byTrigger: map[Trigger][]*rule{}, templates: templates}
	var errs []error
	for _, r := range cfg.Rules {
		c := &rule{Rule: r}
		name := or(r.Template, string(r.Trigger))
		if c.tmpl = templates[name]; c.tmpl == nil {
			errs = append(errs, &ConfigError{Rule: r.Name, Field: "template", Err: fmt.Errorf("no template %q (have %v)", name, templateNames(templates))})
			continue
		}
		if len(r.Scope.EngagementTypes) > 0 {
			c.types = map[string]bool{}
			for _, t := range r.Scope.EngagementTypes {
				c.types[t] = true
			}
		}
		for i, rc := range []Recipients{r.To, r.Cc} {
			c.subtrees[i] = map[uuid.UUID][]string{}
			for _, st := range rc.Subtrees {
				c.subtrees[i][st.Unit] = append(c.subtrees[i][st.Unit], st.Addresses...)
			}
		}
		rs.byTrigger[r.Trigger] = append(rs.byTrigger[r.Trigger], c)
	}
	if templates[DigestTemplate] == nil {
		errs = append(errs, &ConfigError{Field: "templates", Err: fmt.Errorf("no %q template", DigestTemplate)})
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs...)
	}
	return rs, nil
}

// Fires reports whether some rule fires on the trigger.
func (rs *Rules) Fires(t Trigger) bool { return len(rs.byTrigger[t]) > 0 }

// From returns the sender of every notice.
func (rs *Rules) From() connectors.Address { return rs.cfg.From }

// window returns a rule's digest window by name, 0 for none.
func (rs *Rules) window(name string) time.Duration {
	for _, rl := range rs.byTrigger {
		for _, r := range rl {
			if r.Name == name {
				return time.Duration(r.Digest)
			}
		}
	}
	return 0
}
