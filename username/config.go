package username

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// Config is a municipality's username rules. The zero Config is not
// valid: it needs at least one pattern or a suffix base. The JSON and YAML
// keys are the snake_case names in the tags.
type Config struct {
	// Patterns are OS2mo combinations ("FFLL", "F1LX"), tried in order;
	// all the digits of one are tried before the next. See Pattern.
	Patterns []string `json:"patterns" yaml:"patterns"`
	// SuffixBase is a pattern without X for the numbered-suffix strategy
	// (midPoint's "iteration"), tried after Patterns: the base, then the
	// base with 2, 3, … up to SuffixMax. Empty: not used.
	SuffixBase string `json:"suffix_base" yaml:"suffix_base"`
	// SuffixMax is the last number the suffix strategy tries (default 99).
	SuffixMax int `json:"suffix_max" yaml:"suffix_max"`
	// RemoveVowels drops a, e, i, o, u from every name part but the first
	// name before the patterns read them, as OS2mo's remove_vowels does.
	RemoveVowels bool `json:"remove_vowels" yaml:"remove_vowels"`
	// MinLength and MaxLength bound a username (defaults 2 and 20; AD's
	// sAMAccountName allows at most 20 characters).
	MinLength int `json:"min_length" yaml:"min_length"`
	// MaxLength is the longest username allowed.
	MaxLength int `json:"max_length" yaml:"max_length"`
	// Forbidden are names no one gets (compared on the normalised form;
	// a name forbids itself followed by digits too).
	Forbidden []string `json:"forbidden" yaml:"forbidden"`
	// ForbiddenSubstrings are words no name may contain anywhere.
	ForbiddenSubstrings []string `json:"forbidden_substrings" yaml:"forbidden_substrings"`
	// Replacements add to or override DefaultReplacements: a letter and
	// what it becomes ({"ü": "u"} for a municipality that prefers it).
	Replacements map[string]string `json:"replacements" yaml:"replacements"`
	// Surname says which words of a surname are used: "whole" (default,
	// as OS2mo), "first" or "last". See SurnameRule.
	Surname SurnameRule `json:"surname" yaml:"surname"`
	// Fallback is the base for names with no Latin letters (Greek,
	// Cyrillic, Arabic, Han…): fallback2, fallback3, … Empty: such names
	// fail with ErrNoLatinLetters.
	Fallback string `json:"fallback" yaml:"fallback"`
	// UPNDomain is the domain of the userPrincipalName; empty: no UPN.
	UPNDomain string `json:"upn_domain" yaml:"upn_domain"`
	// UPNTemplate is the UPN's local part (default "{username}"); see
	// MailTemplates for the placeholders.
	UPNTemplate string `json:"upn_template" yaml:"upn_template"`
	// MailDomain is the e-mail domain; empty: no e-mail address.
	MailDomain string `json:"mail_domain" yaml:"mail_domain"`
	// MailTemplates are the e-mail local parts to try, in order (default
	// "{first}.{last}", "{f}.{last}", "{first}.{l}"); after them the first
	// template is numbered from 2. Placeholders: {first}, {f} (its
	// initial), {middle} (all middle names), {m} (their initials),
	// {last}, {l}, {username}.
	MailTemplates []string `json:"mail_templates" yaml:"mail_templates"`
	// Reuse is the reuse policy for names held before: "never" (default),
	// "same-person" or "after-quarantine".
	Reuse ReusePolicy `json:"reuse" yaml:"reuse"`
	// Quarantine is how long a released name rests under
	// ReuseAfterQuarantine, in days.
	QuarantineDays int `json:"quarantine_days" yaml:"quarantine_days"`
	// Quarantine is QuarantineDays as a duration; set by Validate.
	Quarantine time.Duration `json:"-" yaml:"-"`
	// ReservationTTL is how long a generated name stays reserved for the
	// caller to create the account (default 10 minutes).
	ReservationTTL time.Duration `json:"-" yaml:"-"`
}

