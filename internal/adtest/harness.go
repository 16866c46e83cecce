package adtest

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// shared is this test binary's DC, started by the first test that asks.
var shared struct {
	once    sync.Once
	srv     *Server
	err     error
	startup time.Duration
}

// Main runs the tests of a package and stops the package's DC, if a test
// started one, when they end. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }
//
// A package that does not use Main still leaves no samba behind: samba exits
// when the test binary does.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Stop()
	}
	return code
}

// Start returns this test binary's DC, starting it on first use. Where the
// DC cannot run here, it skips the test with a message that says how to
// enable it, or fails it under CI=true.
func Start(tb testing.TB) *Server {
	tb.Helper()
	shared.once.Do(func() {
		began := time.Now()
		shared.srv, shared.err = start()
		shared.startup = time.Since(began)
	})
	if shared.err != nil {
		var u *unavailableError
		if errors.As(shared.err, &u) && !inCI() {
			tb.Skip(shared.err.Error())
		}
		tb.Fatalf("adtest: %v", shared.err)
	}
	return shared.srv
}

// StartupTime is how long this binary's DC took to start (zero before
// Start).
func StartupTime() time.Duration { return shared.startup }

// Launch installs, provisions and starts a DC of its own, outside a test:
// for a person trying orgsync against a throwaway domain
// (examples/trydc). Stop it when done; it also stops when this process
// ends. It fails, saying why, where the DC cannot run (not root, no
// Samba and no way to install it).
func Launch() (*Server, error) { return start() }

// start installs, provisions and starts a DC, then makes the OU that holds
// the tests' OUs.
func start() (*Server, error) {
	root, err := CacheDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, &unavailableError{"the DC listens on port 389, which needs root"}
	}
	t, err := ensureInstalled(root)
	if err != nil {
		return nil, err
	}
	template, err := ensureTemplate(root, t)
	if err != nil {
		return nil, err
	}
	return startServer(root, template, t)
}

// Dial returns an LDAPS connection bound as Administrator, closed when the
// test ends.
func (s *Server) Dial(tb testing.TB) *ldap.Conn {
	tb.Helper()
	c, err := s.dialAdmin()
	if err != nil {
		tb.Fatalf("adtest: bind as Administrator: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// SharedOU returns an organizational unit named name below [TestsOU],
// creating it on first use. Unlike NewOU's, it is not removed when the
// test ends: it lives as long as this binary's DC, for fixtures that are
// costly to build and that several tests or benchmark runs only read.
func (s *Server) SharedOU(tb testing.TB, name string) string {
	tb.Helper()
	c := s.Dial(tb)
	dn := "OU=" + notOUName.ReplaceAllString(name, "-") + "," + TestsOU
	for _, ou := range []string{TestsOU, dn} {
		if err := ensureOU(c, ou); err != nil {
			tb.Fatalf("adtest: create %s: %v", ou, err)
		}
	}
	return dn
}

var ouSeq atomic.Int64

var notOUName = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// NewOU creates an empty organizational unit for the test, below [TestsOU],
// and deletes it with everything in it when the test ends. Its name comes
// from the test's name, so a failing test's leftovers are easy to find in
// the DC's log.
func (s *Server) NewOU(tb testing.TB) string {
	tb.Helper()
	c := s.Dial(tb)
	if err := ensureOU(c, TestsOU); err != nil {
		tb.Fatalf("adtest: create %s: %v", TestsOU, err)
	}
	name := notOUName.ReplaceAllString(tb.Name(), "-")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	dn := fmt.Sprintf("OU=%s-%d,%s", name, ouSeq.Add(1), TestsOU)
	if err := ensureOU(c, dn); err != nil {
		tb.Fatalf("adtest: create %s: %v", dn, err)
	}
	tb.Cleanup(func() { s.DeleteTree(tb, dn) })
	return dn
}

// treeDeleteTimeout bounds a subtree delete. Samba's time grows with the
// tree: a benchmark's 5,000 accounts take it minutes, where the
// connection's usual 30 seconds would give up and leave them behind.
const treeDeleteTimeout = 30 * time.Minute

// DeleteTree deletes dn and everything below it, if it is there, waiting
// as long as the DC needs.
func (s *Server) DeleteTree(tb testing.TB, dn string) {
	tb.Helper()
	c, err := s.dialAdmin()
	if err != nil {
		tb.Errorf("adtest: remove %s: %v", dn, err)
		return
	}
	defer c.Close()
	c.SetTimeout(treeDeleteTimeout)
	del := ldap.NewDelRequest(dn, []ldap.Control{ldap.NewControlSubtreeDelete()})
	if err := c.Del(del); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		tb.Errorf("adtest: remove %s: %v", dn, err)
	}
}

// ensureOU creates an OU unless it exists.
func ensureOU(c *ldap.Conn, dn string) error {
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "organizationalUnit"})
	err := c.Add(add)
	if ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) {
		return nil
	}
	return err
}
