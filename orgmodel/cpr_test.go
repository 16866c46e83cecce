package orgmodel_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/orgmodel"
)

var (
	cprStrict = orgmodel.CPROptions{}
	cprLax    = orgmodel.CPROptions{AllowFictive: true}

	// cprDigitRun finds runs of three or more digits: error text about a CPR
	// never needs one (positions, days and months have two digits), so a run
	// would be a leak waiting to happen.
	cprDigitRun = regexp.MustCompile(`[0-9]{3,}`)
	cprMasked   = regexp.MustCompile(`^[0-9]{6}-xxxx$`)
)

// cprASCIIDigits returns the ASCII digits of s in order.
func cprASCIIDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// cprSerialOf returns digits 7–10 of s (its ASCII digits counted in order),
// or "" when s has fewer than ten.
func cprSerialOf(s string) string {
	if d := cprASCIIDigits(s); len(d) >= 10 {
		return d[6:10]
	}
	return ""
}

// cprLastFour returns the last four ASCII digits of s, or "" when it has
// fewer.
func cprLastFour(s string) string {
	if d := cprASCIIDigits(s); len(d) >= 4 {
		return d[len(d)-4:]
	}
	return ""
}

func TestParseCPRValid(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		opts    orgmodel.CPROptions
		reveal  string
		year    int
		month   time.Month
		day     int
		fictive bool
	}{
		{"dash", "010190-1234", cprStrict, "0101901234", 1990, time.January, 1, false},
		{"no dash", "0101901234", cprStrict, "0101901234", 1990, time.January, 1, false},
		{"spaces around", "  010190-1234 ", cprStrict, "0101901234", 1990, time.January, 1, false},
		{"ascii white space around", "\t0101901234\r\n", cprStrict, "0101901234", 1990, time.January, 1, false},
		{"last day of year", "311299-0001", cprStrict, "3112990001", 1999, time.December, 31, false},
		{"30 april", "300485-2222", cprStrict, "3004852222", 1985, time.April, 30, false},

		// Century rule, digit 7 = 0–3: always 1900s.
		{"d7=0 yy=00", "010100-0000", cprStrict, "0101000000", 1900, time.January, 1, false},
		{"d7=3 yy=99", "010199-3999", cprStrict, "0101993999", 1999, time.January, 1, false},
		// Digit 7 = 4 or 9: 00–36 are 2000s, 37–99 are 1900s.
		{"d7=4 yy=36", "010136-4000", cprStrict, "0101364000", 2036, time.January, 1, false},
		{"d7=4 yy=37", "010137-4000", cprStrict, "0101374000", 1937, time.January, 1, false},
		{"d7=9 yy=00", "010100-9999", cprStrict, "0101009999", 2000, time.January, 1, false},
		{"d7=9 yy=36", "150636-9123", cprStrict, "1506369123", 2036, time.June, 15, false},
		{"d7=9 yy=37", "150637-9123", cprStrict, "1506379123", 1937, time.June, 15, false},
		// Digit 7 = 5–8: 00–57 are 2000s, 58–99 are 1800s.
		{"d7=5 yy=57", "010157-5000", cprStrict, "0101575000", 2057, time.January, 1, false},
		{"d7=5 yy=58", "010158-5000", cprStrict, "0101585000", 1858, time.January, 1, false},
		{"d7=6 yy=20", "101020-6543", cprStrict, "1010206543", 2020, time.October, 10, false},
		{"d7=7 yy=75", "101075-7654", cprStrict, "1010757654", 1875, time.October, 10, false},
		{"d7=8 yy=00", "010100-8000", cprStrict, "0101008000", 2000, time.January, 1, false},
		{"d7=8 yy=99", "311299-8999", cprStrict, "3112998999", 1899, time.December, 31, false},

		// Leap days.
		{"29 feb 2000 (d7=4)", "290200-4000", cprStrict, "2902004000", 2000, time.February, 29, false},
		{"29 feb 2000 (d7=5)", "290200-5000", cprStrict, "2902005000", 2000, time.February, 29, false},
		{"29 feb 1996", "290296-1234", cprStrict, "2902961234", 1996, time.February, 29, false},
		{"29 feb 2024", "290224-4321", cprStrict, "2902244321", 2024, time.February, 29, false},
		{"29 feb 1860", "290260-5678", cprStrict, "2902605678", 1860, time.February, 29, false},
		{"28 feb 1900", "280200-1234", cprStrict, "2802001234", 1900, time.February, 28, false},

		// Fictive CPRs: day + 60, BirthDate gives the real day.
		{"fictive day 61", "610190-1234", cprLax, "6101901234", 1990, time.January, 1, true},
		{"fictive day 91", "911290-1234", cprLax, "9112901234", 1990, time.December, 31, true},
		{"fictive no dash", "7005834321", cprLax, "7005834321", 1983, time.May, 10, true},
		{"fictive 29 feb 2000", "890200-4000", cprLax, "8902004000", 2000, time.February, 29, true},
		{"real CPR with fictive allowed", "010190-1234", cprLax, "0101901234", 1990, time.January, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := orgmodel.ParseCPR(tc.in, tc.opts)
			require.NoError(t, err)
			assert.False(t, c.IsZero())
			assert.Equal(t, tc.reveal, c.Reveal())
			assert.Equal(t, tc.reveal[:6]+"-xxxx", c.String())
			y, m, d := c.BirthDate()
			assert.Equal(t, tc.year, y, "year")
			assert.Equal(t, tc.month, m, "month")
			assert.Equal(t, tc.day, d, "day")
			assert.Equal(t, tc.fictive, c.Fictive())

			back, err := orgmodel.ParseCPR(c.Reveal(), tc.opts)
			require.NoError(t, err)
			assert.True(t, back == c, "Reveal must round-trip through ParseCPR")
		})
	}
}

func TestParseCPRInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		opts   orgmodel.CPROptions
		reason orgmodel.CPRReason
	}{
		// Syntax.
		{"empty", "", cprStrict, orgmodel.CPRSyntax},
		{"only spaces", "    ", cprStrict, orgmodel.CPRSyntax},
		{"9 digits", "010190123", cprStrict, orgmodel.CPRSyntax},
		{"11 digits", "01019012345", cprStrict, orgmodel.CPRSyntax},
		{"12 characters with dash", "010190-12345", cprStrict, orgmodel.CPRSyntax},
		{"dash too early", "01019-01234", cprStrict, orgmodel.CPRSyntax},
		{"dash too late", "0101901-234", cprStrict, orgmodel.CPRSyntax},
		{"dash in 10 characters", "01019-1234", cprStrict, orgmodel.CPRSyntax},
		{"two dashes", "010190--1234", cprStrict, orgmodel.CPRSyntax},
		{"leading dash", "-0101901234", cprStrict, orgmodel.CPRSyntax},
		{"trailing dash", "0101901234-", cprStrict, orgmodel.CPRSyntax},
		{"space separator", "010190 1234", cprStrict, orgmodel.CPRSyntax},
		{"slash separator", "010190/1234", cprStrict, orgmodel.CPRSyntax},
		{"en dash separator", "010190\u20131234", cprStrict, orgmodel.CPRSyntax},
		{"letter in serial", "010190-12a4", cprStrict, orgmodel.CPRSyntax},
		{"letter in date", "01o190-1234", cprStrict, orgmodel.CPRSyntax},
		{"sign", "+010190123", cprStrict, orgmodel.CPRSyntax},
		{"NUL inside", "01019\x001234", cprStrict, orgmodel.CPRSyntax},
		{"NUL after", "0101901234\x00", cprStrict, orgmodel.CPRSyntax},
		{"NUL as dash", "010190\x001234", cprStrict, orgmodel.CPRSyntax},
		{"arabic-indic digits", "\u0660\u0661\u0660\u0661\u0669\u0660\u0661\u0662\u0663\u0664", cprStrict, orgmodel.CPRSyntax},
		{"full-width digits", "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14", cprStrict, orgmodel.CPRSyntax},
		{"one arabic-indic digit, 10 bytes", "01019012\u0663", cprStrict, orgmodel.CPRSyntax},
		{"one arabic-indic digit with dash, 11 bytes", "010190-12\u0663", cprStrict, orgmodel.CPRSyntax},
		{"superscript digit", "01019012\u00b2", cprStrict, orgmodel.CPRSyntax},
		{"no-break space around", "\u00a00101901234\u00a0", cprStrict, orgmodel.CPRSyntax},
		{"inner spaces", "0101 901234", cprStrict, orgmodel.CPRSyntax},
		{"two CPRs", "0101901234 0202901234", cprStrict, orgmodel.CPRSyntax},
		{"huge", strings.Repeat("0101901234", 10_000), cprStrict, orgmodel.CPRSyntax},

		// Date.
		{"day 00", "000190-1234", cprStrict, orgmodel.CPRDate},
		{"day 32", "320190-1234", cprStrict, orgmodel.CPRDate},
		{"day 60", "600190-1234", cprLax, orgmodel.CPRDate},
		{"day 92", "920190-1234", cprLax, orgmodel.CPRDate},
		{"day 99", "990190-1234", cprStrict, orgmodel.CPRDate},
		{"month 00", "010090-1234", cprStrict, orgmodel.CPRDate},
		{"month 13", "011390-1234", cprStrict, orgmodel.CPRDate},
		{"31 april", "310490-1234", cprStrict, orgmodel.CPRDate},
		{"30 february", "300290-1234", cprStrict, orgmodel.CPRDate},
		{"29 feb 1900 (d7=0)", "290200-0123", cprStrict, orgmodel.CPRDate},
		{"29 feb 1900 (d7=3)", "290200-3456", cprStrict, orgmodel.CPRDate},
		{"29 feb 2001", "290201-4567", cprStrict, orgmodel.CPRDate},
		{"29 feb 1999 (d7=9)", "290299-9876", cprStrict, orgmodel.CPRDate},
		{"fictive 31 april", "910490-1234", cprLax, orgmodel.CPRDate},
		{"fictive 31 april, not allowed", "910490-1234", cprStrict, orgmodel.CPRDate},
		{"fictive 29 feb 1900", "890200-2345", cprLax, orgmodel.CPRDate},

		// Fictive without the option.
		{"fictive day 61", "610190-1234", cprStrict, orgmodel.CPRFictive},
		{"fictive day 91", "9112901234", cprStrict, orgmodel.CPRFictive},
		{"fictive 29 feb 2000", "890200-4000", cprStrict, orgmodel.CPRFictive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := orgmodel.ParseCPR(tc.in, tc.opts)
			require.Error(t, err)
			assert.True(t, c.IsZero(), "a failed parse returns the zero CPR")
			assert.ErrorIs(t, err, orgmodel.ErrInvalidCPR)
			var ce *orgmodel.CPRError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.reason, ce.Reason)

			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "orgmodel: invalid CPR number: "), msg)
			if last := cprLastFour(tc.in); last != "" {
				assert.NotContains(t, msg, last, "the error text must not hold the serial")
			}
			if serial := cprSerialOf(tc.in); serial != "" {
				assert.NotContains(t, msg, serial, "the error text must not hold digits 7-10")
			}
			assert.NotRegexp(t, cprDigitRun, msg, "the error text holds a run of digits")
			if trimmed := strings.TrimSpace(tc.in); len(trimmed) >= 4 {
				assert.NotContains(t, msg, trimmed)
			}
		})
	}
}

