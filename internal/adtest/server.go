package adtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Server is a running Samba AD DC of the test domain.
type Server struct {
	// IP is the loopback address the DC listens on.
	IP net.IP
	// Dir holds the DC's files (a copy of the template).
	Dir string
	// CAFile is the PEM file of the CA that signed the DC's certificate.
	CAFile string
	// RootCAs holds that CA.
	RootCAs *x509.CertPool

	cmd   *exec.Cmd
	stdin io.WriteCloser
	lock  *fileLock
	done  chan struct{} // closed when samba has exited
}

// LDAPSURL is the DC's LDAP-over-TLS address (port 636).
func (s *Server) LDAPSURL() string { return "ldaps://" + s.IP.String() + ":636" }

// LDAPURL is the DC's plain LDAP address (port 389), for StartTLS or for
// tests of explicitly configured plain LDAP.
func (s *Server) LDAPURL() string { return "ldap://" + s.IP.String() + ":389" }

// TLSConfig verifies the DC's certificate against the harness's CA, by the
// DC's host name, whatever address it was dialled at.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: Hostname, MinVersion: tls.VersionTLS12}
}

// startServer copies the template into a free slot and starts samba there,
// returning when an LDAPS bind as Administrator works.
func startServer(root, template string, t tools) (*Server, error) {
	slot, lock, err := acquireSlot(root)
	if err != nil {
		return nil, err
	}
	srv, err := startInSlot(root, template, t, slot, lock)
	if err != nil {
		lock.unlock()
		return nil, err
	}
	return srv, nil
}

// acquireSlot locks the first free slot, waiting for one if all are taken.
// A slot whose address already has a DC (started by a harness with another
// cache directory) is not free.
func acquireSlot(root string) (int, *fileLock, error) {
	dir := filepath.Join(root, "slots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, nil, err
	}
	for {
		for n := range maxSlots {
			l, ok, err := tryLockFile(filepath.Join(dir, strconv.Itoa(n)+".lock"))
			if err != nil {
				return 0, nil, err
			}
			if ok && !listening(slotIP(n)) {
				return n, l, nil
			}
			if ok {
				// Another harness, with a cache directory of its own and
				// so locks of its own, runs a DC on this slot's address.
				l.unlock()
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// listening reports whether something answers on ip's LDAP port.
func listening(ip net.IP) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), "389"), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func startInSlot(root, template string, t tools, slot int, lock *fileLock) (*Server, error) {
	ip := slotIP(slot)
	if err := ensureAddress(ip, t); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "slots", strconv.Itoa(slot))
	// Holding the slot's lock means the samba that used this slot before
	// has exited (it inherits the lock), so its files can go.
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := copyTree(template, dir); err != nil {
		return nil, fmt.Errorf("copy the template domain: %w", err)
	}
	conf, err := writeConf(dir, ip)
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "tls", "ca.pem"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("the template's ca.pem holds no certificate")
	}
	logf, err := os.Create(filepath.Join(dir, "log", "samba.out"))
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor
	// -i keeps samba in the foreground and makes it exit when its standard
	// input closes: when this process dies, however it dies, so does samba.
	cmd := exec.Command(t.samba, "-i", "-M", "single", "-s", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	// A throwaway DC needs no durability: without an fsync per write,
	// Samba is faster and its timings far steadier (Samba's own selftest
	// runs so).
	cmd.Env = append(os.Environ(), "TDB_NO_FSYNC=1")
	cmd.ExtraFiles = []*os.File{lock.f} // samba holds the slot until it has gone
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start samba: %w", err)
	}
	srv := &Server{
		IP: ip, Dir: dir, CAFile: filepath.Join(dir, "tls", "ca.pem"), RootCAs: pool,
		cmd: cmd, stdin: stdin, lock: lock, done: make(chan struct{}),
	}
	go func() { cmd.Wait(); close(srv.done) }()
	if err := srv.waitReady(60 * time.Second); err != nil {
		srv.Stop()
		return nil, err
	}
	return srv, nil
}

// ensureAddress puts ip on the loopback interface if it is not there yet.
// Samba listens only on addresses that an interface carries; that Linux lets
// a socket bind any 127/8 address is not enough.
func ensureAddress(ip net.IP, t tools) error {
	if hasLoopbackAddress(ip) {
		return nil
	}
	out, err := exec.Command(t.ip, "addr", "add", ip.String()+"/32", "dev", "lo").CombinedOutput()
	if err != nil && !strings.Contains(string(out), "File exists") {
		return fmt.Errorf("add %s to the loopback interface: %w: %s", ip, err, out)
	}
	return nil
}

func hasLoopbackAddress(ip net.IP) bool {
	ifaces, err := net.Interfaces()
	if err != nil {
		return false
	}
	for _, iface := range ifaces {
		if iface.Flags&net.FlagLoopback == 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return true
			}
		}
	}
	return false
}

// waitReady polls an LDAPS bind as Administrator until it works.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("samba exited during start-up: %s", s.logTail())
		default:
		}
		c, err := s.dialAdmin()
		if err == nil {
			c.Close()
			return nil
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("samba did not answer an LDAPS bind within %s: %v\n%s", limit, last, s.logTail())
}

func (s *Server) dialAdmin() (*ldap.Conn, error) {
	c, err := ldap.DialURL(s.LDAPSURL(), ldap.DialWithTLSConfig(s.TLSConfig()),
		ldap.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(30 * time.Second)
	if err := c.Bind(AdminUPN, AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (s *Server) logTail() string {
	var b strings.Builder
	for _, name := range []string{"samba.out", "samba.log"} {
		data, _ := os.ReadFile(filepath.Join(s.Dir, "log", name))
		fmt.Fprintf(&b, "--- %s\n%s\n", name, tail(data, 3000))
	}
	return b.String()
}

// Stop ends samba: it closes samba's standard input and sends SIGTERM to its
// process group, waits briefly, then kills the group. The slot is free again
// once samba has exited, whether or not Stop waited for it.
func (s *Server) Stop() {
	s.stdin.Close()
	pgid := s.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
	s.lock.unlock()
}

// PID is samba's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }
