package synth

import (
	"context"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/orgmodel"
)

// Actor is the registration actor of what Load applies.
const Actor = "synth"

// Load imports the payroll snapshot and then the administrative one into m
// with orgmodel.Import (Today from the Config), applying each change set
// as a registration by Actor at time at. It returns the first error.
// Loading into a model that already holds the municipality changes
// nothing.
func (mu *Municipality) Load(ctx context.Context, m *orgmodel.Model, at time.Time) error {
	reg := orgmodel.Registration{Time: at, Actor: Actor, Note: "synthetic municipality"}
	if err := orgmodel.ImportAll(ctx, m, []orgmodel.Snapshot{mu.Payroll, mu.Admin}, orgmodel.ImportOptions{Today: mu.Config.Today}, reg); err != nil {
		return fmt.Errorf("synth: load: %w", err)
	}
	return nil
}
