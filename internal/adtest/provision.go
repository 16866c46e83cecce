package adtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ensureTemplate returns the directory of a provisioned domain, ready to be
// copied into a slot, provisioning it first if this machine has none for
// this Samba version and recipe. Concurrent test binaries serialise on a
// lock; the template appears under its final name only when complete (a
// rename), so a crash mid-way leaves nothing that looks usable.
func ensureTemplate(root string, t tools) (string, error) {
	key, err := templateKey(t)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "template-"+key)
	if isDir(dir) {
		return dir, nil
	}
	lock, err := lockFile(filepath.Join(root, "template.lock"))
	if err != nil {
		return "", err
	}
	defer lock.unlock()
	if isDir(dir) {
		return dir, nil
	}
	tmp := dir + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	if err := provision(tmp, t); err != nil {
		return "", fmt.Errorf("provision the test domain: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	// Templates of other recipes or Samba versions are of no more use.
	if old, err := filepath.Glob(filepath.Join(root, "template-*")); err == nil {
		for _, o := range old {
			if o != dir {
				os.RemoveAll(o)
			}
		}
	}
	return dir, nil
}

// templateKey names a template after the recipe's version and the installed
// Samba's, so that an upgrade of either provisions afresh.
func templateKey(t tools) (string, error) {
	out, err := exec.Command(t.samba, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("samba --version: %w", err)
	}
	sum := sha256.Sum256([]byte(templateFormat + "\x00" + strings.TrimSpace(string(out))))
	return hex.EncodeToString(sum[:6]), nil
}

// provision creates a domain in dir: samba-tool's provisioning, the
// harness's own certificates, its smb.conf, and a password policy that suits
// tests.
func provision(dir string, t tools) error {
	for _, d := range []string{"etc", "tls"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	// An empty configuration file: without -s, samba-tool copies the
	// settings of the machine's /etc/samba/smb.conf into the new domain.
	empty := filepath.Join(dir, "etc", "empty.conf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		return err
	}
	if err := run(t.sambaTool, "domain", "provision", "-s", empty,
		"--targetdir="+dir, "--realm="+Realm, "--domain="+Domain,
		"--server-role=dc", "--use-rfc2307", "--dns-backend=NONE",
		"--host-name=dc1", "--adminpass="+AdminPassword); err != nil {
		return err
	}
	if err := writeCerts(filepath.Join(dir, "tls"), slotIPs()); err != nil {
		return err
	}
	if err := writeDHParams(filepath.Join(dir, "tls", "dh.pem")); err != nil {
		return err
	}
	conf, err := writeConf(dir, net.IPv4(127, 0, 0, 1))
	if err != nil {
		return err
	}
	// Defaults that break tests: a minimum password age of one day (a user
	// cannot change a password an admin just set) and a maximum of 42 days
	// (a template older than that would have an expired Administrator).
	if err := run(t.sambaTool, "domain", "passwordsettings", "set", "-s", conf,
		"--min-pwd-age=0", "--max-pwd-age=0", "--history-length=0"); err != nil {
		return err
	}
	return run(t.sambaTool, "user", "setexpiry", "Administrator", "--noexpiry", "-s", conf)
}

// writeConf writes dir/etc/smb.conf for a DC whose files are in dir and
// which listens on ip only, and returns its path. It replaces the file
// provisioning wrote, whose absolute paths point at wherever the template
// was made.
func writeConf(dir string, ip net.IP) (string, error) {
	for _, d := range []string{"run", "log", "cache", "state", "bind-dns"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return "", err
		}
	}
	p := func(elem ...string) string { return filepath.Join(append([]string{dir}, elem...)...) }
	lines := []string{
		"[global]",
		"netbios name = DC1",
		"realm = " + Realm,
		"workgroup = " + Domain,
		"server role = active directory domain controller",
		"idmap_ldb:use rfc2307 = yes",
		"binddns dir = " + p("bind-dns"),
		"cache directory = " + p("cache"),
		"lock directory = " + dir,
		"private dir = " + p("private"),
		"state directory = " + p("state"),
		"pid directory = " + p("run"),
		"ncalrpc dir = " + p("run", "ncalrpc"),
		"winbindd socket directory = " + p("run", "winbindd"),
		"ntp signd socket directory = " + p("run", "ntp_signd"),
		"log file = " + p("log", "samba.log"),
		"log level = 1",
		"interfaces = " + ip.String(),
		"bind interfaces only = yes",
		// LDAP is all the tests need: no SMB, RPC or NetBIOS processes.
		"server services = ldap",
		// Allow simple binds over plain LDAP, so tests can show that the
		// connector refuses what it must not do there (set passwords);
		// the connector itself defaults to TLS.
		"ldap server require strong auth = no",
		"tls enabled = yes",
		"tls keyfile = " + p("tls", "key.pem"),
		"tls certfile = " + p("tls", "cert.pem"),
		"tls cafile = " + p("tls", "ca.pem"),
		"tls dh params file = " + p("tls", "dh.pem"),
	}
	conf := p("etc", "smb.conf")
	return conf, os.WriteFile(conf, []byte(strings.Join(lines, "\n\t")+"\n"), 0o644)
}

// run runs a command, returning its output in the error if it fails.
func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), args[0], err, tail(out, 4000))
	}
	return nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
