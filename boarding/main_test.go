package boarding_test

import (
	"os"
	"testing"

	"github.com/orgsync/orgsync/internal/adtest"
)

// TestMain stops the Samba DC the AD tests start (once for the package).
func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }
