package payrollfile

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var fuzzDay = timeline.MustParseDate("2026-11-22")

// seedFiles returns the sample delivery in testdata/delivery.
func seedFiles(tb testing.TB) [4][]byte {
	var data [4][]byte
	for k := range specs {
		b, err := os.ReadFile(filepath.Join("testdata", "delivery", fileName(k, fuzzDay)))
		if err != nil {
			tb.Fatal(err)
		}
		data[k] = b
	}
	return data
}

// FuzzParse checks the parser of every file of a delivery: it never
// panics, and it either returns a snapshot that passes CheckPayroll, sorted
// by key and start, that encode writes and parse reads back as it was; or
// only *Errors, each placed in one of the four files.
func FuzzParse(f *testing.F) {
	seed := seedFiles(f)
	f.Add(seed[0], seed[1], seed[2], seed[3])
	edit := func(k int, old, new string) {
		d := seed
		d[k] = bytes.Replace(d[k], []byte(old), []byte(new), 1)
		f.Add(d[0], d[1], d[2], d[3])
	}
	edit(0, "U3,U2", "U3,U9")                                   // unknown parent
	edit(0, "2026-03-01,9999", "2026-02-01,9999")               // overlap
	edit(0, "U1,,", "U1,U3,")                                   // cycle
	edit(0, "Sjølund", "Sj\xf8lund")                            // Latin-1
	edit(0, "key,parent", "\xef\xbb\xbfkey,parent")             // BOM
	edit(1, "Zoë", "\"Zo\r\në\"")                               // multi-line field
	edit(1, "Zoë", "Zo\"ë")                                     // bare quote
	edit(2, `"0,8"`, "0.30000000000000004")                     // long fraction
	edit(2, "E2,P2,U2", "E2,P2,U2,extra")                       // field count
	edit(3, "2025-06-30", "2024-06-30")                         // to before from
	edit(3, "key,engagement,type,from,to", "key,engagement,to") // bad header
	f.Add([]byte{}, []byte{}, []byte{}, []byte{})
	f.Add([]byte("key,parent,name,from,to\nA,,a,0001-01-01,9998-12-31\n"), []byte("key,national_id,given_names,surname,from,to\n"),
		[]byte("key,person,unit,fraction,from,to\n"), []byte("to,from,engagement,key\n"))

	f.Fuzz(func(t *testing.T, units, persons, engagements, leaves []byte) {
		data := [4][]byte{units, persons, engagements, leaves}
		s, err := parse(context.Background(), fuzzDay, &data)
		if err != nil {
			if s != nil {
				t.Fatal("a snapshot and an error")
			}
			leaves := leafErrors(err)
			if len(leaves) == 0 || len(leaves) > MaxProblems+1 {
				t.Fatalf("%d problems: %v", len(leaves), err)
			}
			for i, e := range leaves {
				var pe *Error
				if !errors.As(e, &pe) {
					t.Fatalf("not a *Error: %T %v", e, e)
				}
				last := i == MaxProblems && pe.File == ""
				if !last && (pe.Line < 1 || !slices.Contains(names(), pe.File)) {
					t.Fatalf("badly placed: %#v: %v", pe, pe)
				}
			}
			return
		}
		if err := connectors.CheckPayroll(s); err != nil {
			t.Fatalf("accepted, yet CheckPayroll refuses: %v", err)
		}
		checkSorted(t, s.Units, func(u connectors.PayrollUnit) (string, timeline.Date) { return u.Key, u.Valid.From })
		checkSorted(t, s.Persons, func(p connectors.PayrollPerson) (string, timeline.Date) { return p.Key, p.Valid.From })
		checkSorted(t, s.Engagements, func(e connectors.PayrollEngagement) (string, timeline.Date) { return e.Key, e.Valid.From })
		checkSorted(t, s.Leaves, func(l connectors.PayrollLeave) (string, timeline.Date) { return l.Key, l.Valid.From })
		var out [4][]byte
		for k := range specs {
			var b bytes.Buffer
			if err := encode(&b, k, s); err != nil {
				t.Fatal(err)
			}
			out[k] = b.Bytes()
		}
		again, err := parse(context.Background(), fuzzDay, &out)
		if err != nil {
			t.Fatalf("refuses what it wrote: %v", err)
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("read back differently:\n%v\n%v", s, again)
		}
	})
}

func names() []string {
	var out []string
	for k := range specs {
		out = append(out, fileName(k, fuzzDay))
	}
	return out
}

// leafErrors returns the errors joined in err.
func leafErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func checkSorted[T any](t *testing.T, rows []T, kv func(T) (string, timeline.Date)) {
	t.Helper()
	if !slices.IsSortedFunc(rows, func(a, b T) int {
		ka, fa := kv(a)
		kb, fb := kv(b)
		return cmp.Or(strings.Compare(ka, kb), cmp.Compare(fa, fb))
	}) {
		t.Fatal("rows not sorted by key and start")
	}
}

// TestParseHonoursCancellation checks that a parse stops when its context
// ends, between files and between rows.
func TestParseHonoursCancellation(t *testing.T) {
	data := seedFiles(t)
	var b bytes.Buffer
	b.Write(data[3])
	for i := range 3 * checkEvery {
		b.WriteString("L" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ",E1,,2025-01-01,2025-01-01\n")
	}
	data[3] = b.Bytes()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := parse(ctx, fuzzDay, &data)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// Cancelled while reading the rows of the last file.
	p := &parser{ctx: ctx, day: fuzzDay}
	if err := p.file(3, data[3]); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := len(p.leaves); n >= checkEvery {
		t.Fatalf("read %d rows after the context ended", n)
	}
}
