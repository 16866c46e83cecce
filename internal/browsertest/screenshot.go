package browsertest

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/chromedp/chromedp"
)

// Screenshot saves a PNG of the whole page in the tab as name.png and
// returns its path. The file goes into the test's artifact directory when go
// test runs with -artifacts (it is then kept under -outputdir), and
// otherwise into a new temporary directory that is kept, not removed with
// the test, since its point is to be looked at afterwards.
//
// It works after the test's deadline has passed, so that a test that timed
// out still shows where it stood.
func (t *Tab) Screenshot(name string) (string, error) {
	ctx, cancel := context.WithTimeout(t.base, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		return "", err
	}
	dir, err := t.screenshotDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, unsafeName.ReplaceAllString(name, "_")+".png")
	return path, os.WriteFile(path, png, 0o644)
}

// unsafeName matches what a file name had better not contain.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (t *Tab) screenshotDir() (string, error) {
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		return t.tb.ArtifactDir(), nil
	}
	return os.MkdirTemp("", "orgsync-screenshot-")
}

// screenshotOnFailure runs in the test's cleanup: a failed test's page is
// saved, and its path logged, before the tab closes.
func (t *Tab) screenshotOnFailure() {
	if !t.tb.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(t.base, 5*time.Second)
	url, _ := chromedp.Run(ctx, chromedp.Location())
	cancel()
	path, err := t.Screenshot(t.tb.Name())
	if err != nil {
		t.tb.Logf("browsertest: no screenshot of the failed test's page (%s): %v", url, err)
		return
	}
	t.tb.Logf("browsertest: screenshot of the failed test's page (%s): %s", url, path)
}
