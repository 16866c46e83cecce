package orgmodel

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// CPR is a Danish national id (CPR-nummer). The zero value means "no CPR".
//
// A CPR is personal data: every way of printing it (fmt with any verb,
// log/slog, encoding.TextMarshaler and so JSON) gives the masked form
// "ddmmyy-xxxx", so that a CPR cannot reach a log line, an error or a plan by
// accident. [CPR.Reveal] is the one way to get all ten digits.
//
// CPRs are comparable, so they work with == and as map keys; two CPRs are
// equal when their ten digits are.
type CPR struct {
	// packed is ddmmyy<<14 | ssss, or 0 for no CPR (no valid CPR has day
	// 00). Packing the serial into binary rather than keeping the digits
	// means that printers which bypass the methods (fmt's bad-verb output
	// for %p and %w, fmt of an unexported field holding a CPR, testify's
	// dumps) show a number that does not spell the serial in decimal. It is
	// a guard against accidents, not secrecy. The layout keeps numeric order
	// equal to the order of the ten-digit strings, which Compare relies on.
	packed uint64
}

const (
	cprSerialBits = 14 // 9999 < 1<<14
	cprSerialMask = 1<<cprSerialBits - 1
	cprMask       = "xxxx"
	// cprFictiveOffset is what a fictive CPR ("erstatnings-CPR") adds to the
	// real day of birth, so that it can never collide with an issued CPR.
	cprFictiveOffset = 60
)

// CPROptions says what ParseCPR accepts. The zero value accepts only CPRs
// issued by the CPR register.
type CPROptions struct {
	// AllowFictive accepts fictive CPRs ("erstatnings-CPR"), whose day is
	// the real day + 60 (61–91). Systems that never see people outside the
	// CPR register should leave it off, so that a typo in the day is
	// caught instead of turning into a fictive person.
	AllowFictive bool
}

// ErrInvalidCPR matches every error from ParseCPR with errors.Is, for callers
// that do not care why a CPR was rejected.
var ErrInvalidCPR = errors.New("orgmodel: invalid CPR number")

// CPRReason says which rule a rejected CPR broke, so that callers can react
// (ask the user again, or enable fictive CPRs) without parsing error text.
type CPRReason int

const (
	// CPRSyntax: not ten ASCII digits, with or without one dash after the
	// sixth.
	CPRSyntax CPRReason = iota + 1
	// CPRDate: the date part is not a date once the century rule has given
	// the year (this includes days that are neither real nor fictive).
	CPRDate
	// CPRFictive: a well-formed fictive CPR, and CPROptions.AllowFictive
	// was false.
	CPRFictive
)

// String returns a stable name ("syntax", "date", "fictive") for metrics and
// structured logs.
func (r CPRReason) String() string {
	switch r {
	case CPRSyntax:
		return "syntax"
	case CPRDate:
		return "date"
	case CPRFictive:
		return "fictive"
	}
	return "CPRReason(" + strconv.Itoa(int(r)) + ")"
}

// CPRError is the error ParseCPR returns. Its text never holds the input or
// any of its serial digits (digits 7–10), because rejected input is often a
// real CPR with a typo and error text ends up in logs.
type CPRError struct {
	// Reason is the rule the input broke.
	Reason CPRReason

	// detail says what was wrong. It is built only from lengths, positions
	// and the date part (never from the serial), and never holds a run of
	// more than two digits.
	detail string
}

// Error returns e.g. "orgmodel: invalid CPR number: day 32 is not a date".
func (e *CPRError) Error() string {
	d := e.detail
	if d == "" {
		d = e.Reason.String()
	}
	return ErrInvalidCPR.Error() + ": " + d
}

// Is reports whether target is ErrInvalidCPR, so that errors.Is works
// without every caller knowing about CPRError.
func (e *CPRError) Is(target error) bool { return target == ErrInvalidCPR }

func cprErr(r CPRReason, detail string) error { return &CPRError{Reason: r, detail: detail} }

