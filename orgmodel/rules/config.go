package rules

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// Config chooses the rules a Set runs and how. A rule runs when its
// section says enabled; DefaultConfig enables all but Coupling, which
// needs the payroll tree's root.
type Config struct {
	// Leder configures manager placement from `_leder` units.
	Leder LederConfig `yaml:"leder" json:"leder"`
	// Validity configures manager validity.
	Validity ValidityConfig `yaml:"validity" json:"validity"`
	// Elevation configures engagement elevation.
	Elevation ElevationConfig `yaml:"elevation" json:"elevation"`
	// Coupling configures payroll → administrative coupling.
	Coupling CouplingConfig `yaml:"coupling" json:"coupling"`
	// Primary configures the primary engagement.
	Primary PrimaryConfig `yaml:"primary" json:"primary"`
}

// LederConfig configures [Leder].
type LederConfig struct {
	// Enabled runs the rule.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Suffix marks a `_leder` unit by the end of its name, compared
	// case-insensitively (default "_leder").
	Suffix string `yaml:"suffix" json:"suffix"`
	// IgnorePrefix marks a `_leder` unit to ignore by the start of its
	// name (default "Ø_"); "-" ignores none.
	IgnorePrefix string `yaml:"ignore_prefix" json:"ignore_prefix"`
	// AdminMarker marks, by the end of its name, a parent whose manager
	// also manages the grandparent (default "led-adm"); "-" for none.
	AdminMarker string `yaml:"admin_marker" json:"admin_marker"`
	// AssociationType is the association type that marks a member; ""
	// counts every association with the unit.
	AssociationType string `yaml:"association_type" json:"association_type"`
	// Choose ranks the candidates, most important first: "latest-start"
	// (of the engagement in the parent unit), "earliest-start",
	// "lowest-employment-number". Candidates still equal after all of
	// them are a Tie conflict. Default: latest-start.
	Choose []string `yaml:"choose" json:"choose"`
	// Levels maps the managed unit's level to the role's manager level.
	// With levels configured, a unit level missing from the map is an
	// UnknownLevel conflict.
	Levels map[string]string `yaml:"levels" json:"levels"`
	// ManagerType is the roles' manager type.
	ManagerType string `yaml:"manager_type" json:"manager_type"`
	// Responsibilities are the roles' responsibilities.
	Responsibilities []string `yaml:"responsibilities" json:"responsibilities"`
	// Vacant is what the role becomes where no one qualifies: "keep" (a
	// vacant role, the default) or "end".
	Vacant string `yaml:"vacant" json:"vacant"`
	// Adopt lists the sources whose manager roles over a unit the rule
	// decides it takes over (ends where it decides), "" meaning roles
	// made by hand. Others' roles are left alone.
	Adopt []string `yaml:"adopt" json:"adopt"`
}

// ValidityConfig configures [Validity].
type ValidityConfig struct {
	// Enabled runs the rule.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Action is what happens to the invalid days of a role: "cut" (the
	// default; the role is not valid then) or "vacate" (the role is vacant
	// then).
	Action string `yaml:"action" json:"action"`
	// Adopt lists the sources whose roles the rule also checks, besides
	// those the rules made; "" means roles made by hand.
	Adopt []string `yaml:"adopt" json:"adopt"`
}

// ElevationConfig configures [Elevation].
type ElevationConfig struct {
	// Enabled runs the rule.
	Enabled bool `yaml:"enabled" json:"enabled"`
}

// CouplingConfig configures [Coupling].
type CouplingConfig struct {
	// Enabled runs the rule.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// PayrollRoot is the root of the payroll tree, by user key or id; an
	// engagement is coupled while its payroll unit is below it.
	PayrollRoot string `yaml:"payroll_root" json:"payroll_root"`
	// Recursive looks for a relation at the payroll unit's parents when
	// the unit has none of its own.
	Recursive bool `yaml:"recursive" json:"recursive"`
	// UnknownUnit, by user key or id, is where an engagement goes when its
	// payroll unit has no relation; empty leaves it in the payroll unit.
	UnknownUnit string `yaml:"unknown_unit" json:"unknown_unit"`
}

// PrimaryConfig configures [Primary].
type PrimaryConfig struct {
	// Enabled runs the rule.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Strategy picks the primary where none is marked explicitly:
	// "fraction" (the highest fraction, then the lowest employment
	// number; the default) or "type-order" (the first engagement type in
	// TypeOrder, then the lowest employment number).
	Strategy string `yaml:"strategy" json:"strategy"`
	// TypeOrder ranks engagement types for "type-order"; types not in it
	// come last.
	TypeOrder []string `yaml:"type_order" json:"type_order"`
}

// DefaultConfig returns the SD municipality's defaults: Leder, Validity,
// Elevation and Primary enabled with their default settings. Coupling
// needs a payroll root and is left off.
func DefaultConfig() Config {
	return Config{
		Leder:     LederConfig{Enabled: true},
		Validity:  ValidityConfig{Enabled: true},
		Elevation: ElevationConfig{Enabled: true},
		Primary:   PrimaryConfig{Enabled: true},
	}
}

// The choose criteria.
const (
	chooseLatestStart   = "latest-start"
	chooseEarliestStart = "earliest-start"
	chooseLowestNumber  = "lowest-employment-number"
)

// ConfigError is one problem with a Config; Key names the setting as
// written in a configuration file ("leder.choose.1").
type ConfigError struct {
	// Key is the setting's path.
	Key string
	// Problem says what is wrong with it.
	Problem string
}

// Error formats the problem.
func (e *ConfigError) Error() string { return "rules: " + e.Key + ": " + e.Problem }

// withDefaults fills in the defaults of the enabled rules.
func (c Config) withDefaults() Config {
	l := &c.Leder
	l.Suffix = cmpOr(l.Suffix, "_leder")
	l.IgnorePrefix = cmpOr(l.IgnorePrefix, "Ø_")
	l.AdminMarker = cmpOr(l.AdminMarker, "led-adm")
	if len(l.Choose) == 0 {
		l.Choose = []string{chooseLatestStart}
	}
	l.Vacant = cmpOr(l.Vacant, "keep")
	c.Validity.Action = cmpOr(c.Validity.Action, "cut")
	c.Primary.Strategy = cmpOr(c.Primary.Strategy, "fraction")
	return c
}

func cmpOr(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// Validate checks the configuration without a model and reports every
// problem as a *ConfigError, joined.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Key: key, Problem: fmt.Sprintf(format, args...)})
	}
	text := func(key, s string) {
		if err := checkName(s); err != nil {
			bad(key, "%v", err)
		}
	}
	if c.Leder.Enabled {
		l := c.Leder
		text("leder.suffix", l.Suffix)
		text("leder.ignore_prefix", l.IgnorePrefix)
		text("leder.admin_marker", l.AdminMarker)
		for i, ch := range l.Choose {
			if !slices.Contains([]string{chooseLatestStart, chooseEarliestStart, chooseLowestNumber}, ch) {
				bad(fmt.Sprintf("leder.choose.%d", i), "%q is not latest-start, earliest-start or lowest-employment-number", ch)
			}
			if slices.Index(l.Choose, ch) < i {
				bad(fmt.Sprintf("leder.choose.%d", i), "%q is listed twice", ch)
			}
		}
		if slices.Contains(l.Choose, chooseLatestStart) && slices.Contains(l.Choose, chooseEarliestStart) {
			bad("leder.choose", "latest-start and earliest-start contradict each other")
		}
		if l.Vacant != "keep" && l.Vacant != "end" {
			bad("leder.vacant", "%q is not keep or end", l.Vacant)
		}
		for _, k := range slices.Sorted(maps.Keys(l.Levels)) {
			text("leder.levels."+k, l.Levels[k])
		}
	}
	if c.Validity.Enabled && c.Validity.Action != "cut" && c.Validity.Action != "vacate" {
		bad("validity.action", "%q is not cut or vacate", c.Validity.Action)
	}
	if c.Coupling.Enabled && strings.TrimSpace(c.Coupling.PayrollRoot) == "" {
		bad("coupling.payroll_root", "is required: the unit whose subtree is the payroll organisation")
	}
	if c.Primary.Enabled {
		switch c.Primary.Strategy {
		case "fraction":
		case "type-order":
			if len(c.Primary.TypeOrder) == 0 {
				bad("primary.type_order", "is required by the type-order strategy")
			}
		default:
			bad("primary.strategy", "%q is not fraction or type-order", c.Primary.Strategy)
		}
	}
	return errors.Join(errs...)
}

// resolveUnit finds a unit by id or user key in the view.
func resolveUnit(v orgmodel.View, key, ref string) (uuid.UUID, error) {
	if id, err := uuid.Parse(ref); err == nil {
		if o, ok := v.Object(id); ok && o.Kind == orgmodel.KindUnit {
			return id, nil
		}
	}
	switch ids := v.Lookup(orgmodel.KindUnit, ref); len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return uuid.Nil, &ConfigError{Key: key, Problem: fmt.Sprintf("no unit has the id or user key %q", ref)}
	default:
		return uuid.Nil, &ConfigError{Key: key, Problem: fmt.Sprintf("%d units have the user key %q; give the id", len(ids), ref)}
	}
}