// Validate checks the configuration and fills in the defaults. It reports
// every problem at once.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("username: config: "+format, a...)) }
	if len(c.Patterns) == 0 && c.SuffixBase == "" {
		bad("no patterns and no suffix_base: no username could ever be made")
	}
	for _, p := range c.Patterns {
		if _, err := ParsePattern(p); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SuffixBase != "" {
		if p, err := ParsePattern(c.SuffixBase); err != nil {
			errs = append(errs, err)
		} else if p.HasDigit() {
			bad("suffix_base %q must not contain X; the suffix is the number", clip(c.SuffixBase))
		}
	}
	if c.SuffixMax == 0 {
		c.SuffixMax = 99
	}
	if c.SuffixMax < 2 || c.SuffixMax > 9999 {
		bad("suffix_max %d must be from 2 to 9999", c.SuffixMax)
	}
	if c.MinLength == 0 {
		c.MinLength = 2
	}
	if c.MaxLength == 0 {
		c.MaxLength = 20
	}
	if c.MinLength < 1 || c.MaxLength > 64 || c.MinLength > c.MaxLength {
		bad("lengths must satisfy 1 ≤ min_length (%d) ≤ max_length (%d) ≤ 64", c.MinLength, c.MaxLength)
	}
	if c.Fallback != "" && strings.Trim(c.Fallback, "abcdefghijklmnopqrstuvwxyz") != "" {
		bad("fallback %q must be lower-case letters a-z", clip(c.Fallback))
	}
	for _, d := range []struct{ key, v string }{{"upn_domain", c.UPNDomain}, {"mail_domain", c.MailDomain}} {
		if d.v != "" && !validDomain(d.v) {
			bad("%s %q is not a domain name", d.key, clip(d.v))
		}
	}
	if c.UPNTemplate == "" {
		c.UPNTemplate = "{username}"
	}
	if len(c.MailTemplates) == 0 {
		c.MailTemplates = []string{"{first}.{last}", "{f}.{last}", "{first}.{l}"}
	}
	for _, t := range append([]string{c.UPNTemplate}, c.MailTemplates...) {
		if err := checkTemplate(t); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Reuse > ReuseAfterQuarantine {
		bad("unknown reuse policy %d", c.Reuse)
	}
	if c.QuarantineDays < 0 {
		bad("quarantine_days %d is negative", c.QuarantineDays)
	}
	if c.Reuse == ReuseAfterQuarantine && c.QuarantineDays == 0 {
		bad("reuse after-quarantine needs quarantine_days")
	}
	c.Quarantine = time.Duration(c.QuarantineDays) * 24 * time.Hour
	if c.ReservationTTL == 0 {
		c.ReservationTTL = 10 * time.Minute
	}
	if _, err := c.normalizer(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// normalizer returns the Normalizer of the configured replacements.
func (c *Config) normalizer() (*Normalizer, error) {
	r := maps.Clone(DefaultReplacements)
	maps.Copy(r, c.Replacements)
	return NewNormalizer(r)
}

// UnmarshalText reads "whole", "first" or "last".
func (r *SurnameRule) UnmarshalText(b []byte) error {
	switch string(b) {
	case "", "whole":
		*r = SurnameWhole
	case "first":
		*r = SurnameFirst
	case "last":
		*r = SurnameLast
	default:
		return fmt.Errorf("username: surname rule %q is not whole, first or last", clip(string(b)))
	}
	return nil
}

// MarshalText writes the rule's name.
func (r SurnameRule) MarshalText() ([]byte, error) {
	switch r {
	case SurnameFirst:
		return []byte("first"), nil
	case SurnameLast:
		return []byte("last"), nil
	}
	return []byte("whole"), nil
}

// UnmarshalText reads "never", "same-person" or "after-quarantine".
func (p *ReusePolicy) UnmarshalText(b []byte) error {
	switch string(b) {
	case "", "never":
		*p = ReuseNever
	case "same-person":
		*p = ReuseSamePerson
	case "after-quarantine":
		*p = ReuseAfterQuarantine
	default:
		return fmt.Errorf("username: reuse policy %q is not never, same-person or after-quarantine", clip(string(b)))
	}
	return nil
}

// MarshalText writes the policy's name.
func (p ReusePolicy) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// validDomain accepts a DNS name of letters, digits and hyphens in labels.
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
