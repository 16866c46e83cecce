package adsync

import (
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/connectors"
)

// OURule says where a person's account lives.
type OURule struct {
	// Mode is "single" (every account in Single), "table" (by the unit's
	// user key in Table, else Single), or "mirror" (an OU per unit, the
	// org tree mirrored below Base).
	Mode string `json:"mode" yaml:"mode"`
	// Single is the OU of "single", and the fallback of "table".
	Single string `json:"single" yaml:"single"`
	// Table maps a unit's user key to an OU, for "table".
	Table map[string]string `json:"table" yaml:"table"`
	// Base is the OU the org tree is mirrored below, for "mirror".
	Base string `json:"base" yaml:"base"`
}

// Validate checks the rule's DNs and mode.
func (r *OURule) Validate() error {
	var errs []error
	dn := func(key, v string) {
		if _, err := connectors.ParseDN(v); err != nil || v == "" {
			errs = append(errs, configErr("ou."+key, fmt.Errorf("%q is not a DN", v)))
		}
	}
	switch r.Mode {
	case "single":
		dn("single", r.Single)
	case "table":
		dn("single", r.Single) // the fallback
		for k, v := range r.Table {
			dn("table."+k, v)
		}
	case "mirror":
		dn("base", r.Base)
	default:
		errs = append(errs, configErr("ou.mode", fmt.Errorf("%q is not single, table or mirror", r.Mode)))
	}
	return errors.Join(errs...)
}

// Target returns the DN of the OU the person's account belongs in. For
// "mirror" it is the unit's path from its root, each unit an OU named by
// the unit, below Base; the names are escaped, so a unit called
// "Løn, Personale" is one OU.
func (r *OURule) Target(d *Data) (string, error) {
	switch r.Mode {
	case "single":
		return r.Single, nil
	case "table":
		if ou, ok := r.Table[d.Unit.UserKey]; ok {
			return ou, nil
		}
		return r.Single, nil
	case "mirror":
		if d.Unit.Name == "" {
			return "", errors.New("adsync: ou: the person's unit has no name to mirror")
		}
		dn := r.Base
		for i := len(d.Ancestors) - 1; i >= 0; i-- {
			var err error
			if dn, err = connectors.JoinDN("OU", d.Ancestors[i].Name, dn); err != nil {
				return "", fmt.Errorf("adsync: ou: unit %s: %w", d.Ancestors[i].UserKey, err)
			}
		}
		return connectors.JoinDN("OU", d.Unit.Name, dn)
	}
	return "", fmt.Errorf("adsync: ou: mode %q is not single, table or mirror", r.Mode)
}
