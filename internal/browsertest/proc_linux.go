package browsertest

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// dieWithParent makes the kernel SIGKILL the browser when the test binary
// dies, whatever kills it. chromedp starts the browser from a goroutine
// locked to its OS thread, so the thread (which is what Pdeathsig watches)
// lives as long as the browser does.
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = new(syscall.SysProcAttr)
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// killProfileUsers kills every process started with --user-data-dir=dir.
// Chromium passes the flag to all its helpers (zygote, renderers, network
// service), which can outlive a killed browser for a moment and write into
// the directory being removed. A helper can fork just as it is killed, so
// it looks again until a few passes in a row find nothing.
func killProfileUsers(dir string) {
	want := []byte("--user-data-dir=" + dir)
	deadline := time.Now().Add(3 * time.Second)
	for quiet := 0; quiet < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if pids := profileUsers(want); len(pids) == 0 {
			quiet++
		} else {
			quiet = 0
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
}

// profileUsers returns the processes whose command line has the argument
// want.
func profileUsers(want []byte) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.Equal(arg, want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
