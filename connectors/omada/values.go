package omada

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// nationalIDOf returns the record's national id: as written (trimmed),
// or, in the cpr form, the ten digits of ddmmyy-xxxx or ddmmyyxxxx. The
// problem never holds the value.
func (m *mapping) nationalIDOf(rec map[string]json.RawMessage) (connectors.NationalID, *problem) {
	s, prob := m.text(rec, m.nationalID, connectors.MaxFieldBytes)
	if prob != nil {
		return "", prob
	}
	s = strings.TrimSpace(s)
	if s == "" || m.asWritten {
		return connectors.NationalID(s), nil
	}
	if d, ok := cprDigits(s); ok {
		return connectors.NationalID(d), nil
	}
	return "", &problem{m.nationalID.name, "not a CPR number (ddmmyy-xxxx or ten digits)"}
}

// cprDigits returns the ten digits of ddmmyy-xxxx or ddmmyyxxxx. It
// checks the form only: the host checks the date and the century.
func cprDigits(s string) (string, bool) {
	if len(s) == 11 && s[6] == '-' {
		s = s[:6] + s[7:]
	}
	if len(s) != 10 {
		return "", false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

// objectGUID returns the record's objectGUID as a lower-case UUID,
// whatever case or braces Omada writes it with.
func (m *mapping) objectGUID(rec map[string]json.RawMessage) (connectors.ID, *problem) {
	s, prob := m.text(rec, m.guid, connectors.MaxFieldBytes)
	if prob != nil || strings.TrimSpace(s) == "" {
		return "", prob
	}
	u, err := uuid.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return "", &problem{m.guid.name, "not a GUID"}
	case u == uuid.Nil:
		return "", &problem{m.guid.name, "the nil GUID"}
	}
	return connectors.ID(u.String()), nil
}

// validity returns the record's days: from the day of ValidFrom up to
// and including the day of ValidTo, as a half-open interval. An empty
// ValidTo, or one in year 9999, is no end; an empty ValidFrom is a
// problem.
func (m *mapping) validity(rec map[string]json.RawMessage) (timeline.Interval, *problem) {
	from, open, prob := m.day(rec, m.validFrom)
	switch {
	case prob != nil:
		return timeline.Interval{}, prob
	case open:
		return timeline.Interval{}, &problem{m.validFrom.name, "empty or in year 9999: the identity never starts"}
	}
	last, open, prob := m.day(rec, m.validTo)
	if prob != nil {
		return timeline.Interval{}, prob
	}
	iv := timeline.Interval{From: from, To: timeline.EndInclusive(last, !open)}
	if iv.To <= iv.From {
		return timeline.Interval{}, &problem{m.validTo.name, "before " + m.validFrom.name}
	}
	return iv, nil
}

// day returns the day of a date or instant field, and open for one that
// is empty or in year 9999 or later. An instant with an offset falls on
// its day in the configured zone; one without, on the day written.
func (m *mapping) day(rec map[string]json.RawMessage, p path) (d timeline.Date, open bool, _ *problem) {
	s, prob := m.text(rec, p, 64)
	if prob != nil {
		return 0, false, prob
	}
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "9999-") {
		return 0, true, nil
	}
	if len(s) == 10 {
		if d, err := timeline.ParseDate(s); err == nil {
			return d, false, nil
		}
	} else if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return m.zone.Date(t), false, nil
	} else if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		d, err := timeline.NewDate(t.Year(), t.Month(), t.Day())
		if err == nil {
			return d, false, nil
		}
	}
	return 0, false, &problem{p.name, "not a date (2021-01-31) or a time (2021-01-31T08:44:00+01:00)"}
}
