package adtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// debianPackages are what a Debian (bookworm) machine needs to run the DC.
// samba-ad-provision must be named: --no-install-recommends leaves it out and
// provisioning then fails for want of the AD schema files.
var debianPackages = []string{
	"samba", "samba-ad-dc", "samba-ad-provision", "samba-dsdb-modules",
	"samba-vfs-modules", "winbind", "iproute2",
}

// unavailableError says the DC cannot run on this machine for a reason the
// developer can fix; outside CI, tests skip with its message.
type unavailableError struct{ reason string }

func (e *unavailableError) Error() string {
	return "Samba AD DC unavailable: " + e.reason +
		". To run the AD integration tests, run them as root on Debian or Ubuntu " +
		"(the harness installs the samba packages with apt-get), or install them yourself: " +
		"apt-get install --no-install-recommends " + strings.Join(debianPackages, " ")
}

// tools are the programs the harness runs, found on PATH or in /usr/sbin
// (which a non-login root shell may lack on PATH).
type tools struct{ samba, sambaTool, ip string }

func findTools() (tools, bool) {
	var t tools
	for _, p := range []struct {
		dst  *string
		name string
	}{{&t.samba, "samba"}, {&t.sambaTool, "samba-tool"}, {&t.ip, "ip"}} {
		path, err := exec.LookPath(p.name)
		if err != nil {
			for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin"} {
				if fi, err2 := os.Stat(filepath.Join(dir, p.name)); err2 == nil && !fi.IsDir() {
					path, err = filepath.Join(dir, p.name), nil
					break
				}
			}
		}
		if err != nil {
			return t, false
		}
		*p.dst = path
	}
	return t, true
}

// ensureInstalled finds Samba, installing it with apt-get where it is missing
// and this process may do so. Concurrent test binaries serialise on a lock so
// that only one of them runs apt-get.
func ensureInstalled(root string) (tools, error) {
	if t, ok := findTools(); ok && provisionFilesPresent() {
		return t, nil
	}
	if os.Geteuid() != 0 {
		return tools{}, &unavailableError{"samba is not installed and this process is not root"}
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return tools{}, &unavailableError{"samba is not installed and there is no apt-get to install it"}
	}
	lock, err := lockFile(filepath.Join(root, "install.lock"))
	if err != nil {
		return tools{}, err
	}
	defer lock.unlock()
	if t, ok := findTools(); ok && provisionFilesPresent() {
		return t, nil // another test binary installed it while we waited
	}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{
		{"update", "-qq"},
		append([]string{"install", "-y", "-qq", "--no-install-recommends"}, debianPackages...),
	} {
		cmd := exec.Command(apt, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return tools{}, fmt.Errorf("apt-get %s: %w\n%s", args[0], err, tail(out, 2000))
		}
	}
	t, ok := findTools()
	if !ok || !provisionFilesPresent() {
		return tools{}, errors.New("apt-get installed the samba packages, but samba, samba-tool or the AD schema files are still missing")
	}
	return t, nil
}

// provisionFilesPresent reports whether samba-ad-provision's schema files are
// installed (the package that --no-install-recommends forgets).
func provisionFilesPresent() bool {
	_, err := os.Stat("/usr/share/samba/setup/ad-schema")
	return err == nil
}

// tail returns at most the last n bytes of b, as text.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
