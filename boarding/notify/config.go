package notify

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
)

// Config is the notification rules of one organisation, as its
// configuration file holds them.
type Config struct {
	// From is the sender of every notice ("Sjølund Kommune
	// <orgsync@sjolund.dk>").
	From connectors.Address `yaml:"from" json:"from"`
	// ReplyTo, if set, is where replies go (a service desk).
	ReplyTo *connectors.Address `yaml:"reply_to" json:"reply_to,omitempty"`
	// Templates is a directory of templates that replace the shipped
	// ones by name (NAME.tmpl) or add new ones; "" for the shipped ones
	// only.
	Templates string `yaml:"templates" json:"templates,omitempty"`
	// System is the IT system whose accounts AccountCreated watches
	// (default "Active Directory").
	System string `yaml:"system" json:"system,omitempty"`
	// Rules are the rules, each with a unique name.
	Rules []Rule `yaml:"rules" json:"rules"`
}

// Rule is one notification rule: a trigger, a scope, recipients and a
// template.
type Rule struct {
	// Name names the rule in dedup keys, logs and the outbox; it must be
	// unique and stable (renaming a rule sends its notices again).
	Name string `yaml:"name" json:"name"`
	// Trigger is what the rule fires on.
	Trigger Trigger `yaml:"trigger" json:"trigger"`
	// Scope limits the rule to parts of the organisation.
	Scope Scope `yaml:"scope" json:"scope"`
	// To and Cc are who gets the notice. To must resolve to someone, or
	// the notice is skipped with the reason recorded.
	To Recipients `yaml:"to" json:"to"`
	// Cc are copied.
	Cc Recipients `yaml:"cc" json:"cc"`
	// Template is the template's name (default: the trigger's name).
	Template string `yaml:"template" json:"template,omitempty"`
	// Digest, if set, gathers the rule's notices into one mail per
	// recipient list, sent when the first notice is this old.
	Digest Duration `yaml:"digest" json:"digest,omitempty"`
}

// Scope limits a rule to units and engagement types. The zero Scope is
// the whole organisation.
type Scope struct {
	// Units are the roots of the subtrees in scope; none means all.
	Units []uuid.UUID `yaml:"units" json:"units,omitempty"`
	// Exclude are roots of subtrees left out, inside Units or not.
	Exclude []uuid.UUID `yaml:"exclude" json:"exclude,omitempty"`
	// EngagementTypes are the engagement types in scope ("Månedsløn");
	// none means all. Only for triggers about a person.
	EngagementTypes []string `yaml:"engagement_types" json:"engagement_types,omitempty"`
}

// Recipients says who gets a notice. The parts add up; an address found
// twice is sent to once.
type Recipients struct {
	// Addresses are fixed addresses: a role or shared mailbox
	// ("it-support@kommune.dk").
	Addresses []string `yaml:"addresses" json:"addresses,omitempty"`
	// Subtrees are fixed addresses per unit subtree: a notice about a
	// unit goes to the addresses of the nearest unit at or above it that
	// has some (a school's own office overrides the central one).
	Subtrees []Subtree `yaml:"subtrees" json:"subtrees,omitempty"`
	// Manager sends to the person's manager: the unit's managers,
	// inherited up the tree, vacant roles and the person's own roles
	// skipped; for a unit notice, the unit's parent's managers.
	Manager bool `yaml:"manager" json:"manager,omitempty"`
	// UnitEmail sends to the EMAIL address of the nearest unit at or
	// above the notice's unit that has one (OS2mo's
	// USE_ORG_UNIT_EMAILS).
	UnitEmail bool `yaml:"unit_email" json:"unit_email,omitempty"`
	// Person sends to the person's own e-mail addresses.
	Person bool `yaml:"person" json:"person,omitempty"`
}

// Subtree is the fixed addresses of one unit's subtree.
type Subtree struct {
	// Unit is the subtree's root.
	Unit uuid.UUID `yaml:"unit" json:"unit"`
	// Addresses are its addresses.
	Addresses []string `yaml:"addresses" json:"addresses"`
}

func (r Recipients) empty() bool {
	return len(r.Addresses) == 0 && len(r.Subtrees) == 0 && !r.Manager && !r.UnitEmail && !r.Person
}

// Duration is a time.Duration written as "3h" or "90m" in a file.
type Duration time.Duration

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like 3h or 90m: %q", clip(string(b)))
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as Go does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// ConfigError is one problem in the notification configuration or a
// template, with where it is: a file and line for a template, a rule's
// name and field for the rules.
type ConfigError struct {
	// File is the template file, or "" for the rules.
	File string
	// Line is the line in File (0 if unknown).
	Line int
	// Rule is the rule's name (or "rules[i]" if it has none).
	Rule string
	// Field is the field at fault ("to.addresses[1]").
	Field string
	// Err is the problem.
	Err error
}

