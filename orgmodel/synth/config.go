package synth

import (
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The sources of the generated snapshots.
const (
	// PayrollSource owns the payroll tree, persons, engagements, manager
	// roles, `_leder` units and their associations.
	PayrollSource = "synth-payroll"
	// AdminSource owns the administrative tree and the related-units links
	// that couple payroll units to it.
	AdminSource = "synth-admin"
)

// ManagerMarker is the association type of a manager's membership of a
// `_leder` unit.
const ManagerMarker = "Leder-markør"

// MaxSize bounds every size in a Config.
const MaxSize = 1_000_000

// epoch is the day the municipality begins: units and the administrative
// tree are valid from it, and no engagement starts before it.
var epoch = timeline.MustDate(2010, 1, 1)

// Config says which municipality to generate. The zero Config is not valid;
// start from Small or Municipal.
type Config struct {
	// Seed selects the municipality: the same Config gives the same
	// output, a different seed a different one.
	Seed uint64
	// Persons is the number of persons.
	Persons int
	// Units is the number of payroll units, `_leder` units included. The
	// administrative tree comes on top: about a third as many units.
	Units int
	// Depth is the number of levels of the payroll tree, root and leaves
	// included and `_leder` units (which hang one level below their
	// parent) not counted: 2 to 12.
	Depth int
	// Engagements is the number of engagements, those that give manager
	// roles included: at least one per person and at most ten.
	Engagements int
	// Managers is the number of manager roles, vacant ones (about 10%)
	// included; a unit has at most one.
	Managers int
	// Today is the reference day: about 3% of the engagements start after
	// it (within 60 days), about 5% end before it and about 3% end after
	// it. It must be in 2011 or later, as the history starts 2010-01-01.
	Today timeline.Date
}

// Small returns a small municipality for unit tests: 200 persons, 30
// units, depth 5, 240 engagements and 20 manager roles.
func Small(today timeline.Date) Config {
	return Config{Seed: 1, Persons: 200, Units: 30, Depth: 5, Engagements: 240, Managers: 20, Today: today}
}

// Municipal returns a municipality of realistic size for benchmarks: 50,000
// persons, 5,000 units, depth 8, 60,000 engagements and 3,000 manager
// roles.
func Municipal(today timeline.Date) Config {
	return Config{Seed: 1, Persons: 50_000, Units: 5_000, Depth: 8, Engagements: 60_000, Managers: 3_000, Today: today}
}

// Validate reports every way c cannot describe a municipality, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("synth: "+format, args...)) }
	sizes := []struct {
		name string
		n    int
	}{{"Persons", c.Persons}, {"Units", c.Units}, {"Engagements", c.Engagements}, {"Managers", c.Managers}}
	sane := true
	for _, s := range sizes {
		switch {
		case s.n < 0:
			bad("%s is negative (%d)", s.name, s.n)
			sane = false
		case s.n > MaxSize:
			bad("%s (%d) is more than %d", s.name, s.n, MaxSize)
			sane = false
		}
	}
	if c.Depth < 2 || c.Depth > 12 {
		bad("Depth (%d) must be 2 to 12", c.Depth)
	} else if sane && c.Units < c.Depth {
		bad("Units (%d) is less than Depth (%d): the tree needs a unit on every level", c.Units, c.Depth)
	}
	if sane {
		if c.Engagements < c.Persons {
			bad("Engagements (%d) is less than Persons (%d): every person needs an engagement", c.Engagements, c.Persons)
		}
		if c.Engagements > 10*c.Persons {
			bad("Engagements (%d) is more than ten per person (Persons %d)", c.Engagements, c.Persons)
		}
		if c.Managers > c.Units {
			bad("Managers (%d) is more than Units (%d): a unit has at most one manager role", c.Managers, c.Units)
		}
	}
	if !c.Today.Valid() || c.Today < timeline.MustDate(2011, 1, 1) || c.Today > timeline.MustDate(9000, 1, 1) {
		bad("Today (%s) must be a day from 2011-01-01 to 9000-01-01", c.Today)
	}
	return errors.Join(errs...)
}
