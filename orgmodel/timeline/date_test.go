package timeline

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateAgreesWithPackageTime(t *testing.T) {
	// Every day of four centuries around the epoch, and the ends of the
	// range, against package time.
	start := time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 400*366; d += 1 {
		tm := start.AddDate(0, 0, d)
		dt, err := NewDate(tm.Date())
		require.NoError(t, err)
		assert.Equal(t, Date(tm.Unix()/86400), dt, tm)
		y, m, dd := dt.YMD()
		if y != tm.Year() || m != tm.Month() || dd != tm.Day() {
			t.Fatalf("YMD(%d) = %d-%d-%d, want %s", dt, y, m, dd, tm)
		}
	}
	for _, s := range []string{"0001-01-01", "9998-12-31", "2000-02-29", "1970-01-01"} {
		d, err := ParseDate(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, d.String())
		tm, _ := time.Parse(time.DateOnly, s)
		assert.Equal(t, tm.Unix()/86400, int64(d), s)
	}
}

func TestDateRejectsWhatIsNotADay(t *testing.T) {
	for _, s := range []string{"", "2024-02-30", "1900-02-29", "2024-13-01", "2024-00-10", "2024-01-00",
		"9999-12-31", "0000-01-01", "2024-1-1", "2024/01/01", "２０２４-01-01", "2024-01-01T00:00", "2024-01-0\x00"} {
		_, err := ParseDate(s)
		assert.ErrorIs(t, err, ErrDate, "%q", s)
	}
	assert.False(t, Open.Valid())
	assert.Equal(t, "∞", Open.String())
	_, err := Open.MarshalText()
	assert.ErrorIs(t, err, ErrDate)
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	assert.Equal(t, "2024-02-29", MustParseDate("2024-01-31").AddMonths(1).String())
	assert.Equal(t, "2023-02-28", MustParseDate("2023-01-31").AddMonths(1).String())
	assert.Equal(t, "2025-01-15", MustParseDate("2024-01-15").AddMonths(12).String())
	assert.Equal(t, "2023-12-15", MustParseDate("2024-01-15").AddMonths(-1).String())
	assert.Equal(t, Open, Open.AddMonths(3))
	assert.Equal(t, Open, Open.AddDays(3))
}

func TestEndInclusive(t *testing.T) {
	d := MustParseDate("2024-06-30")
	assert.Equal(t, "2024-07-01", EndInclusive(d, true).String(), "the last day is in; the end is the next day")
	assert.Equal(t, Open, EndInclusive(0, false), "no end date")
	assert.Equal(t, Open, EndInclusive(maxDate, true), "9998-12-31 and later are the far-future convention")
	last, ok := LastDay(EndInclusive(d, true))
	assert.True(t, ok)
	assert.Equal(t, d, last)
	_, ok = LastDay(Open)
	assert.False(t, ok)
}

func TestZone(t *testing.T) {
	z := DefaultZone()
	assert.Equal(t, "Europe/Copenhagen", z.String())
	assert.Equal(t, "Europe/Copenhagen", Zone{}.String(), "the zero zone is the default")
	// 23:30 UTC on 31 December is already 1 January in Copenhagen.
	assert.Equal(t, "2025-01-01", z.Date(time.Date(2024, 12, 31, 23, 30, 0, 0, time.UTC)).String())
	// The day the clocks go forward still starts at midnight, and the
	// next day starts 23 hours later.
	d := MustParseDate("2024-03-31")
	assert.Equal(t, 23*time.Hour, z.Start(d+1).Sub(z.Start(d)))
	assert.Equal(t, d, z.Date(z.Start(d)))
	sthlm, err := LoadZone("Europe/Stockholm")
	require.NoError(t, err)
	assert.Equal(t, "Europe/Stockholm", sthlm.String())
	_, err = LoadZone("Mars/Olympus_Mons")
	assert.Error(t, err)
	assert.True(t, z.Start(Open).IsZero())
}

func TestIntervalJSONHasAnExplicitOpenEnd(t *testing.T) {
	iv := Since(MustParseDate("2024-01-01"))
	b, err := json.Marshal(iv)
	require.NoError(t, err)
	assert.JSONEq(t, `{"from":"2024-01-01","to":null}`, string(b))
	var back Interval
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, iv, back)
	require.NoError(t, json.Unmarshal([]byte(`{"from":"2024-01-01","to":"2024-02-01"}`), &back))
	assert.Equal(t, "[2024-01-01, 2024-02-01)", back.String())
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"from":"2024-02-01","to":"2024-01-01"}`), &back), ErrInterval, "dates out of order")
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"from":"2024-02-01","to":"2024-02-01"}`), &back), ErrInterval, "empty")
	assert.Error(t, json.Unmarshal([]byte(`{"from":"2024-02-31","to":null}`), &back))
}

func TestIntervalPredicates(t *testing.T) {
	a := Between(day(0), day(5))
	b := Since(day(3))
	assert.True(t, a.Overlaps(b))
	r, ok := a.Intersect(b)
	assert.True(t, ok)
	assert.Equal(t, "3-5", span(r))
	_, ok = a.Intersect(Since(day(5)))
	assert.False(t, ok, "half-open: [0,5) and [5,∞) share no day")
	assert.True(t, b.Covers(Between(day(4), day(100))))
	assert.False(t, a.Covers(b))
	assert.True(t, a.Contains(day(4)))
	assert.False(t, a.Contains(day(5)))
	assert.True(t, b.IsOpen())
	assert.NoError(t, Always.Validate())
}
