package adtest

import (
	"strings"
	"testing"
)

// TestFFDHE2048 checks the computed prime against the start and end of
// RFC 7919's published hexadecimal value.
func TestFFDHE2048(t *testing.T) {
	hex := strings.ToUpper(ffdhe2048().Text(16))
	if !strings.HasPrefix(hex, "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1") ||
		!strings.HasSuffix(hex, "886B423861285C97FFFFFFFFFFFFFFFF") {
		t.Fatalf("ffdhe2048 = %s", hex)
	}
}