// cprTwo formats a number known to be 0–99 as two digits: error text must never
// hold a longer run of digits, which could match a serial.
func cprTwo(n int) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}

// ParseCPR parses a CPR number written "ddmmyy-ssss" or "ddmmyyssss", with
// surrounding ASCII white space ignored. It checks the date part against the
// century rule (the seventh digit says the century) and the calendar.
//
// It deliberately does not apply the modulus-11 check: the CPR register has
// issued numbers that fail it since 2007, so it would reject real people.
//
// The error is a *CPRError, which matches ErrInvalidCPR with errors.Is.
func ParseCPR(s string, opts CPROptions) (CPR, error) {
	// Trim returns a substring, so a huge input costs time, not memory.
	s = strings.Trim(s, " \t\n\v\f\r")
	var d [10]int
	switch len(s) {
	case 10:
		for i := 0; i < 10; i++ {
			if s[i] < '0' || s[i] > '9' {
				return CPR{}, cprErr(CPRSyntax, "character "+cprTwo(i+1)+" is not a digit 0-9")
			}
			d[i] = int(s[i] - '0')
		}
	case 11:
		if s[6] != '-' {
			return CPR{}, cprErr(CPRSyntax, "11 characters, but character 07 is not the dash of ddmmyy-ssss")
		}
		for i, j := 0, 0; i < 11; i++ {
			if i == 6 {
				continue
			}
			if s[i] < '0' || s[i] > '9' {
				return CPR{}, cprErr(CPRSyntax, "character "+cprTwo(i+1)+" is not a digit 0-9")
			}
			d[j] = int(s[i] - '0')
			j++
		}
	default:
		n := "more than 99"
		if len(s) < 100 {
			n = strconv.Itoa(len(s))
		}
		return CPR{}, cprErr(CPRSyntax, "want ddmmyy-ssss or ddmmyyssss, got "+n+" bytes")
	}

	day, month, yy := d[0]*10+d[1], d[2]*10+d[3], d[4]*10+d[5]
	serial := d[6]*1000 + d[7]*100 + d[8]*10 + d[9]
	if month < 1 || month > 12 {
		return CPR{}, cprErr(CPRDate, "month "+cprTwo(month)+" is not a month")
	}
	realDay, fictive := day, false
	switch {
	case day >= 1 && day <= 31:
	case day >= 1+cprFictiveOffset && day <= 31+cprFictiveOffset:
		realDay, fictive = day-cprFictiveOffset, true
	default:
		return CPR{}, cprErr(CPRDate, "day "+cprTwo(day)+" is not a date (real days are 01-31, fictive ones 61-91)")
	}
	year := cprYear(yy, d[6])
	if _, err := timeline.NewDate(year, time.Month(month), realDay); err != nil {
		// Only the two-digit year: the full year would tell which century
		// digit 7 chose, and that digit belongs to the serial.
		what := "day " + cprTwo(day)
		if fictive {
			what = "fictive day " + cprTwo(day) + " (real day " + cprTwo(realDay) + ")"
		}
		return CPR{}, cprErr(CPRDate, what+" does not exist in month "+cprTwo(month)+" of year "+cprTwo(yy)+" in its century")
	}
	if fictive && !opts.AllowFictive {
		return CPR{}, cprErr(CPRFictive, "day "+cprTwo(day)+" makes it a fictive CPR, and fictive CPRs are not allowed here")
	}
	date := uint64(day*10000 + month*100 + yy)
	return CPR{packed: date<<cprSerialBits | uint64(serial)}, nil
}

// MustParseCPR is ParseCPR for constants in tests and examples. It panics on
// an invalid CPR with the error from ParseCPR, which holds no serial digits,
// so that a crash report cannot leak one.
func MustParseCPR(s string, opts CPROptions) CPR {
	c, err := ParseCPR(s, opts)
	if err != nil {
		panic(err)
	}
	return c
}

