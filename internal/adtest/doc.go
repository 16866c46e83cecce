// Package adtest runs a throwaway Samba Active Directory domain controller for
// tests, so that orgsync's AD behaviour is tested against a real directory.
//
// The first test that asks for a domain controller provisions a template
// directory (once per machine and Samba version, about six seconds) under
// [CacheDir]. Every test binary then copies that template into a slot of its
// own, starts samba on the slot's loopback address (127.0.77.N) and uses it
// until the tests end, so test packages run in parallel without sharing
// state, and a warm start costs a fraction of a second. Each test works in an
// organizational unit of its own, removed when the test ends.
//
// Samba runs in the foreground with its standard input tied to the test
// binary: if the binary is killed, samba sees end of file and exits. The
// slot's lock file is inherited by samba, so a slot is not reused until the
// samba that held it has gone.
//
// The domain controller needs root (it listens on port 389) and Debian's
// samba packages, which the harness installs with apt-get when it runs as root
// and they are missing. Where it cannot run, tests that need it are skipped
// with a message saying how to enable them, except under CI=true, where they
// fail: CI must never pass without having talked to a real directory.
//
// What this package must not do: it is test support only. Nothing outside
// tests imports it, and it never touches the machine's own Samba
// configuration (/etc/samba, /var/lib/samba).
package adtest
