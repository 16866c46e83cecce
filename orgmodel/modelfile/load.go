package modelfile

import (
	"context"
	"fmt"

	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Load imports the snapshots into m in order, each with orgmodel.Import
// (terminating from today what the source's objects in m no longer have)
// and applied as its own registration: reg with the note, if reg has
// none, naming the source. It is orgmodel/synth's Municipality.Load for
// any snapshots, mirrored rather than shared because synth's takes its
// snapshots from a Municipality.
//
// It stops at the first error; the snapshots before it stay applied, as
// every Apply is atomic only by itself. A snapshot can depend on the one
// before it (references to its units, persons matched by national id), so
// they cannot be joined into one change set. Load into a fresh model, as
// the org rules CLI does, and throw it away on error.
func Load(ctx context.Context, m *orgmodel.Model, snaps []orgmodel.Snapshot, today timeline.Date, reg orgmodel.Registration) error {
	for _, snap := range snaps {
		cs, _, err := orgmodel.Import(m.Latest(), snap, orgmodel.ImportOptions{Today: today})
		if err != nil {
			return fmt.Errorf("modelfile: load %s: %w", quote(snap.Source), err)
		}
		r := reg
		if r.Note == "" {
			// Clipped: a note has the model's text limit, and a long
			// source would push it over.
			r.Note = "model file, source " + shorten.To(snap.Source, 200)
		}
		if _, err := m.Apply(ctx, cs, r); err != nil {
			return fmt.Errorf("modelfile: load %s: %w", quote(snap.Source), err)
		}
	}
	return nil
}
