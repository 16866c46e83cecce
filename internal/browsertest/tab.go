package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout is how long a test may use its tab before every action on
// it fails: long enough for a slow CI machine, short enough that a page that
// never loads fails its test well before go test's own alarm.
const DefaultTimeout = 30 * time.Second

// Tab is one test's page in the shared browser, in a browser context of its
// own: nothing it stores (cookies, local storage, cache) is seen by another
// test's tab. Use it from the test's goroutine; for actions from other
// goroutines, pass [Tab.Context] to chromedp and handle the errors there.
type Tab struct {
	tb      testing.TB
	base    context.Context // the tab itself, without the deadline: it outlives a timeout, for the failure screenshot
	ctx     context.Context // base with the test's deadline
	console console
	dirs    []string // removed after the tab has closed, when nothing writes into them any more
}

// Option changes what [New] makes.
type Option func(*options)

type options struct{ timeout time.Duration }

// WithTimeout replaces [DefaultTimeout] for this tab, for a test that is
// slow on purpose (a large download, a long form).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// New opens a tab for the test, starting the browser if this is the
// binary's first. The tab closes when the test ends; a test that failed gets
// a screenshot of the page first, whose path is logged. New fails the test
// where Chromium cannot run, saying how to install it.
func New(tb testing.TB, opts ...Option) *Tab {
	tb.Helper()
	o := options{timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	bctx, err := sharedBrowser()
	if err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	base, closeTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t := &Tab{tb: tb, base: base}
	// The first Do creates the target and ties its lifetime to its
	// context, so it gets base; a timer stands in for the deadline.
	timer := time.AfterFunc(o.timeout, closeTab)
	err = chromedp.Do(base)
	if err == nil {
		err = t.console.listen(base)
	}
	timer.Stop()
	if err != nil {
		closeTab()
		tb.Fatalf("browsertest: opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(base, o.timeout)
	t.ctx = ctx
	tb.Cleanup(func() {
		cancel()
		closeTab()
		for _, dir := range t.dirs {
			if err := removeAllRetry(dir); err != nil {
				tb.Errorf("browsertest: %v", err)
			}
		}
	})
	tb.Cleanup(t.screenshotOnFailure) // cleanups run last-in first-out: this one first, while the tab is open
	return t
}

// Context returns the tab's chromedp context, which carries the test's
// deadline: pass it to chromedp.Do, chromedp.Run and chromedp.Events.
func (t *Tab) Context() context.Context { return t.ctx }

// Do runs the actions in the tab, in order, and fails the test at the first
// that fails.
func (t *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	t.tb.Helper()
	if err := chromedp.Do(t.ctx, steps...); err != nil {
		t.tb.Fatalf("browsertest: %v", err)
	}
}

// DisableJavaScript stops the tab from running the pages' scripts, from the
// next page on, to test that a page works without them. It fails the test
// if the browser refuses.
func (t *Tab) DisableJavaScript() {
	t.tb.Helper()
	if err := DisableJavaScript(t.ctx); err != nil {
		t.tb.Fatalf("browsertest: %v", err)
	}
}

// DisableJavaScript stops the tab of the chromedp context ctx from running
// the pages' scripts (Emulation.setScriptExecutionDisabled). It lasts for
// the tab's life, across navigations.
func DisableJavaScript(ctx context.Context) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return err
}
