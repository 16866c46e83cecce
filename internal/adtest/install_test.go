package adtest

import (
	"strings"
	"testing"
)

// The message a developer sees when the AD tests skip says how to enable
// them.
func TestUnavailableSaysHowToEnable(t *testing.T) {
	msg := (&unavailableError{"samba is not installed and this process is not root"}).Error()
	for _, want := range []string{"not root", "run them as root", "apt-get install", "samba-ad-provision"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q: %s", want, msg)
		}
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "1": true, "false": false, "": false, "yes": false} {
		t.Setenv("CI", v)
		if got := inCI(); got != want {
			t.Errorf("CI=%q: inCI() = %v, want %v", v, got, want)
		}
	}
}
