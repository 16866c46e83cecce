package adsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// createKinds are the prerequisites Config.CreateMissing may name, by the
// Missing.What they create.
var createKinds = []string{"base", "chapel", "groups"}

var createKindOf = map[string]string{"base OU": "base", "chapel OU": "chapel", "group": "groups"}

// markCreatable sets Create on the missing prerequisites the
// configuration lets the apply make.
func (c *Config) markCreatable(ms []Missing) {
	for i := range ms {
		ms[i].Create = slices.Contains(c.CreateMissing, createKindOf[ms[i].What])
	}
}

// createMissing makes every missing prerequisite, if the configuration
// lets it make every one; otherwise it makes none and lists those it may
// not. It reports whether it made the base.
func (r *Reconciler) createMissing(ctx context.Context, ms []Missing) (base bool, err error) {
	var refused []Missing
	for _, m := range ms {
		if !m.Create {
			refused = append(refused, m)
		}
	}
	if len(refused) > 0 {
		return false, &PrerequisiteError{Missing: refused}
	}
	cr, ok := r.Engine.dir.(connectors.Creator)
	if !ok {
		return false, connectors.Errorf(connectors.Configuration, "create", "the directory cannot create objects")
	}
	for _, m := range ms {
		switch m.What {
		case "base OU", "chapel OU":
			err = createOU(ctx, r.Engine.dir, cr, m.DN)
		case "group":
			if err = createOU(ctx, r.Engine.dir, cr, parentDN(m.DN)); err == nil {
				err = createGroup(ctx, cr, m.DN)
			}
		}
		if err != nil {
			return base, fmt.Errorf("adsync: creating the %s %s: %w", m.What, m.DN, err)
		}
		base = base || m.What == "base OU"
	}
	return base, nil
}

// createOU makes the OU dn and any OUs above it that are missing, down
// from the first that exists. It never makes a domain component.
func createOU(ctx context.Context, dir connectors.Directory, cr connectors.Creator, dn string) error {
	rdn, parent, err := connectors.SplitDN(dn)
	if err != nil {
		return err
	}
	if _, err := dir.ReadDN(ctx, dn, []string{"objectClass"}); err == nil {
		return nil
	} else if !errors.Is(err, connectors.NotFound) {
		return err
	}
	if !strings.EqualFold(rdn.Type, "OU") {
		return fmt.Errorf("%s is not an OU: only OUs are made", dn)
	}
	if err := createOU(ctx, dir, cr, parent); err != nil {
		return err
	}
	_, err = cr.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	if errors.Is(err, connectors.AlreadyExists) {
		return nil
	}
	return err
}

// createGroup makes a global security group dn, its sAMAccountName made
// from its CN (AD's characters only, at most 64, with a short hash of
// the DN where the CN had to be changed).
func createGroup(ctx context.Context, cr connectors.Creator, dn string) error {
	rdn, _, err := connectors.SplitDN(dn)
	if err != nil {
		return err
	}
	_, err = cr.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"group"}},
		{Name: "sAMAccountName", Values: []string{groupSAM(rdn.Value, dn)}},
	}})
	if errors.Is(err, connectors.AlreadyExists) {
		return nil
	}
	return err
}

// groupSAM makes a group's sAMAccountName from its name: the characters
// AD forbids ("/\[]:;|=,+*?<> and control characters) and spaces become
// "-", and a name that changed or is too long gets a hash of the DN, so
// that two groups do not get the same.
func groupSAM(name, dn string) string {
	const max = 64
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || strings.ContainsRune("\"/\\[]:;|=,+*?<> ", r) {
			r = '-'
		}
		b.WriteRune(r)
	}
	s := strings.Trim(b.String(), "-.")
	if s == name && s != "" && len(s) <= max {
		return s
	}
	sum := sha256.Sum256([]byte(strings.ToLower(dn)))
	suffix := "-" + hex.EncodeToString(sum[:4])
	for len(s)+len(suffix) > max {
		_, size := lastRune(s)
		s = s[:len(s)-size]
	}
	if s == "" {
		s = "group"
	}
	return s + suffix
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, len(s)
}
