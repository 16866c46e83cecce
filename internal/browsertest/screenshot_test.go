package browsertest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// failedTB is the real test as New sees it, except that it reports having
// failed and keeps what is logged.
type failedTB struct {
	testing.TB
	mu   sync.Mutex
	logs []string
}

func (f *failedTB) Failed() bool { return true }

func (f *failedTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

// A failed test gets a PNG of its page, and the log says where, even when
// the test ran out of time.
func TestScreenshotOnFailure(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<h1>Fejl på siden</h1>`))
	}))
	defer srv.Close()
	f := &failedTB{TB: t}
	// Registered before New, so it runs after New's cleanups.
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		re := regexp.MustCompile(`screenshot of the failed test's page \(https://127\.0\.0\.1:\d+/\): (\S+\.png)$`)
		var path string
		for _, l := range f.logs {
			if m := re.FindStringSubmatch(l); m != nil {
				path = m[1]
			}
		}
		if path == "" {
			t.Fatalf("no screenshot logged: %q", f.logs)
		}
		defer os.RemoveAll(filepath.Dir(path))
		png, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s is not a PNG", path)
		}
	})
	tab := New(f, WithTimeout(2*time.Second))
	tab.Do(chromedp.Navigate(srv.URL))
	<-tab.Context().Done() // the test's time is up; the screenshot must still work
}
