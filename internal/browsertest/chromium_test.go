package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The message a developer without Chromium sees says how to install it.
func TestUnavailableSaysHowToInstall(t *testing.T) {
	msg := (&unavailableError{"no chromium found"}).Error()
	for _, want := range []string{"no chromium found", "apt-get install -y --no-install-recommends chromium fonts-liberation", EnvChromium} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q: %s", want, msg)
		}
	}
}

func TestInCI(t *testing.T) {
	for _, c := range []struct {
		ci, orgsync string
		want        bool
	}{{"true", "", true}, {"1", "", true}, {"", "true", true}, {"false", "", false}, {"", "", false}, {"yes", "", false}} {
		t.Setenv("CI", c.ci)
		t.Setenv("ORGSYNC_CI", c.orgsync)
		if got := inCI(); got != c.want {
			t.Errorf("CI=%q ORGSYNC_CI=%q: inCI() = %v, want %v", c.ci, c.orgsync, got, c.want)
		}
	}
}

// ORGSYNC_CHROMIUM wins, and a wrong one is an error rather than a silent
// fallback to another browser.
func TestFindChromiumHonoursTheVariable(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "my-chromium")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvChromium, exe)
	if got, err := findChromium(); err != nil || got != exe {
		t.Errorf("findChromium() = %q, %v; want %q", got, err, exe)
	}
	t.Setenv(EnvChromium, exe+".missing")
	if _, err := findChromium(); err == nil || !strings.Contains(err.Error(), EnvChromium) {
		t.Errorf("findChromium() with a missing %s: err = %v", EnvChromium, err)
	}
}
