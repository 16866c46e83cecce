package opus

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// errEmpty is a required field left empty or out.
var errEmpty = errors.New("empty or missing")

// errNotCPR is a CPR field that holds no CPR number. The value is not
// quoted: it may be one with a digit missing.
var errNotCPR = errors.New("not a CPR number (10 digits)")

// parseDay reads a date, YYYY-MM-DD.
func parseDay(s string) (timeline.Date, error) {
	d, err := timeline.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a date (YYYY-MM-DD)", quote(s))
	}
	return d, nil
}

// span reads a record's days: first the first day (required), last the
// last day, inclusive, as OPUS writes it; empty or a day of year 9999 is
// no end. It returns the half-open interval, or the field at fault.
func span(first, last string, fFirst, fLast field) (timeline.Interval, field, error) {
	if first == "" {
		return timeline.Interval{}, fFirst, errEmpty
	}
	from, err := parseDay(first)
	if err != nil {
		return timeline.Interval{}, fFirst, err
	}
	if y, _, _ := from.YMD(); y == 9999 {
		return timeline.Interval{}, fFirst, fmt.Errorf("%s: a first day in year 9999", first)
	}
	if last == "" || strings.HasPrefix(last, "9999-") {
		return timeline.Since(from), 0, nil
	}
	to, err := parseDay(last)
	if err != nil {
		return timeline.Interval{}, fLast, err
	}
	if to < from {
		return timeline.Interval{}, fLast, fmt.Errorf("the last day %s is before the first, %s", last, first)
	}
	return timeline.Between(from, timeline.EndInclusive(to, true)), 0, nil
}

// parseNumber reads a decimal number, with "." or "," before the
// decimals.
func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < 0 || f != f {
		return 0, fmt.Errorf("%s is not a number of hours", quote(s))
	}
	return f, nil
}

// fraction reads the working time, numerator/denominator: both empty is
// 0, and the share must be from 0 to 1.
func fraction(num, den string) (float64, field, error) {
	if num == "" && den == "" {
		return 0, 0, nil
	}
	if num == "" {
		return 0, fNumerator, errors.New("empty, while the denominator is not")
	}
	if den == "" {
		return 0, fDenominator, errors.New("empty, while the numerator is not")
	}
	n, err := parseNumber(num)
	if err != nil {
		return 0, fNumerator, err
	}
	d, err := parseNumber(den)
	if err != nil {
		return 0, fDenominator, err
	}
	if n == 0 {
		return 0, 0, nil
	}
	if d == 0 {
		return 0, fDenominator, errors.New("0, while the numerator is not")
	}
	if n > d {
		return 0, fNumerator, fmt.Errorf("%s of %s: more than full time", num, den)
	}
	return n / d, 0, nil
}

// parseBool reads isManager: true or false; empty is false.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, fmt.Errorf("%s is neither true nor false", quote(s))
}

// checkCPR checks that a CPR number looks like one: 10 digits (or a
// personnummer's 10 or 12), with at most one "-" or "+" among them. The
// host validates the date and the century; this only refuses what is no
// number at all.
func checkCPR(s string) error {
	if s == "" {
		return errEmpty
	}
	digits, seps := 0, 0
	for i := range len(s) {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '-' || c == '+') && i > 0 && i < len(s)-1:
			seps++
		default:
			return errNotCPR
		}
	}
	if seps > 1 || digits != 10 && digits != 12 {
		return errNotCPR
	}
	return nil
}
