package orgmodel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestSourceIDNeverChanges pins SourceID to the expression it was first
// written as, and to one id outright: a change would give every imported
// object a new id.
func TestSourceIDNeverChanges(t *testing.T) {
	was := func(source string, k Kind, key string) uuid.UUID {
		return uuid.NewSHA1(namespace, []byte(fmt.Sprintf("%s\x00%d\x00%s", source, k, key)))
	}
	long := strings.Repeat("Ærø-", 100)
	for _, source := range []string{"sd", "synth-payroll", "", long} {
		for _, k := range append(Kinds(), 0, 255) {
			for _, key := range []string{"", "U1", "0101901234", "李\x00x", long} {
				if got, want := SourceID(source, k, key), was(source, k, key); got != want {
					t.Fatalf("SourceID(%q, %d, %q) = %s, was %s", source, k, key, got, want)
				}
			}
		}
	}
	if got := SourceID("sd", KindUnit, "U1").String(); got != "d88ad1de-8e98-5e65-89eb-e156cee5b2f4" {
		t.Errorf("SourceID(sd, unit, U1) = %s", got)
	}
	if n := testing.AllocsPerRun(100, func() { SourceID("synth-payroll", KindEngagement, "123456") }); n != 0 {
		t.Errorf("SourceID allocates %v times", n)
	}
}
