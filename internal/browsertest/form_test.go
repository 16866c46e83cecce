package browsertest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// formServer serves a form at / that posts to /submit, and records what
// was posted. Its page's script, if it runs, flips the hidden field js.
func formServer(t *testing.T) (srv *httptest.Server, posted func() (name, js string)) {
	var mu sync.Mutex
	var gotName, gotJS string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>Form</title>
<form method="post" action="/submit">
<label>Navn <input id="name" name="name"></label>
<input type="hidden" name="js" value="off">
<button id="send" type="submit">Send</button>
</form>
<script>document.forms[0].js.value = "on"</script>`))
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gotName, gotJS = r.PostFormValue("name"), r.PostFormValue("js")
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>Tak</title><p id="done">Tak</p>`))
	})
	srv = httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv, func() (string, string) {
		mu.Lock()
		defer mu.Unlock()
		return gotName, gotJS
	}
}

// A form on an https test server is filled in and submitted as a person
// would: typing (Danish letters included) and clicking.
func TestFormOverTLS(t *testing.T) {
	srv, posted := formServer(t)
	tab := New(t)
	tab.Do(
		chromedp.Navigate(srv.URL),
		chromedp.SendKeys(chromedp.ID("name"), "Søren Ærø Åby"),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if name, js := posted(); name != "Søren Ærø Åby" || js != "on" {
		t.Errorf("posted name=%q js=%q, want %q and %q", name, js, "Søren Ærø Åby", "on")
	}
	tab.AssertNoErrors()
}

// With JavaScript disabled, the page's script does not run and the plain
// HTML form still submits.
func TestFormWithoutJavaScript(t *testing.T) {
	srv, posted := formServer(t)
	tab := New(t)
	tab.DisableJavaScript()
	tab.Do(
		chromedp.Navigate(srv.URL),
		chromedp.SendKeys(chromedp.ID("name"), "Bjørn"),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if name, js := posted(); name != "Bjørn" || js != "off" {
		t.Errorf("posted name=%q js=%q, want %q and %q (the script must not have run)", name, js, "Bjørn", "off")
	}
}
