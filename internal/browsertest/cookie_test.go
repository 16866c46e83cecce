package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Two tabs share the browser process but not their cookies: a session one
// test logs in with must not be there for the next.
func TestTabsDoNotShareCookies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/", HttpOnly: true, Secure: true})
		w.Write([]byte(`<p id="cookie">logged in</p>`))
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<p id="cookie">` + r.Header.Get("Cookie") + `</p>`))
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	first, second := New(t), New(t)
	first.Do(chromedp.Navigate(srv.URL+"/login"), chromedp.Navigate(srv.URL+"/whoami"))
	// The positive control: without it, a browser that drops every
	// cookie would pass this test.
	if got := cookieText(t, first); got != "session=s3cret" {
		t.Fatalf("the logged-in tab sent Cookie %q, want session=s3cret", got)
	}
	second.Do(chromedp.Navigate(srv.URL + "/whoami"))
	if got := cookieText(t, second); got != "" {
		t.Errorf("the other tab sent Cookie %q, want none", got)
	}
	cookies, err := chromedp.Call(second.Context(), network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cookies.Cookies) != 0 {
		t.Errorf("the other tab's cookie jar has %d cookies, want none", len(cookies.Cookies))
	}
}

func cookieText(t *testing.T, tab *Tab) string {
	t.Helper()
	s, err := chromedp.Run(tab.Context(), chromedp.Text(chromedp.ID("cookie")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
