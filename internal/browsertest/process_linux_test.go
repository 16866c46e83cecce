package browsertest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestKilledBinaryLeavesNoBrowser runs a copy of this test binary that
// starts the browser, SIGKILLs the copy (no cleanup runs), and checks that
// every Chromium process of it exits by itself and that the next start
// removes the profile it left.
func TestKilledBinaryLeavesNoBrowser(t *testing.T) {
	if os.Getenv("BROWSERTEST_HELPER") == "1" {
		New(t)
		fmt.Printf("profile %s\n", shared.b.dataDir)
		time.Sleep(time.Minute) // until killed
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledBinaryLeavesNoBrowser$", "-test.v")
	cmd.Env = append(os.Environ(), "BROWSERTEST_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	dir := ""
	for sc := bufio.NewScanner(out); sc.Scan(); {
		if _, err := fmt.Sscanf(sc.Text(), "profile %s", &dir); err == nil {
			break
		}
	}
	if dir == "" {
		t.Fatal("the helper never reported a running browser")
	}
	users := []byte("--user-data-dir=" + dir)
	if len(profileUsers(users)) == 0 {
		t.Fatalf("no process uses the helper's profile %s", dir)
	}
	cmd.Process.Kill()
	cmd.Wait()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		pids := profileUsers(users)
		if len(pids) == 0 {
			break
		}
		if time.Now().After(deadline) {
			killProfileUsers(dir)
			t.Fatalf("Chromium processes %v still run 10s after their test binary was killed", pids)
		}
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the killed binary's profile should still be there for the sweep to find: %v", err)
	}
	sweepProfiles()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		os.RemoveAll(dir)
		t.Errorf("the sweep left the dead binary's profile %s (stat: %v)", dir, err)
	}
}
