package sdloen

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// day reads one of SD's answer dates, an ISO date ("2026-03-01").
func day(s string) (timeline.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty")
	}
	return timeline.ParseDate(s)
}

// interval reads a window: the first day and the last, inclusive, into
// a half-open interval. A last day in year 9999 (SD's 9999-12-31) or an
// empty one is no end.
func (w window) interval() (timeline.Interval, string, error) {
	from, err := day(w.Activation)
	if err != nil {
		return timeline.Interval{}, "ActivationDate", err
	}
	to := timeline.Open
	if last := strings.TrimSpace(w.Deactivation); last != "" && !strings.HasPrefix(last, "9999-") {
		last, err := day(w.Deactivation)
		if err != nil {
			return timeline.Interval{}, "DeactivationDate", err
		}
		if last < from {
			return timeline.Interval{}, "DeactivationDate", fmt.Errorf("the last day %s is before the first, %s", last, from)
		}
		to = timeline.EndInclusive(last, true)
	}
	return timeline.Between(from, to), "", nil
}

// requestDate writes a day as SD's requests take it: dd.mm.yyyy.
func requestDate(d timeline.Date) string {
	y, m, dd := d.YMD()
	return fmt.Sprintf("%02d.%02d.%04d", dd, int(m), y)
}

// openEnd is the last day a request asks for when it asks for no end.
const openEnd = "31.12.9999"

// requestTime writes the time of day as SD's requests take it: HH:MM.
func requestTime(t time.Time) string { return t.Format("15:04") }
