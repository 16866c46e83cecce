package inventory

// Status is where an asset is in its life.
type Status string

// The statuses.
const (
	// Pending is an asset registered but not yet fit to hand out (bought,
	// not yet set up).
	Pending Status = "pending"
	// Ready is an asset in stock, fit to hand out.
	Ready Status = "ready"
	// Deployed is an asset handed to a person.
	Deployed Status = "deployed"
	// Undeployable is an asset out of use until repaired: broken, lost,
	// or waiting for a part.
	Undeployable Status = "undeployable"
	// Archived is an asset taken out of the register for good (scrapped,
	// sold, lost for good). It is terminal.
	Archived Status = "archived"
)

// Statuses lists every status, in the order of an asset's life.
var Statuses = []Status{Pending, Ready, Deployed, Undeployable, Archived}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	switch s {
	case Pending, Ready, Deployed, Undeployable, Archived:
		return true
	}
	return false
}

// Terminal reports whether no action leads out of s.
func (s Status) Terminal() bool { return s == Archived }
