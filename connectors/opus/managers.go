package opus

import (
	"context"
	"slices"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Manager is a manager role as OPUS marks it: an employee element with
// isManager true makes its engagement the manager of the unit it is in,
// over the engagement row's days. The Payroll contract has no place for
// managers yet, so they are read with [Connector.Managers].
type Manager struct {
	// Engagement is the key (employment number) of the manager's
	// engagement.
	Engagement string
	// Person is the key of the person.
	Person string
	// Unit is the key of the unit managed.
	Unit string
	// Level is OPUS's manager level, superiorLevel "." subordinateLevel
	// ("1.02"), as OS2mo's OPUS import writes it; "" if neither is given.
	Level string
	// Valid are the days of the role: those of the engagement row.
	Valid timeline.Interval
}

// managersOf returns the manager roles of the engagement rows.
func managersOf(emps []empRow) []Manager {
	var out []Manager
	for _, e := range emps {
		if e.manager {
			out = append(out, Manager{Engagement: e.Key, Person: e.Person, Unit: e.Unit, Level: e.level, Valid: e.Valid})
		}
	}
	return out
}

// Managers returns the manager roles of the latest complete dump, the
// dump Snapshot reads, with its engagements' days (a manager who left
// has the role until the day the engagement ends).
func (c *Connector) Managers(ctx context.Context) ([]Manager, error) {
	const op = "managers"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	st, err := c.latest(ctx, op)
	if err != nil {
		return nil, err
	}
	return slices.Clone(st.managers), nil
}
