// Package pgtest runs a throwaway PostgreSQL cluster for tests, so that
// orgsync's PostgreSQL store is tested against a real server.
//
// [DSN] gives each test a fresh database, dropped when the test ends. The
// databases live in one cluster per test binary, started on first use and
// stopped by [Main]: with $ORGSYNC_TEST_PG_DSN set, the server it names
// (its user must be allowed to create databases); otherwise a cluster of
// its own, made with Debian's postgresql package (initdb and postgres in
// /usr/lib/postgresql/*/bin, installed with apt-get when missing and
// running as root) in a temporary directory, listening on a free loopback
// port, with fsync off: a test cluster need not survive a power cut.
// initdb refuses to run as root, so as root the cluster runs as the
// postgres user. The server is the test binary's child and gets SIGQUIT
// if the binary dies.
//
// Where PostgreSQL cannot run, tests that need it are skipped with a
// message saying how to enable them, except under CI=true, where they
// fail: CI must never pass without having talked to a real server.
//
// What this package must not do: it is test support only. Nothing outside
// tests imports it, and it never touches the machine's own clusters
// (/etc/postgresql, /var/lib/postgresql).
package pgtest
