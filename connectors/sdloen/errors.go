package sdloen

import "github.com/orgsync/orgsync/internal/redact"

// masked is an error whose text may quote a CPR number (a person's key):
// its text is masked, and it unwraps to the original.
type masked struct{ err error }

func (m masked) Error() string { return redact.NationalIDs(m.err.Error()) }
func (m masked) Unwrap() error { return m.err }
