package timeline

import (
	"fmt"
	"time"
	// The org's zone must load on machines without a zoneinfo database
	// (distroless containers, Windows), so the library carries its own.
	_ "time/tzdata"
)

// DefaultZoneName is the time zone of an organisation that configures none.
const DefaultZoneName = "Europe/Copenhagen"

// Zone is the organisation's time zone: it says which day an instant falls
// on and when a day starts. The zero Zone is [DefaultZone].
type Zone struct {
	loc *time.Location
}

var defaultLoc = func() *time.Location {
	loc, err := time.LoadLocation(DefaultZoneName)
	if err != nil {
		// time/tzdata is linked in, so this cannot fail.
		panic(err)
	}
	return loc
}()

// DefaultZone returns the Europe/Copenhagen zone.
func DefaultZone() Zone { return Zone{loc: defaultLoc} }

// LoadZone returns the zone with the IANA name, such as "Europe/Stockholm".
func LoadZone(name string) (Zone, error) {
	if name == "" {
		return DefaultZone(), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{}, fmt.Errorf("timeline: time zone %q: %w", clip(name), err)
	}
	return Zone{loc: loc}, nil
}

// ZoneOf returns the zone of loc.
func ZoneOf(loc *time.Location) Zone { return Zone{loc: loc} }

// Location returns the zone's location.
func (z Zone) Location() *time.Location {
	if z.loc == nil {
		return defaultLoc
	}
	return z.loc
}

// String returns the zone's name.
func (z Zone) String() string { return z.Location().String() }

// Date returns the day t falls on in the zone. Instants outside
// [MinYear, MaxYear] are clamped to the first or last Date.
func (z Zone) Date(t time.Time) Date {
	y, m, d := t.In(z.Location()).Date()
	switch {
	case y < MinYear:
		return minDate
	case y > MaxYear:
		return maxDate
	}
	return Date(daysFromCivil(y, int(m), d) - epoch)
}

// Start returns the instant day d starts in the zone (midnight, or the
// first instant after it on a day whose midnight a clock change skips).
// Open has no start; it returns the zero time.
func (z Zone) Start(d Date) time.Time {
	if d == Open || !d.Valid() {
		return time.Time{}
	}
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, z.Location())
}
