package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// EnvChromium names the variable that points the tests at a Chromium (or
// Chrome) binary of the developer's choice.
const EnvChromium = "ORGSYNC_CHROMIUM"

// debianPackages are what a Debian machine needs to run the browser tests.
// fonts-liberation is named because --no-install-recommends leaves every
// font out, and a page then renders (and screenshots) with boxes for text.
var debianPackages = []string{"chromium", "fonts-liberation"}

// unavailableError says Chromium cannot run here for a reason the developer
// can fix, and how.
type unavailableError struct{ reason string }

func (e *unavailableError) Error() string {
	return "Chromium unavailable: " + e.reason +
		". To run the browser tests, install it: apt-get install -y --no-install-recommends " +
		strings.Join(debianPackages, " ") +
		" (in CI, with CI=true or ORGSYNC_CI=true, the harness installs it itself when it runs as root), " +
		"or set " + EnvChromium + " to a Chromium or Chrome binary"
}

// inCI reports whether the tests run in CI, where a missing browser is
// installed rather than reported.
func inCI() bool {
	for _, name := range []string{"CI", "ORGSYNC_CI"} {
		if v, err := strconv.ParseBool(os.Getenv(name)); err == nil && v {
			return true
		}
	}
	return false
}

// findChromium returns the browser to run: $ORGSYNC_CHROMIUM if set (and
// nothing else then: a wrong setting must not be papered over), else the
// first of the usual names that exists.
func findChromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("%s=%s is not an executable file", EnvChromium, p)
		}
		return p, nil
	}
	if isExecutable("/usr/bin/chromium") {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", &unavailableError{"no chromium, chromium-browser or google-chrome found (looked at $" + EnvChromium + ", /usr/bin/chromium and PATH)"}
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// ensureChromium finds the browser, installing it with apt-get in CI when
// it is missing. Test binaries running at the same time serialise on a lock
// file, so that only one runs apt-get (dpkg would refuse the second).
func ensureChromium() (string, error) {
	p, err := findChromium()
	var u *unavailableError
	if err == nil || !errors.As(err, &u) || !inCI() {
		return p, err
	}
	if os.Geteuid() != 0 {
		return "", &unavailableError{"chromium is not installed and this process is not root, so it cannot install it"}
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return "", &unavailableError{"chromium is not installed and there is no apt-get to install it"}
	}
	unlock, err := lock(filepath.Join(os.TempDir(), "orgsync-browsertest-install.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if p, err := findChromium(); err == nil {
		return p, nil // another test binary installed it while we waited
	}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{
		{"update", "-qq"},
		append([]string{"install", "-y", "-qq", "--no-install-recommends"}, debianPackages...),
	} {
		cmd := exec.Command(apt, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w\n%s", args[0], err, tail(out, 2000))
		}
	}
	if p, err := findChromium(); err == nil {
		return p, nil
	}
	return "", errors.New("apt-get installed " + strings.Join(debianPackages, " ") + ", but no chromium binary was found afterwards")
}

// lock blocks until this process holds an flock(2) on path. The kernel drops
// it when the process dies, so a killed binary leaves no stale lock.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// tail returns at most the last n bytes of b, as text.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
