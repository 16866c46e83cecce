package connectors

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSkippedRecordSaysWhereAndMasksNationalIDs(t *testing.T) {
	s := SkippedRecord{Where: "ZLPE20270115.xml", Kind: "employee", Key: "4711", Field: "cpr", Problem: "0101901234 is not valid"}
	assert.Equal(t, `ZLPE20270115.xml: employee "4711", cpr: 010190-xxxx is not valid`, s.String())
	assert.Equal(t, `unit: no name`, SkippedRecord{Kind: "unit", Problem: "no name"}.String())
}

func TestApplyAddsAPagesSkippedRecords(t *testing.T) {
	s := &PayrollSnapshot{Skipped: []SkippedRecord{{Kind: "unit", Key: "1", Problem: "a"}}}
	keep := s.Skipped
	s.Apply(&PayrollChanges{Skipped: []SkippedRecord{{Kind: "unit", Key: "2", Problem: "b"}}})
	assert.Len(t, s.Skipped, 2)
	assert.Len(t, keep, 1, "the old list is not written into")
	many := make([]SkippedRecord, MaxSkipped+10)
	assert.Len(t, CapSkipped(many), MaxSkipped)
	assert.Equal(t, "and 11 more records skipped", CapSkipped(many)[MaxSkipped-1].Problem)
}
