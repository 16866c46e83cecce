package timeline

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Interval is the half-open range of days [From, To). To may be [Open].
// A valid interval holds at least one day: From < To.
type Interval struct {
	// From is the first day in the interval.
	From Date
	// To is the first day after the interval, or Open.
	To Date
}

// ErrInterval is returned (wrapped) for an interval that holds no day or
// whose ends are not dates.
var ErrInterval = errors.New("timeline: invalid interval")

// Between returns [from, to).
func Between(from, to Date) Interval { return Interval{From: from, To: to} }

// Since returns the open-ended interval [from, ∞).
func Since(from Date) Interval { return Interval{From: from, To: Open} }

// Always is the interval of every day.
var Always = Interval{From: minDate, To: Open}

// Validate reports whether iv holds at least one day and its ends are
// dates (or Open for To).
func (iv Interval) Validate() error {
	switch {
	case !iv.From.Valid():
		return fmt.Errorf("%w: start %s is not a date", ErrInterval, iv.From)
	case iv.To != Open && !iv.To.Valid() && iv.To != maxDate+1:
		return fmt.Errorf("%w: end %s is not a date", ErrInterval, iv.To)
	case iv.From >= iv.To:
		return fmt.Errorf("%w: %s does not end after it starts", ErrInterval, iv)
	}
	return nil
}

// IsOpen reports whether iv has no end.
func (iv Interval) IsOpen() bool { return iv.To == Open }

// Contains reports whether day d is in iv.
func (iv Interval) Contains(d Date) bool { return iv.From <= d && d < iv.To }

// Overlaps reports whether iv and o share a day.
func (iv Interval) Overlaps(o Interval) bool { return iv.From < o.To && o.From < iv.To }

// Covers reports whether every day of o is in iv.
func (iv Interval) Covers(o Interval) bool { return iv.From <= o.From && o.To <= iv.To }

// Intersect returns the days iv and o share, and false if there are none.
func (iv Interval) Intersect(o Interval) (Interval, bool) {
	r := Interval{From: max(iv.From, o.From), To: min(iv.To, o.To)}
	return r, r.From < r.To
}

// String formats iv as "[2024-01-01, 2025-01-01)" or "[2024-01-01, ∞)".
func (iv Interval) String() string {
	return "[" + iv.From.String() + ", " + iv.To.String() + ")"
}

// intervalJSON is the wire form: an open end is null, never a magic date.
type intervalJSON struct {
	From Date  `json:"from"`
	To   *Date `json:"to"`
}

// MarshalJSON writes {"from":"2024-01-01","to":null} for an open interval.
func (iv Interval) MarshalJSON() ([]byte, error) {
	w := intervalJSON{From: iv.From}
	if iv.To != Open {
		w.To = &iv.To
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the form MarshalJSON writes and validates it.
func (iv *Interval) UnmarshalJSON(b []byte) error {
	var w intervalJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	r := Interval{From: w.From, To: Open}
	if w.To != nil {
		r.To = *w.To
	}
	if err := r.Validate(); err != nil {
		return err
	}
	*iv = r
	return nil
}
