package inventory

import (
	"cmp"
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Report is the equipment outstanding on a day: every deployed asset,
// grouped by the unit it was handed out in.
type Report struct {
	// Day is the day the report is for: an asset due back before it is
	// overdue.
	Day timeline.Date `json:"day"`
	// Units are the units with assets out, by id (uuid.Nil, for assets
	// handed out without a unit, first).
	Units []UnitReport `json:"units"`
}

// UnitReport is one unit's outstanding equipment.
type UnitReport struct {
	// Unit is the unit.
	Unit uuid.UUID `json:"unit"`
	// Lines are its deployed assets, overdue first: by expected return
	// (no day last), then kind and serial.
	Lines []Line `json:"lines"`
	// Overdue counts the overdue lines.
	Overdue int `json:"overdue"`
}

// Line is one deployed asset in a report.
type Line struct {
	// Asset is the asset.
	Asset Asset `json:"asset"`
	// Overdue says whether it was due back before the report's day.
	Overdue bool `json:"overdue"`
	// DaysOverdue is how many days past due it is (0 if not overdue).
	DaysOverdue int `json:"days_overdue"`
}

// OutstandingByUnit reports the assets deployed in the store, per unit,
// as of day: those whose ExpectedReturn is before day are overdue. The
// order is stable: units by id, lines by expected return, kind and
// serial.
func OutstandingByUnit(ctx context.Context, s Store, day timeline.Date) (*Report, error) {
	if !day.Valid() {
		return nil, invalid("day", "of the report is not a day")
	}
	out, err := s.List(ctx, Query{Statuses: []Status{Deployed}})
	if err != nil {
		return nil, err
	}
	byUnit := map[uuid.UUID]*UnitReport{}
	r := &Report{Day: day}
	for _, a := range out {
		u := byUnit[a.Unit]
		if u == nil {
			u = &UnitReport{Unit: a.Unit}
			byUnit[a.Unit] = u
		}
		l := Line{Asset: a}
		if a.ExpectedReturn != timeline.Open && a.ExpectedReturn < day {
			l.Overdue, l.DaysOverdue = true, int(day-a.ExpectedReturn)
			u.Overdue++
		}
		u.Lines = append(u.Lines, l)
	}
	for _, u := range byUnit {
		slices.SortFunc(u.Lines, func(a, b Line) int {
			return cmp.Or(cmp.Compare(a.Asset.ExpectedReturn, b.Asset.ExpectedReturn), Compare(&a.Asset, &b.Asset))
		})
		r.Units = append(r.Units, *u)
	}
	slices.SortFunc(r.Units, func(a, b UnitReport) int { return slices.Compare(a.Unit[:], b.Unit[:]) })
	return r, nil
}