// cprYear applies the century rule: the first serial digit (the seventh
// digit) says which century a two-digit year belongs to.
func cprYear(yy, d7 int) int {
	switch {
	case d7 <= 3:
		return 1900 + yy
	case d7 == 4 || d7 == 9:
		if yy <= 36 {
			return 2000 + yy
		}
		return 1900 + yy
	default: // 5–8
		if yy <= 57 {
			return 2000 + yy
		}
		return 1800 + yy
	}
}

// parts unpacks c into its written date part (the day as written, so 61–91
// for a fictive CPR) and its serial.
func (c CPR) parts() (day, month, yy, serial int) {
	date := int(c.packed >> cprSerialBits)
	return date / 10000, date / 100 % 100, date % 100, int(c.packed & cprSerialMask)
}

// IsZero reports whether c is the zero value, i.e. no CPR: a person without
// one (not every employee has a Danish CPR) is a normal case, not an error.
func (c CPR) IsZero() bool { return c.packed == 0 }

// BirthDate returns the real date of birth, with the century rule applied and
// the fictive offset removed. It returns (0, 0, 0) for the zero CPR.
func (c CPR) BirthDate() (year int, month time.Month, day int) {
	if c.IsZero() {
		return 0, 0, 0
	}
	d, m, yy, serial := c.parts()
	if d > 31 {
		d -= cprFictiveOffset
	}
	return cprYear(yy, serial/1000), time.Month(m), d
}

// Fictive reports whether c is a fictive CPR ("erstatnings-CPR"), one
// assigned outside the CPR register and so unknown to systems that look
// people up there.
func (c CPR) Fictive() bool {
	d, _, _, _ := c.parts()
	return d > 31
}

// Reveal returns the full number, "ddmmyyssss". It is the only way to get
// all ten digits: use it to store a CPR (and read it back with ParseCPR) and
// for systems that need the number, never for logs, errors or plans. It
// returns "" for the zero CPR.
func (c CPR) Reveal() string {
	if c.IsZero() {
		return ""
	}
	b := c.digits()
	return string(b[:10])
}

// String returns the masked form "ddmmyy-xxxx", or "" for the zero CPR. The
// date part stays so that people can still tell CPRs apart in a log.
func (c CPR) String() string {
	if c.IsZero() {
		return ""
	}
	b := c.digits()
	copy(b[6:], "-"+cprMask) // the serial never leaves this stack array
	return string(b[:])
}

// digits returns the written form with one byte to spare for String's dash.
func (c CPR) digits() [11]byte {
	d, m, yy, serial := c.parts()
	var b [11]byte
	for i, n := range [...]int{d, m, yy} {
		b[2*i], b[2*i+1] = byte('0'+n/10), byte('0'+n%10)
	}
	for i := 9; i >= 6; i-- {
		b[i] = byte('0' + serial%10)
		serial /= 10
	}
	return b
}

// Format makes every fmt verb print the masked form (%q quoted, width and
// "-" honoured), so that no verb, not even %#v, %x or %d, reaches the
// digits. Without it %#v would print the struct's field.
func (c CPR) Format(f fmt.State, verb rune) {
	v := 's'
	if verb == 'q' {
		v = 'q'
	}
	fmt.Fprintf(f, fmt.FormatString(f, v), c.String())
}

// LogValue returns the masked form, so that log/slog handlers, which may not
// use fmt, never see the digits.
func (c CPR) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalText returns the masked form, so that JSON, YAML and anything else
// built on encoding.TextMarshaler cannot leak a CPR.
//
// It is deliberately not reversible and there is no UnmarshalText:
// unmarshalling into a CPR fails instead of yielding a broken value. To
// persist a CPR, store Reveal() and read it back with ParseCPR. Beware of
// CPRs as keys of a map that is marshalled: CPRs born the same day share a
// masked key.
func (c CPR) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Compare returns -1, 0 or +1 as c's ten digits sort before, equal to or
// after d's, for deterministic output without revealing the digits; the
// zero CPR sorts first.
func (c CPR) Compare(d CPR) int { return cmp.Compare(c.packed, d.packed) }
