package adsync

import (
	"errors"
	"fmt"
	"slices"

	"github.com/orgsync/orgsync/connectors"
)

// ConfigError is a problem with one key of the engine's configuration. Key
// is the key's path as written in a YAML or JSON file, relative to the
// engine's section: "base", "ou.single", "groups.2" (the third group rule),
// "correlation.rules.0", "mapping.attributes.title". A host that reads the
// configuration from a file turns Key into the file's line.
type ConfigError struct {
	// Key is the dotted path of the key; list items by index from 0.
	Key string
	// Err is what is wrong with it.
	Err error
}

// Error names the key and the problem.
func (e *ConfigError) Error() string { return fmt.Sprintf("adsync: %s: %v", e.Key, e.Err) }

// Unwrap returns the problem (a *MappingError for a template).
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(key string, err error) *ConfigError { return &ConfigError{Key: key, Err: err} }

// Validate checks the configuration without a directory, compiling its
// templates, and reports every problem found, each a *ConfigError.
// NewEngine calls it.
func (c *Config) Validate() error {
	var errs []error
	if _, err := connectors.ParseDN(c.Base); err != nil || c.Base == "" {
		errs = append(errs, configErr("base", fmt.Errorf("%q is not a DN", c.Base)))
	}
	errs = append(errs, mappingErrors("mapping", c.Mapping.Compile())...)
	if c.ServiceMapping != nil {
		errs = append(errs, mappingErrors("service_mapping", c.ServiceMapping.Compile())...)
	}
	errs = append(errs, flatten(c.Correlation.Compile())...)
	errs = append(errs, flatten(c.OU.Validate())...)
	for i, r := range c.Groups {
		if _, err := connectors.NormalizeDN(r.Group); err != nil || r.Group == "" {
			errs = append(errs, configErr(fmt.Sprintf("groups.%d", i), fmt.Errorf("group rule %d: group %q is not a DN", i+1, r.Group)))
		}
	}
	if c.ChapelOU != "" {
		if _, err := connectors.NormalizeDN(c.ChapelOU); err != nil {
			errs = append(errs, configErr("chapel_ou", err))
		}
	}
	for i, k := range c.CreateMissing {
		if !slices.Contains(createKinds, k) {
			errs = append(errs, configErr(fmt.Sprintf("create_missing.%d", i), fmt.Errorf("%q: want base, chapel or groups", k)))
		}
	}
	switch c.Drift {
	case "", DriftCorrect, DriftReport:
	default:
		errs = append(errs, configErr("drift", fmt.Errorf("%q: want %q or %q", c.Drift, DriftCorrect, DriftReport)))
	}
	return errors.Join(errs...)
}

// mappingErrors keys a mapping's errors under section.
func mappingErrors(section string, err error) []error {
	var out []error
	for _, e := range flatten(err) {
		var me *MappingError
		var ce *ConfigError
		switch {
		case errors.As(e, &me):
			out = append(out, configErr(section+".attributes."+me.Attribute, me))
		case errors.As(e, &ce):
			out = append(out, configErr(section+"."+ce.Key, ce.Err))
		default:
			out = append(out, configErr(section, e))
		}
	}
	return out
}

// flatten undoes errors.Join.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