func TestCPRErrorText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"320190-1234", "day 32 is not a date (real days are 01-31, fictive ones 61-91)"},
		{"011390-1234", "month 13 is not a month"},
		{"310490-1234", "day 31 does not exist in month 04 of year 90 in its century"},
		{"290200-1234", "day 29 does not exist in month 02 of year 00 in its century"},
		{"610190-1234", "day 61 makes it a fictive CPR, and fictive CPRs are not allowed here"},
		{"010190-12a4", "character 10 is not a digit 0-9"},
		{"01019-01234", "11 characters, but character 07 is not the dash of ddmmyy-ssss"},
		{"0101901234567", "want ddmmyy-ssss or ddmmyyssss, got 13 bytes"},
		{strings.Repeat("1", 1234), "want ddmmyy-ssss or ddmmyyssss, got more than 99 bytes"},
	} {
		_, err := orgmodel.ParseCPR(tc.in, cprStrict)
		require.Error(t, err, tc.want)
		assert.Equal(t, "orgmodel: invalid CPR number: "+tc.want, err.Error())
	}

	_, err := orgmodel.ParseCPR("910490-1234", cprLax)
	require.Error(t, err)
	assert.Equal(t, "orgmodel: invalid CPR number: fictive day 91 (real day 31) does not exist in month 04 of year 90 in its century", err.Error())

	// A CPRError made by hand still explains itself.
	assert.Equal(t, "orgmodel: invalid CPR number: date", (&orgmodel.CPRError{Reason: orgmodel.CPRDate}).Error())

	// Wrapping keeps errors.Is and errors.As working.
	_, err = orgmodel.ParseCPR("320190-1234", cprStrict)
	wrapped := fmt.Errorf("person 7: %w", err)
	assert.ErrorIs(t, wrapped, orgmodel.ErrInvalidCPR)
	var ce *orgmodel.CPRError
	require.ErrorAs(t, wrapped, &ce)
	assert.Equal(t, orgmodel.CPRDate, ce.Reason)
	assert.False(t, errors.Is(err, errors.New("orgmodel: invalid CPR number")), "Is matches ErrInvalidCPR itself, not its text")
}

