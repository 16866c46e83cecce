package modelfile

import (
	"context"
	"fmt"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Load imports the snapshots into m in order with orgmodel.ImportAll
// (terminating from today what the source's objects in m no longer have),
// each as its own registration: reg, its note ("model file" if it has
// none) followed by the source's name.
//
// It stops at the first error; the snapshots before it stay applied, as
// every Apply is atomic only by itself. A snapshot can depend on the one
// before it (references to its units, persons matched by national id), so
// they cannot be joined into one change set. Load into a fresh model, as
// the org rules CLI does, and throw it away on error.
func Load(ctx context.Context, m *orgmodel.Model, snaps []orgmodel.Snapshot, today timeline.Date, reg orgmodel.Registration) error {
	if reg.Note == "" {
		reg.Note = "model file"
	}
	if err := orgmodel.ImportAll(ctx, m, snaps, orgmodel.ImportOptions{Today: today}, reg); err != nil {
		return fmt.Errorf("modelfile: load: %w", err)
	}
	return nil
}
