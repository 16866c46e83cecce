package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Downloads receives the files a tab downloads. Make it with [Download] or
// [Tab.Downloads] before the click that starts a download, and collect each
// file with [Downloads.Wait].
type Downloads struct {
	dir string

	mu       sync.Mutex
	names    map[string]string // download GUID → the file name the server suggested
	finished []*browser.EventDownloadProgress
	signal   chan struct{} // has a value when finished may have grown
}

// Download makes the tab of the chromedp context ctx save its downloads in
// dir, with no dialog, and report them to the returned Downloads. It lasts
// as long as ctx.
func Download(ctx context.Context, dir string) (*Downloads, error) {
	d := &Downloads{dir: dir, names: map[string]string{}, signal: make(chan struct{}, 1)}
	// Listen, not Events: it sees events in their order, so a download's
	// name (downloadWillBegin) is known before its end (downloadProgress).
	if err := chromedp.Listen(ctx, d.event); err != nil {
		return nil, err
	}
	enabled := true
	_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		// Files are saved under their GUID, so two downloads of the same
		// name cannot collide; Wait gives the file its real name after.
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName,
		// Without it the setting goes to the default browser context,
		// which is not the tab's.
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    &enabled,
	})
	if err != nil {
		return nil, fmt.Errorf("setting the download directory: %w", err)
	}
	return d, nil
}

// Downloads makes the tab save its downloads into a new directory, removed
// when the test ends, and returns their receiver. It fails the test if the
// browser refuses.
func (t *Tab) Downloads() *Downloads {
	t.tb.Helper()
	dir, err := os.MkdirTemp("", "orgsync-download-")
	if err != nil {
		t.tb.Fatalf("browsertest: %v", err)
	}
	t.dirs = append(t.dirs, dir)
	d, err := Download(t.ctx, dir)
	if err != nil {
		t.tb.Fatalf("browsertest: %v", err)
	}
	return d
}

// event runs in chromedp's read loop: it only records.
func (d *Downloads) event(ev any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch ev := ev.(type) {
	case *browser.EventDownloadWillBegin:
		d.names[ev.GUID] = ev.SuggestedFilename
	case *browser.EventDownloadProgress:
		if ev.State == browser.DownloadProgressStateInProgress {
			return
		}
		d.finished = append(d.finished, ev)
		select {
		case d.signal <- struct{}{}:
		default:
		}
	}
}

// Wait returns the next download to finish: its path in the download
// directory, named as the server suggested (unless a file of that name is
// there already, when it keeps its GUID name), and its content. It fails if
// the browser cancelled the download or ctx ends first.
func (d *Downloads) Wait(ctx context.Context) (path string, data []byte, err error) {
	for {
		d.mu.Lock()
		var ev *browser.EventDownloadProgress
		if len(d.finished) > 0 {
			ev, d.finished = d.finished[0], d.finished[1:]
		}
		name := ""
		if ev != nil {
			name = d.names[ev.GUID]
		}
		d.mu.Unlock()
		if ev != nil {
			return d.collect(ev, name)
		}
		select {
		case <-d.signal:
		case <-ctx.Done():
			return "", nil, fmt.Errorf("waiting for a download: %w", ctx.Err())
		}
	}
}

// collect names and reads a finished download.
func (d *Downloads) collect(ev *browser.EventDownloadProgress, name string) (string, []byte, error) {
	if ev.State != browser.DownloadProgressStateCompleted {
		return "", nil, fmt.Errorf("the download of %q was %s", name, ev.State)
	}
	path := ev.FilePath
	if path == "" {
		path = filepath.Join(d.dir, ev.GUID)
	}
	// filepath.Base: the name comes from the server, and must not climb out
	// of the directory.
	if name = filepath.Base(name); name != "." && name != string(filepath.Separator) && name != "" {
		want := filepath.Join(d.dir, name)
		if _, err := os.Lstat(want); errors.Is(err, os.ErrNotExist) && os.Rename(path, want) == nil {
			path = want
		}
	}
	data, err := os.ReadFile(path)
	return path, data, err
}
