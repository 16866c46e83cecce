package timeline

import (
	"errors"
	"fmt"
	"github.com/orgsync/orgsync/internal/shorten"
	"math"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01 in the proleptic
// Gregorian calendar. It has no zone: a [Zone] says which instants belong
// to it. The zero Date is 1970-01-01.
//
// Dates are plain integers so that comparisons, map keys and arithmetic
// are cheap; the org model compares dates millions of times per query.
type Date int32

// Open is the end of an open-ended interval. It is not a day: it sorts after
// every Date, prints as "∞" and cannot be made by [NewDate] or [ParseDate].
const Open Date = math.MaxInt32

const (
	// MinYear and MaxYear bound the years a Date may hold. Year 9999 is
	// left out on purpose: sources use 9999-12-31 to mean "no end", and
	// [EndInclusive] turns that into [Open].
	MinYear = 1
	// MaxYear is the last year a Date may hold.
	MaxYear = 9998
)

// ErrDate is returned (wrapped) for a date that does not exist or lies
// outside [MinYear, MaxYear].
var ErrDate = errors.New("timeline: invalid date")

// epoch is the day count of 1970-01-01 from 0001-01-01.
var epoch = daysFromCivil(1970, 1, 1)

// NewDate returns the date y-m-d. Unlike time.Date it does not normalise:
// 2024-02-30 is an error, because a source that sends it has a bug that
// must not silently move a validity by days.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < MinYear || y > MaxYear || m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("%w: %04d-%02d-%02d", ErrDate, y, int(m), d)
	}
	return Date(daysFromCivil(y, int(m), d) - epoch), nil
}

// MustDate is NewDate for constants in tests and examples; it panics on an
// invalid date.
func MustDate(y int, m time.Month, d int) Date {
	dt, err := NewDate(y, m, d)
	if err != nil {
		panic(err)
	}
	return dt
}

// ParseDate parses an ISO 8601 calendar date, "2006-01-02".
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrDate, clip(s))
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrDate, clip(s))
	}
	return NewDate(y, time.Month(m), d)
}

// MustParseDate is ParseDate for constants in tests and examples; it panics
// on an invalid date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Valid reports whether d is a day within [MinYear, MaxYear] (and so not
// [Open]).
func (d Date) Valid() bool {
	return d >= minDate && d <= maxDate
}

var (
	minDate = Date(daysFromCivil(MinYear, 1, 1) - epoch)
	maxDate = Date(daysFromCivil(MaxYear, 12, 31) - epoch)
)

// YMD returns the year, month and day of d. It must not be called on Open.
func (d Date) YMD() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(int64(d) + epoch)
	return y, time.Month(m), dd
}

// AddDays returns d moved n days; Open stays Open.
func (d Date) AddDays(n int) Date {
	if d == Open {
		return Open
	}
	return d + Date(n)
}

// AddMonths returns d moved n calendar months, clamped to the last day of
// the target month (2024-01-31 plus one month is 2024-02-29), the way
// retention periods "one month after" are read. Open stays Open.
func (d Date) AddMonths(n int) Date {
	if d == Open {
		return Open
	}
	y, m, dd := d.YMD()
	total := y*12 + int(m) - 1 + n
	y, m = total/12, time.Month(total%12+1)
	if last := daysIn(y, m); dd > last {
		dd = last
	}
	return Date(daysFromCivil(y, int(m), dd) - epoch)
}

// String formats d as "2006-01-02", and Open as "∞".
func (d Date) String() string {
	if d == Open {
		return "∞"
	}
	if !d.Valid() {
		return fmt.Sprintf("Date(%d)", int32(d))
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText formats d as "2006-01-02"; Open cannot be marshalled as a
// date (an [Interval] marshals its open end as null).
func (d Date) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("%w: %s cannot be marshalled", ErrDate, d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// EndInclusive converts the last day of a validity, as sources that use
// inclusive ends send it, into the exclusive end orgsync uses: the next day.
// A last day in year 9999 (the common "no end" convention: 9999-12-31) or
// later is read as open-ended, and so is a missing one (ok false).
func EndInclusive(last Date, ok bool) Date {
	if !ok || last >= maxDate {
		return Open
	}
	return last + 1
}

// LastDay is the inverse of [EndInclusive]: the inclusive last day of an
// interval that ends at end, and false for an open end.
func LastDay(end Date) (Date, bool) {
	if end == Open {
		return 0, false
	}
	return end - 1, true
}

// daysFromCivil counts days from 0001-01-01 (day 0) to y-m-d in the
// proleptic Gregorian calendar.
func daysFromCivil(y, m, d int) int64 {
	// Shift the year to start in March so the leap day is last.
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 306
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int) {
	z += 306
	era := z / 146097
	doe := int(z - era*146097)
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = (mp+2)%12 + 1
	y = yoe + int(era)*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// clip bounds outside text quoted in a message.
func clip(s string) string { return shorten.To(s, 40) }
