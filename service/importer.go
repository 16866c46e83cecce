package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ImportPlan is what importing a source's snapshot into the org model
// would change. The service applies it at once; the CLI shows it first.
type ImportPlan struct {
	// Source is the source's name in the org model.
	Source string
	// Payroll says the source is a payroll (the org rules run after it).
	Payroll bool
	// Changes are the changes; empty when the model already agrees.
	Changes *orgmodel.ChangeSet
	// Stats count the objects by what happens to them.
	Stats orgmodel.ImportStats
	// Skipped are the records the connector or the intake left out as
	// malformed, each with where it is.
	Skipped []connectors.SkippedRecord
	// Registration is the model's registration the plan was made from.
	Registration uint64
}

// Fingerprint identifies the plan's changes: an operator who reviewed a
// plan applies it by its fingerprint.
func (p *ImportPlan) Fingerprint() string {
	h := sha256.Sum256([]byte(p.Changes.String()))
	return hex.EncodeToString(h[:8])
}

// PlanImport reads the source's connector (a connectors.Payroll or a
// connectors.IdentitySource, as OpenSource returns) and plans its import
// into the model's latest view, terminating from today what the source no
// longer has. What the connector or the intake cannot read is skipped and
// listed, never silently dropped, and never stops the import. A
// connector's error is returned as it is (a connectors.Error with its
// kind: Unavailable means try again later).
func PlanImport(ctx context.Context, m *orgmodel.Model, src Source, conn any, today timeline.Date) (*ImportPlan, error) {
	v := m.Latest()
	var (
		snap    orgmodel.Snapshot
		skipped []connectors.SkippedRecord
		err     error
		payroll bool
	)
	switch c := conn.(type) {
	case connectors.Payroll:
		payroll = true
		ps, rerr := c.Snapshot(ctx)
		if rerr != nil {
			return nil, fmt.Errorf("reading the payroll: %w", rerr)
		}
		snap, skipped, err = intake.PayrollSkipping(src.Name, ps, intake.PayrollOptions{})
	case connectors.IdentitySource:
		is, rerr := c.Identities(ctx)
		if rerr != nil {
			return nil, fmt.Errorf("reading the identities: %w", rerr)
		}
		id := src.Identity
		if id == nil {
			id = &Identity{}
		}
		opts := intake.IdentityOptions{TemporaryCategories: id.TemporaryCategories, AccountSystem: id.AccountSystem}
		if id.UnitsFrom != "" {
			opts.Unit = func(key string) (uuid.UUID, bool) {
				u := orgmodel.SourceID(id.UnitsFrom, orgmodel.KindUnit, key)
				_, ok := v.Object(u)
				return u, ok
			}
		}
		snap, skipped, err = intake.IdentitiesSkipping(src.Name, is, opts)
	default:
		return nil, fmt.Errorf("%w: %T", errNotASource, conn)
	}
	if err != nil {
		return nil, fmt.Errorf("the intake: %w", err)
	}
	cs, stats, err := orgmodel.Import(v, snap, orgmodel.ImportOptions{Today: today})
	if err != nil {
		return nil, fmt.Errorf("the import: %w", err)
	}
	return &ImportPlan{Source: src.Name, Payroll: payroll, Changes: cs, Stats: stats, Skipped: skipped, Registration: v.Registration().Seq}, nil
}

// ErrStalePlan is an import plan applied after the model changed since it
// was made: plan again.
var ErrStalePlan = errors.New("service: the org model changed since the import was planned; plan again")

// Apply registers the plan's changes in the model, stamped with actor at
// now; an empty plan registers nothing (and returns the zero
// Registration).
func (p *ImportPlan) Apply(ctx context.Context, m *orgmodel.Model, actor string, now time.Time) (orgmodel.Registration, error) {
	if p.Changes.IsEmpty() {
		return orgmodel.Registration{}, nil
	}
	if m.Latest().Registration().Seq != p.Registration {
		return orgmodel.Registration{}, ErrStalePlan
	}
	return m.Apply(ctx, p.Changes, orgmodel.Registration{Time: now, Actor: actor})
}

// RunRules plans the org rules over the days from today on and applies
// what they change, as seed 000 says they run after each payroll import.
// The result lists the conflicts left for a person to decide.
func RunRules(ctx context.Context, m *orgmodel.Model, set *rules.Set, today timeline.Date, actor string, now time.Time) (*rules.Result, error) {
	res, err := set.Plan(m.Latest(), timeline.Since(today))
	if err != nil {
		return nil, err
	}
	if !res.Changes.IsEmpty() {
		if _, err := rules.Apply(ctx, m, res, orgmodel.Registration{Time: now, Actor: actor}); err != nil {
			return res, err
		}
	}
	return res, nil
}
