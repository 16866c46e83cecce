package opus

import (
	"context"
	"slices"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Manager is a manager role as OPUS marks it: an employee element with
// isManager true makes its engagement the manager of the unit it is in,
// over the engagement row's days. [Connector.Snapshot] and
// [Connector.Changes] deliver the same roles as connectors.PayrollManager
// rows, which also cross the plugin bridge; [Connector.Managers] returns
// them in this form, for callers written before the contract had
// managers.
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

// managerRow returns the role as the Payroll contract's row: keyed by
// the employment number, typed by the engagement's position (as OS2mo's
// OPUS import types its managers), over the engagement row's days.
func managerRow(e connectors.PayrollEngagement, level string) connectors.PayrollManager {
	return connectors.PayrollManager{Key: e.Key, Unit: e.Unit, Person: e.Person, Engagement: e.Key, Type: e.JobFunction, Level: level, Valid: e.Valid}
}

// payrollManagers returns the manager roles of the engagement rows as
// the contract's rows, and where each comes from.
func payrollManagers(emps []empRow) ([]connectors.PayrollManager, []at) {
	var out []connectors.PayrollManager
	var where []at
	for _, e := range emps {
		if e.manager {
			out = append(out, managerRow(e.PayrollEngagement, e.level))
			where = append(where, e.at)
		}
	}
	return out, where
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
