package chapel

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Retention is how long an account stays in the chapel before it is
// deleted: days, months, or both (months first, clamped to the month's
// end, then days).
type Retention struct {
	// Months of retention.
	Months int `json:"months" yaml:"months"`
	// Days of retention.
	Days int `json:"days" yaml:"days"`
}

// After returns the first day on which an account disabled on day d may
// be deleted.
func (r Retention) After(d timeline.Date) timeline.Date {
	return d.AddMonths(r.Months).AddDays(r.Days)
}

// IsZero reports whether no retention is set.
func (r Retention) IsZero() bool { return r.Months == 0 && r.Days == 0 }

// Groups says what happens to an account's group memberships when it is
// disabled.
type Groups uint8

const (
	// GroupsKeep leaves memberships as they are: a returning person has
	// them at once.
	GroupsKeep Groups = iota
	// GroupsRemove removes them and records the groups in the stamp, to
	// restore on reactivation.
	GroupsRemove
)

// Policy is the chapel's rules. The zero Policy is not valid: it needs a
// chapel OU and a retention.
type Policy struct {
	// ChapelOU is the DN of the OU accounts are held in.
	ChapelOU string `json:"chapel_ou" yaml:"chapel_ou"`
	// StampAttribute holds the stamp (default "adminDescription", in the
	// base AD schema; "extensionAttribute9" and the like where Exchange's
	// schema is present).
	StampAttribute string `json:"stamp_attribute" yaml:"stamp_attribute"`
	// DisableAfterDays is how many days after the first day without an
	// engagement the account is disabled (default 0: that day).
	DisableAfterDays int `json:"disable_after_days" yaml:"disable_after_days"`
	// DisableAtHour is the hour of that day, in the organisation's zone,
	// from which the account is disabled (default 0: midnight).
	DisableAtHour int `json:"disable_at_hour" yaml:"disable_at_hour"`
	// Retention is how long an account is held before deletion.
	Retention Retention `json:"retention" yaml:"retention"`
	// UnitRetention overrides Retention for accounts whose person's last
	// engagement was in a unit, by the unit's key (its user key in the org
	// model, as adsync reports it).
	UnitRetention map[string]Retention `json:"unit_retention" yaml:"unit_retention"`
	// ProtectedOUs are OUs (DNs) whose accounts, and those below, the
	// chapel never touches.
	ProtectedOUs []string `json:"protected_ous" yaml:"protected_ous"`
	// ProtectedAttribute, if set, marks an account the chapel never
	// touches when it has any value.
	ProtectedAttribute string `json:"protected_attribute" yaml:"protected_attribute"`
	// Groups says what happens to group memberships on disable.
	Groups Groups `json:"groups" yaml:"groups"`
	// AdoptDisabled makes the chapel take in accounts disabled by hand
	// (and unstamped accounts found in the chapel OU): they are stamped
	// with reason "adopted" and their retention starts. Without it they
	// are reported and left alone.
	AdoptDisabled bool `json:"adopt_disabled" yaml:"adopt_disabled"`
	// EnforceDisabled disables again an account someone re-enabled by hand
	// while it is in the chapel and its person has not come back. Without
	// it such accounts are reported and left alone: a person decided.
	EnforceDisabled bool `json:"enforce_disabled" yaml:"enforce_disabled"`
	// Quarantine is how long a deleted account's username stays blocked.
	Quarantine Retention `json:"quarantine" yaml:"quarantine"`
	// Zone is the organisation's time zone (default Europe/Copenhagen).
	Zone timeline.Zone `json:"-" yaml:"-"`

	// The DNs above, parsed once by Validate.
	chapelKey     dnKey
	protectedKeys []dnKey
}

// Validate checks the policy and fills in defaults.
func (p *Policy) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("chapel: policy: "+format, a...)) }
	if _, err := connectors.ParseDN(p.ChapelOU); err != nil || p.ChapelOU == "" {
		bad("chapel_ou %q is not a DN", clip(p.ChapelOU))
	}
	if p.StampAttribute == "" {
		p.StampAttribute = "adminDescription"
	}
	if err := connectors.CheckAttributeNames("stamp_attribute", []string{p.StampAttribute}); err != nil {
		bad("stamp_attribute: %v", err)
	}
	if p.ProtectedAttribute != "" {
		if err := connectors.CheckAttributeNames("protected_attribute", []string{p.ProtectedAttribute}); err != nil {
			bad("protected_attribute: %v", err)
		}
	}
	if p.DisableAfterDays < 0 || p.DisableAtHour < 0 || p.DisableAtHour > 23 {
		bad("disable_after_days must be ≥ 0 and disable_at_hour 0–23")
	}
	check := func(name string, r Retention) {
		if r.Months < 0 || r.Days < 0 || r.IsZero() {
			bad("%s must be a positive number of months or days", name)
		}
	}
	check("retention", p.Retention)
	for unit, r := range p.UnitRetention {
		check("unit_retention["+clip(unit)+"]", r)
	}
	if p.Quarantine.Months < 0 || p.Quarantine.Days < 0 {
		bad("quarantine must not be negative")
	}
	for _, ou := range p.ProtectedOUs {
		if _, err := connectors.ParseDN(ou); err != nil {
			bad("protected OU %q is not a DN", clip(ou))
		}
	}
	if p.Groups > GroupsRemove {
		bad("unknown group policy %d", p.Groups)
	}
	p.chapelKey = keyOf(p.ChapelOU)
	p.protectedKeys = p.protectedKeys[:0]
	for _, ou := range p.ProtectedOUs {
		p.protectedKeys = append(p.protectedKeys, keyOf(ou))
	}
	return errors.Join(errs...)
}

// disableAt returns the instant an account whose person's engagements
// ended at end (the first day without one) is disabled.
func (p *Policy) disableAt(end timeline.Date) time.Time {
	return p.Zone.Start(end.AddDays(p.DisableAfterDays)).Add(time.Duration(p.DisableAtHour) * time.Hour)
}

// retention returns the retention for a person whose last engagement was
// in unit.
func (p *Policy) retention(unit string) Retention {
	if r, ok := p.UnitRetention[unit]; ok {
		return r
	}
	return p.Retention
}

// protectedOU reports whether the account at k is in or below a
// protected OU.
func (p *Policy) protectedOU(k dnKey) bool {
	for _, ou := range p.protectedKeys {
		if k.under(ou) {
			return true
		}
	}
	return false
}

// inChapel reports whether dn is directly in the chapel OU.
func (p *Policy) inChapel(dn string) bool { return keyOf(dn).childOf(p.chapelKey) }

// UnmarshalText reads "keep" or "remove".
func (g *Groups) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "", "keep":
		*g = GroupsKeep
	case "remove":
		*g = GroupsRemove
	default:
		return fmt.Errorf("chapel: groups policy %q is not keep or remove", clip(string(b)))
	}
	return nil
}

// MarshalText writes "keep" or "remove".
func (g Groups) MarshalText() ([]byte, error) {
	if g == GroupsRemove {
		return []byte("remove"), nil
	}
	return []byte("keep"), nil
}
