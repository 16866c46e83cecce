package adtest

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// The test domain. Every slot runs a copy of the same provisioned domain.
const (
	Realm         = "EXAMPLE.TEST"
	Domain        = "EXAMPLE"
	Hostname      = "dc1.example.test" // the name in the DC's certificate
	BaseDN        = "DC=example,DC=test"
	AdminPassword = "Passw0rd!Adm1n"
	AdminUPN      = "Administrator@example.test"
	AdminDN       = "CN=Administrator,CN=Users," + BaseDN

	// TestsOU holds the organizational units handed to tests.
	TestsOU = "OU=orgsync-tests," + BaseDN
)

// maxSlots bounds how many test binaries can run a DC at once.
const maxSlots = 16

// templateFormat is part of the template's cache key: bump it whenever the
// provisioning recipe changes, so that old templates are not reused.
const templateFormat = "4"

// slotIP is the loopback address of slot n. Samba's ports are fixed, so
// every DC needs an address of its own; 127.0.77.0/24 keeps clear of
// anything a developer may run on 127.0.0.1.
func slotIP(n int) net.IP { return net.IPv4(127, 0, 77, byte(n+1)) }

// slotIPs lists every slot's address (for the certificate's SANs).
func slotIPs() []net.IP {
	ips := make([]net.IP, maxSlots)
	for i := range ips {
		ips[i] = slotIP(i)
	}
	return ips
}

// CacheDir is where the harness keeps its template and slots:
// $ORGSYNC_ADTEST_DIR if set, else orgsync/adtest in the user's cache
// directory.
func CacheDir() (string, error) {
	if d := os.Getenv("ORGSYNC_ADTEST_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "orgsync", "adtest"), nil
}

// inCI reports whether the environment says this is a CI run, where the AD
// tests must run rather than skip.
func inCI() bool {
	v, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && v
}