// Error says where and what.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("notify: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Rule != "" {
		b.WriteString("rule " + e.Rule + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *ConfigError) Unwrap() error { return e.Err }

// checkAddr checks a configured or recorded mail address: a bare address
// that parses, no display name, no control characters.
func checkAddr(s string) error {
	if err := connectors.CheckText(s, connectors.MaxFieldBytes); err != nil {
		return err
	}
	p, err := mail.ParseAddress(s)
	if err != nil || p.Address != s || p.Name != "" || !strings.Contains(s, "@") {
		return fmt.Errorf("%q is not a mail address", clip(s))
	}
	return nil
}

// checkRules checks the rules, every problem a *ConfigError, joined.
func (c *Config) checkRules() error {
	var errs []error
	bad := func(rule, field string, err error) {
		errs = append(errs, &ConfigError{Rule: rule, Field: field, Err: err})
	}
	if err := checkSender(c.From); err != nil {
		bad("", "from", err)
	}
	if c.ReplyTo != nil {
		if err := checkSender(*c.ReplyTo); err != nil {
			bad("", "reply_to", err)
		}
	}
	if len(c.Rules) == 0 {
		bad("", "rules", errors.New("no rules"))
	}
	seen := map[string]bool{}
	for i, r := range c.Rules {
		name := r.Name
		if name == "" {
			name = fmt.Sprintf("rules[%d]", i)
			bad(name, "name", errors.New("a rule needs a name"))
		} else if err := checkName(r.Name); err != nil {
			bad(name, "name", err)
		} else if seen[r.Name] {
			bad(name, "name", errors.New("two rules have this name"))
		}
		seen[r.Name] = true
		if r.Trigger == "" {
			bad(name, "trigger", fmt.Errorf("a rule needs a trigger (one of %v)", Triggers))
		} else if err := r.Trigger.Check(); err != nil {
			bad(name, "trigger", err)
		}
		if r.To.empty() {
			bad(name, "to", errors.New("a rule needs recipients"))
		}
		if !r.Trigger.personal() {
			if len(r.Scope.EngagementTypes) > 0 {
				bad(name, "scope.engagement_types", fmt.Errorf("%s is about a unit, not a person", r.Trigger))
			}
			if r.To.Person || r.Cc.Person {
				bad(name, "to.person", fmt.Errorf("%s is about a unit, not a person", r.Trigger))
			}
		}
		for i, rs := range []Recipients{r.To, r.Cc} {
			field := [...]string{"to", "cc"}[i]
			for j, a := range rs.Addresses {
				if err := checkAddr(a); err != nil {
					bad(name, fmt.Sprintf("%s.addresses[%d]", field, j), err)
				}
			}
			for j, st := range rs.Subtrees {
				if st.Unit == uuid.Nil {
					bad(name, fmt.Sprintf("%s.subtrees[%d].unit", field, j), errors.New("no unit"))
				}
				for k, a := range st.Addresses {
					if err := checkAddr(a); err != nil {
						bad(name, fmt.Sprintf("%s.subtrees[%d].addresses[%d]", field, j, k), err)
					}
				}
			}
		}
		if r.Digest < 0 {
			bad(name, "digest", errors.New("a digest window cannot be negative"))
		}
		if r.Template != "" {
			if err := checkName(r.Template); err != nil {
				bad(name, "template", err)
			}
		}
	}
	return errors.Join(errs...)
}

func checkSender(a connectors.Address) error {
	if a.Addr == "" {
		return errors.New("no address")
	}
	if err := checkAddr(a.Addr); err != nil {
		return err
	}
	return connectors.CheckText(a.Name, 256)
}

// checkName checks a rule's or template's name: it goes into keys and
// file names, so letters, digits, '-', '_' and '.' only, and short.
func checkName(s string) error {
	if len(s) > 64 {
		return errors.New("a name is at most 64 bytes")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') || s[0] == '.' {
			return fmt.Errorf("%q: a name holds only letters a-z, digits, '-', '_' and '.'", clip(s))
		}
	}
	return nil
}

// joinErrs joins errors, flattening joined ones, so that a caller sees
// one list of *ConfigError.
func joinErrs(errs ...error) error {
	var flat []error
	for _, err := range errs {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			flat = append(flat, j.Unwrap()...)
		} else if err != nil {
			flat = append(flat, err)
		}
	}
	return errors.Join(flat...)
}
