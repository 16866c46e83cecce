package connectors

import (
	"fmt"
	"strings"

	"github.com/orgsync/orgsync/internal/redact"
)

// SkippedRecord is a record a source connector read and left out because
// it is malformed (a date that does not parse, a required field empty, a
// duplicate): where it is and what is wrong, for the operator to put right
// in the source. A connector skips such a record and delivers the rest,
// rather than stopping the run over one row, and never drops one
// silently: every record it leaves out is in the snapshot's or page's
// Skipped list.
type SkippedRecord struct {
	// Where is the place in the delivery: a file, a page, a request
	// ("ZLPE20270115.xml", "GetEmployment20111201").
	Where string
	// Kind is the kind of record in the source's terms ("employee",
	// "employment", "unit", "identity").
	Kind string
	// Key is the record's id in the source, or "" if it could not be
	// read.
	Key string
	// Field is the field at fault, or "" for the whole record.
	Field string
	// Problem says what is wrong. It holds no national id in full.
	Problem string
}

// MaxSkipped is the most skipped records a snapshot or page reports; a
// connector that skips more reports the first MaxSkipped-1 and a last
// record that counts the rest, so that a broken delivery cannot flood the
// host.
const MaxSkipped = 1000

// String describes the skipped record on one line, national ids masked.
func (s SkippedRecord) String() string {
	var b strings.Builder
	if s.Where != "" {
		b.WriteString(s.Where + ": ")
	}
	b.WriteString(s.Kind)
	if s.Key != "" {
		fmt.Fprintf(&b, " %q", s.Key)
	}
	if s.Field != "" {
		b.WriteString(", " + s.Field)
	}
	b.WriteString(": " + s.Problem)
	return redact.NationalIDs(b.String())
}

// CapSkipped returns skipped cut to MaxSkipped records, the last one
// counting those left out.
func CapSkipped(skipped []SkippedRecord) []SkippedRecord {
	if len(skipped) <= MaxSkipped {
		return skipped
	}
	out := append([]SkippedRecord(nil), skipped[:MaxSkipped-1]...)
	return append(out, SkippedRecord{Kind: "record", Problem: fmt.Sprintf("and %d more records skipped", len(skipped)-MaxSkipped+1)})
}
