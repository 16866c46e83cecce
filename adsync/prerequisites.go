package adsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
)

// Missing is something a plan depends on that the directory does not
// have: the base the accounts live under, the chapel's OU, a group the
// plan adds members to. The sync makes the OUs below the base that the
// OU rule needs, but not these: they are the municipality's to make (or
// to fix in the configuration).
type Missing struct {
	// What is "base OU", "chapel OU" or "group".
	What string `json:"what"`
	// DN is the object's DN.
	DN string `json:"dn"`
	// Needed says what needs it ("12 group additions").
	Needed string `json:"needed"`
	// Create says the configuration lets the apply create it
	// (Config.CreateMissing).
	Create bool `json:"create,omitempty"`
}

// String says what is missing in plain words.
func (m Missing) String() string {
	if m.Create {
		return redact.NationalIDs(fmt.Sprintf("the %s %s does not exist (needed for %s): the apply creates it (create_missing)", m.What, m.DN, m.Needed))
	}
	return redact.NationalIDs(fmt.Sprintf("the %s %s does not exist (needed for %s): create it in AD, or correct the configuration", m.What, m.DN, m.Needed))
}

// ErrPrerequisites matches an apply refused because the plan's
// prerequisites do not hold; nothing was changed.
var ErrPrerequisites = errors.New("adsync: the directory lacks what the plan depends on; nothing was changed")

// PrerequisiteError lists everything the plan depends on that is missing.
type PrerequisiteError struct {
	// Missing are the missing objects, every one.
	Missing []Missing
}

// Error lists what is missing.
func (e *PrerequisiteError) Error() string {
	lines := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		lines[i] = "  " + m.String()
	}
	return ErrPrerequisites.Error() + ":\n" + strings.Join(lines, "\n")
}

// Is matches ErrPrerequisites.
func (e *PrerequisiteError) Is(target error) bool { return target == ErrPrerequisites }

// prerequisites checks, together, that the directory has the chapel's OU
// (if the chapel acts on anyone) and every group the plan adds members
// to; Plan checks the base first.
func (r *Reconciler) prerequisites(ctx context.Context, rp *RunPlan) ([]Missing, error) {
	var out []Missing
	exists := func(dn string) (bool, error) {
		_, err := r.Engine.dir.ReadDN(ctx, dn, []string{"objectClass"})
		if connectors.KindOf(err) == connectors.NotFound {
			return false, nil
		}
		return err == nil, err
	}
	groups := map[string]int{}
	for _, op := range rp.Accounts.Ops {
		if op.Kind == OpGroupAdd {
			groups[op.Target]++
		}
	}
	if rp.Chapel != nil && len(rp.Chapel.Actions()) > 0 && r.Chapel.Policy.ChapelOU != "" {
		if ok, err := exists(r.Chapel.Policy.ChapelOU); err != nil {
			return nil, err
		} else if !ok {
			out = append(out, Missing{What: "chapel OU", DN: r.Chapel.Policy.ChapelOU, Needed: fmt.Sprintf("%d chapel action(s)", len(rp.Chapel.Actions()))})
		}
	}
	dns := make([]string, 0, len(groups))
	for dn := range groups {
		dns = append(dns, dn)
	}
	slices.Sort(dns)
	for _, dn := range dns {
		if ok, err := exists(dn); err != nil {
			return nil, err
		} else if !ok {
			out = append(out, Missing{What: "group", DN: dn, Needed: fmt.Sprintf("%d member addition(s)", groups[dn])})
		}
	}
	return out, nil
}
