package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startTimeout bounds the browser's start: a Chromium that hangs before it
// answers on its pipe must fail the test, not hang it until go test's
// ten-minute alarm.
const startTimeout = time.Minute

// shared is the test binary's one browser, started by the first tab that
// needs it and replaced if it dies mid-run (a crashed renderer must not fail
// every later test with the same error).
var shared struct {
	mu      sync.Mutex
	exe     string
	exeErr  error // sticky: a failed install is not retried by every test
	exeDone bool
	trusted []string // SPKI hashes, fixed at the browser's start
	b       *browserProc
}

// browserProc is a running Chromium and what it takes to stop it.
type browserProc struct {
	ctx         context.Context // the chromedp context of its first tab
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	dataDir     string
	out         *tailBuffer
}

// Main runs the tests and then stops the browser, if one was started. Call
// it from TestMain: os.Exit(browsertest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.b != nil {
		shared.b.stop()
		shared.b = nil
	}
	return code
}

// sharedBrowser returns the chromedp context of the running browser, starting it
// (and finding or installing Chromium) on first use.
func sharedBrowser() (context.Context, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.exeDone {
		shared.exe, shared.exeErr = ensureChromium()
		shared.exeDone = true
	}
	if shared.exeErr != nil {
		return nil, shared.exeErr
	}
	if b := shared.b; b != nil {
		if b.ctx.Err() == nil {
			return b.ctx, nil
		}
		b.stop() // it died: free what is left and start another
		shared.b = nil
	}
	b, err := startBrowser(shared.exe, append([]string{httptestSPKI()}, shared.trusted...))
	if err != nil {
		return nil, err
	}
	shared.b = b
	return b.ctx, nil
}

// startBrowser starts Chromium with a fresh profile directory and waits
// until it answers.
func startBrowser(exe string, spki []string) (*browserProc, error) {
	sweepProfiles()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", profilePrefix, os.Getpid()))
	if err != nil {
		return nil, err
	}
	out := &tailBuffer{max: 16 << 10}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no-first-run, disable-background-networking, disable-dev-shm-usage, ...
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox, // we run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		// QUIC would let a page talk UDP past what a test server sees.
		chromedp.Flag("disable-quic", true),
		// The only certificates the browser accepts without a trusted CA.
		// Chromium honours this flag only with --user-data-dir, set above.
		chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(spki, ",")),
		chromedp.WindowSize(1280, 1024),
		chromedp.CombinedOutput(out),
		// Setting ModifyCmdFunc replaces chromedp's own Pdeathsig, so
		// dieWithParent sets it again, explicitly.
		chromedp.ModifyCmdFunc(dieWithParent),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &browserProc{ctx: ctx, cancel: cancel, allocCancel: allocCancel, dataDir: dir, out: out}
	// The context of the first Do becomes the browser's lifetime, so it
	// cannot carry the deadline; a timer cancels it instead.
	timer := time.AfterFunc(startTimeout, cancel)
	err = chromedp.Do(ctx)
	timer.Stop()
	if err != nil {
		b.stop()
		return nil, fmt.Errorf("starting %s: %w\nbrowser output:\n%s", exe, err, out.String())
	}
	return b, nil
}

// stop closes the browser gracefully (so that it flushes nothing into a
// directory being removed), kills whatever of it is left, and removes its
// profile.
func (b *browserProc) stop() {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	err := chromedp.Cancel(ctx)
	cancel()
	if err != nil && !errors.Is(err, context.Canceled) {
		b.cancel()
	}
	b.allocCancel() // waits for the process to exit
	killProfileUsers(b.dataDir)
	removeAllRetry(b.dataDir)
}

// removeAllRetry removes dir, trying again for a few seconds: a Chromium
// helper can still write into it just after the browser has exited.
func removeAllRetry(dir string) error {
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err = os.RemoveAll(dir); err == nil || time.Now().After(deadline) {
			return err
		}
	}
}

// tailBuffer keeps the last max bytes written to it: the browser's output,
// shown when it fails to start.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
