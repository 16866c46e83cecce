package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// EnvDSN names the variable that points the tests at an existing server.
const EnvDSN = "ORGSYNC_TEST_PG_DSN"

// Server is the test binary's cluster.
type Server struct {
	// Admin is the DSN of the maintenance database, for creating others.
	Admin string

	own     bool // started here (so it can be restarted)
	dir     string
	bin     string
	port    int
	cred    *syscall.Credential
	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	logFile *os.File
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// unavailableError says PostgreSQL cannot run here, and how to fix that.
type unavailableError struct{ why string }

func (e *unavailableError) Error() string {
	return "PostgreSQL is not available: " + e.why + "; set " + EnvDSN +
		" to a server's URL, or run the tests as root with apt-get (the harness installs postgresql), or install it: apt-get install postgresql"
}

func inCI() bool {
	v, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && v
}

// Main runs the tests and then stops the cluster.
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the binary's cluster, if it started one: for a TestMain that
// runs its tests through another harness's Main (adtest's) and stops this
// one after.
func Stop() {
	if shared.srv != nil {
		shared.srv.Stop()
	}
}

// Start returns the binary's server, starting it on first use; it skips
// the test (fails it under CI=true) where PostgreSQL cannot run.
func Start(tb testing.TB) *Server {
	tb.Helper()
	shared.once.Do(func() { shared.srv, shared.err = start() })
	if shared.err != nil {
		var u *unavailableError
		if errors.As(shared.err, &u) && !inCI() {
			tb.Skip(shared.err.Error())
		}
		tb.Fatalf("pgtest: %v", shared.err)
	}
	return shared.srv
}

// DSN returns the URL of a new, empty database, dropped when the test
// ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	s := Start(tb)
	name := "t_" + strings.ToLower(rand.Text()[:16])
	db, err := sql.Open("pgx", s.Admin)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		tb.Fatalf("pgtest: creating a database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", s.Admin)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, _ := url.Parse(s.Admin)
	u.Path = "/" + name
	return u.String()
}

func start() (*Server, error) {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		s := &Server{Admin: dsn}
		return s, s.wait(30 * time.Second)
	}
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "orgsync-pgtest-*")
	if err != nil {
		return nil, err
	}
	s := &Server{own: true, dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, &unavailableError{"running as root and there is no postgres user to run the cluster as"}
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if s.port, err = freePort(); err != nil {
		return nil, err
	}
	s.Admin = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	if err := s.Restart(); err != nil {
		return nil, err
	}
	return s, nil
}

// Own reports whether the harness started the server (and can therefore
// stop and restart it).
func (s *Server) Own() bool { return s.own }

// Restart stops the server if it runs and starts it again on the same
// port; it returns when the server accepts connections.
func (s *Server) Restart() error {
	if !s.own {
		return errors.New("pgtest: the server at " + EnvDSN + " is not the harness's to restart")
	}
	s.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	log, err := os.OpenFile(filepath.Join(s.dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), "-D", filepath.Join(s.dir, "data"),
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(s.port), "-k", s.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB")
	cmd.Stdout, cmd.Stderr = log, log
	// SIGQUIT is PostgreSQL's immediate shutdown: if the test binary
	// dies, so does its server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("starting postgres: %w", err)
	}
	s.cmd, s.logFile, s.exited = cmd, log, make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { c.Wait(); close(done) }(cmd, s.exited)
	return s.wait(30 * time.Second)
}

// Stop stops the server (a fast shutdown), if the harness started it.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.logFile.Close()
	s.cmd = nil
}

// wait returns when the server accepts connections.
func (s *Server) wait(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		if s.exited != nil {
			select {
			case <-s.exited:
				return fmt.Errorf("postgres exited at start; its log: %s", s.tailLog())
			default:
			}
		}
		db, err := sql.Open("pgx", s.Admin)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("postgres did not accept connections within %v: %v", timeout, last)
}

func (s *Server) tailLog() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// findBin returns the newest /usr/lib/postgresql/N/bin, installing the
// package first if there is none and apt-get can.
func findBin() (string, error) {
	find := func() string {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool {
			a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
			b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
			return a > b
		})
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
				return d
			}
		}
		return ""
	}
	if d := find(); d != "" {
		return d, nil
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		return "", &unavailableError{"postgresql is not installed"}
	}
	// One installer at a time: test binaries run in parallel.
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "orgsync-pgtest-apt.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if d := find(); d != "" {
		return d, nil
	}
	cmd := exec.Command(apt, "install", "-y", "--no-install-recommends", "postgresql")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("apt-get install postgresql: %v\n%s", err, out)
	}
	if d := find(); d != "" {
		return d, nil
	}
	return "", errors.New("apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/postgres")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