func TestCPRReasonString(t *testing.T) {
	assert.Equal(t, "syntax", orgmodel.CPRSyntax.String())
	assert.Equal(t, "date", orgmodel.CPRDate.String())
	assert.Equal(t, "fictive", orgmodel.CPRFictive.String())
	assert.Equal(t, "CPRReason(0)", orgmodel.CPRReason(0).String())
	assert.Equal(t, "CPRReason(42)", orgmodel.CPRReason(42).String())
}

func TestMustParseCPR(t *testing.T) {
	assert.Equal(t, "0101901234", orgmodel.MustParseCPR("010190-1234", cprStrict).Reveal())
	assert.True(t, orgmodel.MustParseCPR("610190-1234", cprLax).Fictive())

	defer func() {
		r := recover()
		require.NotNil(t, r, "MustParseCPR must panic on an invalid CPR")
		err, ok := r.(error)
		require.True(t, ok, "the panic value is the error, got %T", r)
		assert.ErrorIs(t, err, orgmodel.ErrInvalidCPR)
		assert.NotContains(t, fmt.Sprint(r), "9876")
	}()
	orgmodel.MustParseCPR("320190-9876", cprStrict)
}

// TestParseCPRHugeInput checks that rejecting a huge input costs no memory
// in proportion to it: ParseCPR sees whatever a source sends.
func TestParseCPRHugeInput(t *testing.T) {
	huge := "  " + strings.Repeat("0101901234", 1<<20) + "  " // 10 MiB
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		_, err := orgmodel.ParseCPR(huge, cprStrict)
		require.Error(t, err)
	}
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "ParseCPR allocated in proportion to its input")
}

var cprPrintCases = []struct {
	in     string
	masked string
	serial string
}{
	{"010190-1234", "010190-xxxx", "1234"},
	{"241275-5678", "241275-xxxx", "5678"},
	{"0703839012", "070383-xxxx", "9012"},
}

