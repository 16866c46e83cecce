package opus

import (
	"strconv"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
)

// quote returns a value from a dump fit for a message: national ids
// masked, clipped, and quoted.
func quote(s string) string { return strconv.Quote(shorten.To(redact.NationalIDs(s), 40)) }
