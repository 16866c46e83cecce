package orgmodel

import "github.com/orgsync/orgsync/orgmodel/timeline"

// Options configure a Model. The zero Options are valid: the default zone,
// no fictive CPR numbers, and an in-memory store.
type Options struct {
	// Zone is the organisation's time zone (default Europe/Copenhagen).
	Zone timeline.Zone
	// CPR says which national ids persons may have; fictive ones are
	// refused unless CPR.AllowFictive is set.
	CPR CPROptions
	// Store keeps what the model registers; nil means a new MemStore.
	Store Store
}