func TestCPRFmt(t *testing.T) {
	for _, pc := range cprPrintCases {
		c := orgmodel.MustParseCPR(pc.in, cprStrict)
		full := c.Reveal()
		m := pc.masked

		for _, tc := range []struct{ format, want string }{
			{"%v", m}, {"%+v", m}, {"%#v", m}, {"%s", m}, {"%q", `"` + m + `"`},
			{"%#q", "`" + m + "`"}, {"%+q", `"` + m + `"`},
			{"%x", m}, {"%X", m}, {"%d", m}, {"%o", m}, {"%O", m}, {"%b", m},
			{"%c", m}, {"%U", m}, {"%e", m}, {"%E", m}, {"%f", m}, {"%F", m},
			{"%g", m}, {"%G", m}, {"%t", m}, {"%z", m},
			{"%14v", "   " + m}, {"%-14s|", m + "   |"}, {"%.6s", m[:6]},
			{"%T", "orgmodel.CPR"},
		} {
			got := fmt.Sprintf(tc.format, c)
			assert.Equal(t, tc.want, got, "format %s", tc.format)
			assert.NotContains(t, got, pc.serial, "format %s", tc.format)
		}

		// %p and %w are bad verbs for a CPR; fmt then prints the raw
		// field, bypassing Format. The packed representation keeps even
		// that from spelling the serial (for these values; it is a guard,
		// not a guarantee), where a naive one would print it.
		for _, format := range []string{"%p", "%w"} {
			got := fmt.Sprintf(format, c)
			assert.True(t, strings.HasPrefix(got, "%!"), "format %s: %s", format, got)
			assert.NotContains(t, got, pc.serial, "format %s", format)
		}

		type exported struct {
			Name string
			CPR  orgmodel.CPR
			Ptr  *orgmodel.CPR
		}
		type unexported struct{ cpr orgmodel.CPR }
		for _, v := range []any{
			&c, []orgmodel.CPR{c, c}, map[orgmodel.CPR]int{c: 1}, [1]orgmodel.CPR{c},
			exported{"Jens", c, &c}, &exported{"Jens", c, nil}, unexported{c},
		} {
			for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
				got := fmt.Sprintf(format, v)
				assert.NotContains(t, got, pc.serial, "format %s of %T: %s", format, v, got)
				assert.NotContains(t, got, full, "format %s of %T: %s", format, v, got)
			}
		}
		assert.Equal(t, "["+m+" "+m+"]", fmt.Sprint([]orgmodel.CPR{c, c}))
		assert.Equal(t, "{Name:Jens CPR:"+m+" Ptr:<nil>}", fmt.Sprintf("%+v", exported{"Jens", c, nil}))

		assert.Equal(t, m, fmt.Sprint(c))
		assert.Equal(t, m+"\n", fmt.Sprintln(c))
		assert.Equal(t, "bad: "+m, fmt.Errorf("bad: %v", c).Error())
	}

	var nilPtr *orgmodel.CPR
	assert.Equal(t, "<nil>", fmt.Sprint(nilPtr))
}

func TestCPRSlog(t *testing.T) {
	for _, pc := range cprPrintCases {
		c := orgmodel.MustParseCPR(pc.in, cprStrict)
		type person struct {
			Name string
			CPR  orgmodel.CPR
		}
		// Without the time: a timestamp's nanoseconds can spell the serial
		// (CI once logged "….362212346Z" and found "1234" in it).
		noTime := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}}
		handlers := map[string]func(*bytes.Buffer) slog.Handler{
			"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, noTime) },
			"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, noTime) },
		}
		for name, h := range handlers {
			t.Run(name+" "+pc.masked, func(t *testing.T) {
				var buf bytes.Buffer
				log := slog.New(h(&buf))
				log.Info("hired", "cpr", c)
				log.Info("hired", slog.Any("ptr", &c))
				log.Info("hired", "person", person{"Jens", c})
				log.Info("hired", "cprs", []orgmodel.CPR{c})
				log.With("cpr", c).WithGroup("g").Info("hired", "cpr", c)
				log.Error("rejected", "err", fmt.Errorf("person %v: %w", c, errors.New("boom")))

				out := buf.String()
				assert.NotContains(t, out, pc.serial)
				assert.NotContains(t, out, c.Reveal())
				assert.Equal(t, 7, strings.Count(out, pc.masked), out)
			})
		}
		assert.Equal(t, slog.StringValue(pc.masked), c.LogValue())
	}
}

