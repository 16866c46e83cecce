package browsertest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// A CSV export with Danish letters arrives byte for byte, under the name
// the server gave it.
func TestDownloadCSV(t *testing.T) {
	csv := []byte("\ufeffnavn;afdeling;by\r\nSøren Ærø;Ældrepleje;Århus\r\nBjørn Møller;Skovbrynet;Brøndby Strand\r\n")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<a id="export" href="/export.csv">Eksportér</a>`))
	})
	mux.HandleFunc("/export.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="medarbejdere-æøå.csv"; filename*=UTF-8''medarbejdere-%C3%A6%C3%B8%C3%A5.csv`)
		w.Write(csv)
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	tab := New(t)
	downloads := tab.Downloads()
	tab.Do(chromedp.Navigate(srv.URL), chromedp.Click(chromedp.ID("export")))
	path, data, err := downloads.Wait(tab.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := filepath.Base(path); got != "medarbejdere-æøå.csv" {
		t.Errorf("saved as %q, want medarbejdere-æøå.csv", got)
	}
	if !bytes.Equal(data, csv) {
		t.Errorf("downloaded\n%q\nwant\n%q", data, csv)
	}
}
