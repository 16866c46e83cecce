package browsertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A page that logs an error and throws is reported, with the messages a
// reader needs to find the fault.
func TestPageErrorsAreReported(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><p>Hej</p>
<script>console.log("fine"); console.warn("only a warning"); console.error("kunne ikke gemme", "ændring")</script>
<script>undefinedFunction()</script>
<script>Promise.reject(new Error("afvist løfte"))</script>`))
	}))
	defer srv.Close()

	tab := New(t)
	tab.Do(chromedp.Navigate(srv.URL))
	want := []string{"kunne ikke gemme ændring", "undefinedFunction is not defined", "afvist løfte"}
	var errs []string
	// The rejected promise is reported when the microtask queue runs,
	// which can be after the load event.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if errs = tab.Errors(); len(errs) >= len(want) {
			break
		}
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(errs), len(want), strings.Join(errs, "\n"))
	}
	for _, w := range want {
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, w) }) {
			t.Errorf("no error mentions %q:\n%s", w, strings.Join(errs, "\n"))
		}
	}
}
