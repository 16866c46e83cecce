package statedb_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// The crash and HA tests run this test binary again as a child process
// (selected by childEnv), which they then kill. The child prints one
// line per step to stdout: "leader" when it leads, "ack N" when
// registration N is committed (its Apply returned), "lost" if it stops
// leading.
const (
	childEnv    = "STATEDB_TEST_CHILD" // "commit" or "lead"
	childDSN    = "STATEDB_TEST_DSN"
	childKey    = "STATEDB_TEST_KEY"
	childHolder = "STATEDB_TEST_HOLDER"
)

// perRegistration is how many objects each of the child's registrations
// creates: a unit, a person and an engagement, so that a torn commit would
// show as a registration of fewer.
const perRegistration = 3

func child() int {
	key, err := statedb.ParseKey([]byte(os.Getenv(childKey)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	db, err := statedb.Open(ctx, os.Getenv(childDSN), statedb.Options{Key: key, CheckpointEvery: 7, Holder: os.Getenv(childHolder), LeaseTTL: 4 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer db.Close()
	if os.Getenv(childEnv) == "lead" {
		lctx, err := db.Lead(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		ctx = lctx
		fmt.Println("leader")
	}
	m, err := om.Open(ctx, om.Options{Store: db.Model()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for i := len(m.Registrations(1)); ; i++ {
		reg, err := m.Apply(ctx, childChange(i), om.Registration{Time: time.Now(), Actor: "child"})
		if err != nil {
			fmt.Println("lost")
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		fmt.Printf("ack %d\n", reg.Seq)
	}
}

// childChange makes registration i's change set.
func childChange(i int) *om.ChangeSet {
	since := timeline.Since(timeline.MustParseDate("2024-01-01"))
	cs := &om.ChangeSet{}
	u := cs.Add(fmt.Sprintf("U%d", i), since, om.UnitAttrs{Name: fmt.Sprintf("Enhed %d", i)})
	p := cs.Add(fmt.Sprintf("P%d", i), since, om.PersonAttrs{GivenNames: "Åse", Surname: fmt.Sprintf("Ørsted %d", i),
		NationalID: om.MustParseCPR(fmt.Sprintf("0101%02d%04d", 50+i%40, i%10000), om.CPROptions{})})
	cs.Add(fmt.Sprintf("E%d", i), since, om.EngagementAttrs{Person: p, Unit: u, EmploymentNumber: fmt.Sprint(i), Fraction: 1})
	return cs
}

// childProc is a running child.
type childProc struct {
	cmd    *exec.Cmd
	lines  chan string   // closed when the child has exited and all its output is read
	exited chan struct{} // closed when the child has exited
}

// lineWriter sends each line written to it to a channel. As the child's
// Stdout it makes Wait return only once every line is sent, so nothing
// the child printed before it died is lost.
type lineWriter struct {
	ch      chan<- string
	partial []byte
}

func (w *lineWriter) Write(b []byte) (int, error) {
	n := len(b)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			w.partial = append(w.partial, b...)
			return n, nil
		}
		w.ch <- string(append(w.partial, b[:i]...))
		w.partial, b = w.partial[:0], b[i+1:]
	}
}

// startChild runs the test binary as a child in mode, on dsn.
func startChild(t *testing.T, mode, dsn, holder string) *childProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childDSN+"="+dsn, childKey+"="+testKeyText, childHolder+"="+holder)
	c := &childProc{cmd: cmd, lines: make(chan string, 1<<16), exited: make(chan struct{})}
	cmd.Stdout = &lineWriter{ch: c.lines}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(c.exited)
		close(c.lines)
	}()
	t.Cleanup(func() {
		c.kill()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("child %s stderr: %s", holder, stderr.String())
		}
	})
	return c
}

// kill SIGKILLs the child and waits for it to exit.
func (c *childProc) kill() {
	c.cmd.Process.Kill()
	<-c.exited
}

// exitCode waits for the child to exit by itself and returns its code.
func (c *childProc) exitCode() int {
	<-c.exited
	return c.cmd.ProcessState.ExitCode()
}

// await returns the next line that starts with prefix, or fails after
// timeout.
func (c *childProc) await(t *testing.T, prefix string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("the child exited before printing %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			t.Fatalf("the child did not print %q within %v", prefix, timeout)
		}
	}
}
