package adtest

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestStartBindsOverLDAPSWithVerifiedCertificate(t *testing.T) {
	s := Start(t)
	c := s.Dial(t)
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"defaultNamingContext"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Entries[0].GetAttributeValue("defaultNamingContext"); got != BaseDN {
		t.Fatalf("defaultNamingContext = %q, want %q", got, BaseDN)
	}
	t.Logf("startup %v", StartupTime())
}

func TestNewOUIsIsolatedAndRemoved(t *testing.T) {
	s := Start(t)
	c := s.Dial(t)
	var first string
	t.Run("inner", func(t *testing.T) {
		first = s.NewOU(t)
		second := s.NewOU(t)
		if first == second {
			t.Fatalf("two tests got the same OU %s", first)
		}
		a := ldap.NewAddRequest("CN=x,"+first, nil)
		a.Attribute("objectClass", []string{"user"})
		if err := c.Add(a); err != nil {
			t.Fatal(err)
		}
	})
	_, err := c.Search(ldap.NewSearchRequest(first, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		t.Fatalf("the OU of a finished test still exists (err %v)", err)
	}
}

// TestNoSambaOutlivesAKilledTestBinary runs a copy of this test binary that
// starts a DC, kills that copy with SIGKILL (no cleanup runs), and checks
// that its samba exits by itself.
func TestNoSambaOutlivesAKilledTestBinary(t *testing.T) {
	if os.Getenv("ADTEST_HELPER") == "1" {
		s := Start(t)
		fmt.Printf("samba-pid %d\n", s.PID())
		time.Sleep(time.Minute) // until killed
		return
	}
	Start(t) // skip or fail here, as the helper would, if no DC can run
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSambaOutlivesAKilledTestBinary$", "-test.v")
	cmd.Env = append(os.Environ(), "ADTEST_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "samba-pid %d", &pid); err == nil {
			break
		}
	}
	if pid == 0 {
		cmd.Process.Kill()
		t.Fatal("the helper never reported a running samba")
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("samba %d is not running: %v", pid, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(15 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(-pid, syscall.SIGKILL)
			t.Fatalf("samba %d still runs 15s after its test binary was killed", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestCertificateIsVerified(t *testing.T) {
	s := Start(t)
	_, err := ldap.DialURL(s.LDAPSURL(), ldap.DialWithTLSConfig(&tls.Config{ServerName: Hostname}))
	if err == nil {
		t.Fatal("an LDAPS connection without the harness's CA succeeded: the certificate is not being verified")
	}
}

// BenchmarkWarmStart measures starting a DC from the provisioned template:
// copying it into a slot, starting samba, and the first LDAPS bind.
func BenchmarkWarmStart(b *testing.B) {
	Start(b) // provisions the template if needed, outside the timing
	root, err := CacheDir()
	if err != nil {
		b.Fatal(err)
	}
	t, err := ensureInstalled(root)
	if err != nil {
		b.Fatal(err)
	}
	template, err := ensureTemplate(root, t)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		srv, err := startServer(root, template, t)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Stop()
		b.StartTimer()
	}
}