func TestCPRJSON(t *testing.T) {
	c := orgmodel.MustParseCPR("010190-1234", cprStrict)
	type person struct {
		Name  string       `json:"name"`
		CPR   orgmodel.CPR `json:"cpr"`
		Other orgmodel.CPR `json:"other,omitzero"`
	}
	b, err := json.Marshal(person{Name: "Jens", CPR: c})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"Jens","cpr":"010190-xxxx"}`, string(b))
	assert.NotContains(t, string(b), "1234")

	b, err = json.Marshal(person{Name: "Jens"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"Jens","cpr":""}`, string(b))

	text, err := c.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "010190-xxxx", string(text))

	// Masking is one-way: the masked form must not come back as a CPR.
	_, ok := any(&c).(encoding.TextUnmarshaler)
	assert.False(t, ok, "CPR must not implement encoding.TextUnmarshaler")
	var p person
	assert.Error(t, json.Unmarshal([]byte(`{"cpr":"010190-xxxx"}`), &p))
	assert.Error(t, json.Unmarshal([]byte(`{"cpr":"0101901234"}`), &p))
}

func TestCPRZero(t *testing.T) {
	var z orgmodel.CPR
	assert.True(t, z.IsZero())
	assert.Equal(t, "", z.String())
	assert.Equal(t, "", z.Reveal())
	assert.False(t, z.Fictive())
	y, m, d := z.BirthDate()
	assert.Equal(t, 0, y)
	assert.Equal(t, time.Month(0), m)
	assert.Equal(t, 0, d)
	assert.Equal(t, `|""||`, fmt.Sprintf("|%q|%v|", z, z))
	assert.Equal(t, slog.StringValue(""), z.LogValue())
	text, err := z.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, text)

	c := orgmodel.MustParseCPR("010190-1234", cprStrict)
	assert.False(t, c.IsZero())
	assert.True(t, z == orgmodel.CPR{})
	assert.False(t, c == z)
	assert.Equal(t, -1, z.Compare(c))
	assert.Equal(t, 1, c.Compare(z))
	assert.Equal(t, 0, z.Compare(orgmodel.CPR{}))
}

func TestCPRCompare(t *testing.T) {
	ins := []string{
		"3112998999", "010190-1234", "0101901233", "010190-1235", "020190-0000",
		"0101911234", "010290-1234", "610190-0001", "911299-9999", "010100-0000",
		"290200-4000", "101020-6543",
	}
	var cprs []orgmodel.CPR
	for _, s := range ins {
		cprs = append(cprs, orgmodel.MustParseCPR(s, cprLax))
	}
	got := slices.Clone(cprs)
	slices.SortFunc(got, orgmodel.CPR.Compare)
	want := slices.Clone(cprs)
	slices.SortFunc(want, func(a, b orgmodel.CPR) int { return strings.Compare(a.Reveal(), b.Reveal()) })
	assert.Equal(t, want, got, "Compare must order by the ten digits")

	for _, a := range cprs {
		for _, b := range cprs {
			assert.Equal(t, strings.Compare(a.Reveal(), b.Reveal()), a.Compare(b), "%s vs %s", a.Reveal(), b.Reveal())
		}
	}

	a, b := cprs[0], cprs[1]
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = a.Compare(b) }))
}

func TestCPRMapKey(t *testing.T) {
	a := orgmodel.MustParseCPR("010190-1234", cprStrict)
	a2 := orgmodel.MustParseCPR(" 0101901234", cprStrict)
	b := orgmodel.MustParseCPR("010190-1235", cprStrict)
	assert.True(t, a == a2, "the same number written two ways is one CPR")
	assert.False(t, a == b, "CPRs with the same date part but another serial differ")

	m := map[orgmodel.CPR]string{a: "Jens", b: "Karen"}
	m[a2] = "Jens Hansen"
	assert.Len(t, m, 2)
	assert.Equal(t, "Jens Hansen", m[a])
	assert.Equal(t, "Karen", m[b])
	_, ok := m[orgmodel.CPR{}]
	assert.False(t, ok)
}

func FuzzParseCPR(f *testing.F) {
	for _, s := range []string{
		"010190-1234", "0101901234", " 010190-1234 ", "610190-1234", "290200-4000",
		"290200-0000", "010158-5000", "320190-1234", "01019-01234", "01019\x001234",
		"\u0660\u0661\u0660\u0661\u0669\u0660\u0661\u0662\u0663\u0664", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		strict, errStrict := orgmodel.ParseCPR(s, cprStrict)
		lax, errLax := orgmodel.ParseCPR(s, cprLax)
		serial := cprSerialOf(s)

		for _, r := range []struct {
			c    orgmodel.CPR
			err  error
			opts orgmodel.CPROptions
		}{{strict, errStrict, cprStrict}, {lax, errLax, cprLax}} {
			if r.err != nil {
				require.True(t, r.c.IsZero())
				require.ErrorIs(t, r.err, orgmodel.ErrInvalidCPR)
				var ce *orgmodel.CPRError
				require.ErrorAs(t, r.err, &ce)
				msg := r.err.Error()
				if serial != "" {
					require.NotContains(t, msg, serial)
				}
				require.NotRegexp(t, cprDigitRun, msg)
				continue
			}

			require.False(t, r.c.IsZero())
			digits := cprASCIIDigits(s)
			require.Len(t, digits, 10)
			require.Equal(t, digits, r.c.Reveal())
			back, err := orgmodel.ParseCPR(r.c.Reveal(), r.opts)
			require.NoError(t, err)
			require.True(t, back == r.c, "Reveal does not round-trip")

			str := r.c.String()
			require.Regexp(t, cprMasked, str)
			require.Equal(t, digits[:6], str[:6])
			// The date part may happen to hold the serial's digits
			// (121212-1212); the serial itself must not be there.
			if !strings.Contains(digits[:6], serial) {
				require.NotContains(t, str, serial)
			}
			for _, format := range []string{"%v", "%+v", "%#v", "%s", "%x", "%d"} {
				require.Equal(t, str, fmt.Sprintf(format, r.c))
			}

			y, m, d := r.c.BirthDate()
			require.True(t, y >= 1858 && y <= 2057, "year %d", y)
			bd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			require.Equal(t, []int{y, int(m), d}, []int{bd.Year(), int(bd.Month()), bd.Day()}, "BirthDate is not a date")
			require.Equal(t, y%100, int(digits[4]-'0')*10+int(digits[5]-'0'))
			wantDay := int(digits[0]-'0')*10 + int(digits[1]-'0')
			if r.c.Fictive() {
				wantDay -= 60
			}
			require.Equal(t, wantDay, d)
		}

		// The option only ever adds fictive CPRs.
		switch {
		case errStrict == nil:
			require.NoError(t, errLax)
			require.True(t, strict == lax)
			require.False(t, strict.Fictive())
		case errLax == nil:
			var ce *orgmodel.CPRError
			require.ErrorAs(t, errStrict, &ce)
			require.Equal(t, orgmodel.CPRFictive, ce.Reason)
			require.True(t, lax.Fictive())
		default:
			require.Equal(t, errStrict.Error(), errLax.Error())
		}
	})
}
