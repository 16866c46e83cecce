package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/inmem"
)

// adPasswordEnv holds the bind password where the configuration names no
// place for it, as for the operator CLI.
const adPasswordEnv = "ORGSYNC_AD_PASSWORD"

// openDirectory opens Active Directory (or the twin) and keys the links
// and the change feed's token by it and the base.
func (s *Service) openDirectory(ctx context.Context) error {
	base := s.cfg.Sync.Base
	switch d := s.cfg.Directory; {
	case s.opts.Directory != nil:
		s.dir, s.dirKey = s.opts.Directory, "host "+base
	case d.Twin:
		twin, err := newTwin(ctx, s.cfg)
		if err != nil {
			return err
		}
		s.dir, s.dirOwned, s.dirKey = twin, true, "twin "+base
	default:
		c := d.Config
		pw, err := d.Password.Read(s.opts.Getenv, adPasswordEnv)
		if err != nil {
			return &ConfigError{File: s.cfg.file, Key: "directory.password", Err: err}
		}
		c.BindPassword = pw
		c.Logger = s.log
		if err := c.Validate(); err != nil {
			return &ConfigError{File: s.cfg.file, Key: "directory", Err: err}
		}
		dir, err := ad.Open(ctx, c)
		if err != nil {
			return fmt.Errorf("opening the directory at %s: %w", c.URL, err)
		}
		s.dir, s.dirOwned, s.dirKey = dir, true, c.URL+" "+base
	}
	return nil
}

// newTwin makes the in-memory twin holding what the configuration's plan
// needs: the base and the OUs above it, the chapel's OU, and the groups
// of the group rules.
func newTwin(ctx context.Context, cfg *Config) (*inmem.Directory, error) {
	base, err := connectors.ParseDN(cfg.Sync.Base)
	if err != nil {
		return nil, &ConfigError{File: cfg.file, Key: "sync.base", Err: err}
	}
	root := dcSuffix(base)
	if root == "" {
		return nil, &ConfigError{File: cfg.file, Key: "sync.base", Err: errors.New("the twin needs a base below DC= components (OU=Kommune,DC=example,DC=org)")}
	}
	twin, err := inmem.New(inmem.Options{BaseDN: root})
	if err != nil {
		return nil, err
	}
	need := ancestorsBelow(cfg.Sync.Base, root)
	if cfg.Sync.ChapelOU != "" {
		need = append(need, ancestorsBelow(cfg.Sync.ChapelOU, root)...)
	}
	if cfg.Chapel != nil && cfg.chapelPolicy().ChapelOU != "" {
		need = append(need, ancestorsBelow(cfg.chapelPolicy().ChapelOU, root)...)
	}
	var groups []string
	for _, g := range cfg.Sync.Groups {
		_, parent, err := connectors.SplitDN(g.Group)
		if err != nil {
			return nil, &ConfigError{File: cfg.file, Key: "sync.groups", Err: err}
		}
		need = append(need, ancestorsBelow(parent, root)...)
		groups = append(groups, g.Group)
	}
	seen := map[string]bool{}
	for _, dn := range need {
		k := strings.ToLower(dn)
		if seen[k] {
			continue
		}
		seen[k] = true
		if err := ensure(ctx, twin, dn, "organizationalUnit"); err != nil {
			return nil, err
		}
	}
	for _, g := range groups {
		if err := ensure(ctx, twin, g, "group"); err != nil {
			return nil, err
		}
	}
	return twin, nil
}

// ensure creates dn in the twin unless it is there.
func ensure(ctx context.Context, twin *inmem.Directory, dn, class string) error {
	if _, err := twin.ReadDN(ctx, dn, []string{"cn"}); err == nil {
		return nil
	}
	attrs := []connectors.Attribute{{Name: "objectClass", Values: []string{class}}}
	if class == "group" {
		sum := sha256.Sum256([]byte(strings.ToLower(dn)))
		attrs = append(attrs, connectors.Attribute{Name: "sAMAccountName", Values: []string{"grp-" + hex.EncodeToString(sum[:5])}})
	}
	_, err := twin.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: attrs})
	return err
}

// dcSuffix is the DC= components at the end of dn, as a DN.
func dcSuffix(dn []connectors.RDN) string {
	i := len(dn)
	for i > 0 && strings.EqualFold(dn[i-1].Type, "DC") {
		i--
	}
	if i == len(dn) {
		return ""
	}
	return connectors.FormatDN(dn[i:])
}

// ancestorsBelow lists dn and its parents down from root, root itself
// left out, the topmost first.
func ancestorsBelow(dn, root string) []string {
	var out []string
	for cur := dn; cur != "" && !connectors.EqualDN(cur, root); {
		out = append(out, cur)
		_, parent, err := connectors.SplitDN(cur)
		if err != nil {
			break
		}
		cur = parent
	}
	slices.Reverse(out)
	return out
}
