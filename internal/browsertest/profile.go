package browsertest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// profilePrefix starts the name of every profile directory this package
// makes in os.TempDir(); the owning test binary's pid follows, so that a
// later binary can tell the directories of dead ones.
const profilePrefix = "orgsync-browsertest-"

// sweepProfiles removes the profile directories (and kills any Chromium
// still using them) of test binaries that died without running Main, as a
// SIGKILLed or timed-out binary does.
func sweepProfiles() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), profilePrefix+"*-*"))
	for _, dir := range dirs {
		pidText, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(dir), profilePrefix), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processExists(pid) {
			continue
		}
		killProfileUsers(dir)
		os.RemoveAll(dir)
	}
}

// processExists reports whether pid names a live process (of any user:
// EPERM means it exists but is not ours to signal).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
