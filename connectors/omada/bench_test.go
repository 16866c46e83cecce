package omada_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors/omada/omadatest"
)

const benchIdentities = 10_000

// benchRecords are Frederikshavn-shaped records: 30 fields each, a vikar
// in every tenth, an AD robot in every hundredth.
func benchRecords() []json.RawMessage {
	out := make([]json.RawMessage, benchIdentities)
	for i := range out {
		cat := 1
		switch {
		case i%100 == 0:
			cat = 570
		case i%10 == 0:
			cat = 561
		}
		rec := map[string]any{
			"Id": 100000 + i, "UId": fmt.Sprintf("a1c0f7e2-5b7d-4c1e-9a51-%012d", i), "DisplayName": fmt.Sprintf("Sørensen, Karina %d", i),
			"CreateTime": "2025-12-01T09:12:44+01:00", "ChangeTime": "2026-01-02T10:00:00+01:00",
			"FIRSTNAME": "Karina Ærtebjerg", "LASTNAME": "Sørensen", "C_CPRNUMBER": fmt.Sprintf("%02d%02d%02d-%04d", i%28+1, i%12+1, i%100, i%10000),
			"C_MEDARBEJDERNR_ODATA": "", "C_POSITIONID": "00120589", "C_JOBTITLE_ODATA": "Pædagogmedhjælper", "C_OUID_ODATA": fmt.Sprintf("%06d", i%500),
			"C_ORGUNIT_ODATA": "Børnehuset Ærtebjerg", "C_IDENCATEGORY_ODATA": "", "C_IDENTITYSTATUS_ODATA": "Aktiv",
			"IDENTITYCATEGORY": map[string]any{"Id": cat, "UId": "270a1807-95ca-40b4-9ce5-475d8961f31b", "KeyValue": "Contractor", "KeyProperty": "IDENTITYCATEGORYKEY"},
			"IDENTITYSTATUS":   map[string]any{"Id": 1, "UId": "5e0c1d4f-0000-4000-8000-000000000001", "KeyValue": "Active"},
			"EMAIL":            fmt.Sprintf("user%d@frederikshavn.dk", i), "C_TELEPHONENUMBER": "98 45 50 00", "CELLPHONE": "",
			"ADLOGON": fmt.Sprintf("u%05d", i), "C_OBJECTGUID_I_AD": fmt.Sprintf("{3F2504E0-4F89-41D3-9A0C-%012X}", i), "C_NOITUSER": false,
			"C_ISONBOARDE": true, "C_ONBOARDING_MAIL_SENT": "", "VALIDFROM": "2026-01-05T00:00:00+01:00", "VALIDTO": "9999-12-31T00:00:00+01:00",
			"MANAGER": []any{}, "EMPLOYMENTS": []any{}, "CLT_TAGS": []any{},
		}
		out[i], _ = json.Marshal(rec)
	}
	return out
}

// rawPoll is the baseline: a bare GET of each page and json.Decode of it
// into maps, following the next links.
func rawPoll(ctx context.Context, hc *http.Client, first, user, pass string) (int, error) {
	n := 0
	for link := first; link != ""; {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
		req.SetBasicAuth(user, pass)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		var page struct {
			Value    []map[string]any `json:"value"`
			NextLink string           `json:"@odata.nextLink"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		n += len(page.Value)
		link = page.NextLink
	}
	return n, nil
}

// BenchmarkPoll10k polls 10,000 identities in pages of 1,000 from the
// fake over TLS, and in the same iteration does the raw baseline of the
// same pages, so that the two share the machine's weather. It reports
// both, the connector's time beyond the baseline, and their ratio.
func BenchmarkPoll10k(b *testing.B) {
	s := omadatest.New(b, omadatest.Options{PageSize: 1000, Username: "svc", Password: "pw", Fields: frederikshavn})
	s.SetRecords(benchRecords())
	cfg := s.Config(b)
	cfg.Categories = frederikshavnCategories
	cfg.TrimUnitZeros = true
	c := open(b, cfg)

	pemBytes, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		b.Fatal(err)
	}
	blk, _ := pem.Decode(pemBytes)
	cert, _ := x509.ParseCertificate(blk.Bytes)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	ctx := context.Background()

	var raw, conn time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		n, err := rawPoll(ctx, hc, s.ViewURL(), "svc", "pw")
		if err != nil || n != benchIdentities {
			b.Fatalf("raw: %d, %v", n, err)
		}
		t1 := time.Now()
		snap, err := c.Identities(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(snap.Identities) + len(snap.ServiceAccounts); n != benchIdentities || len(snap.Skipped) != 0 {
			b.Fatalf("%d delivered, %d skipped", n, len(snap.Skipped))
		}
		raw += t1.Sub(t0)
		conn += time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(raw.Milliseconds())/n, "raw-ms/op")
	b.ReportMetric(float64(conn.Milliseconds())/n, "omada-ms/op")
	b.ReportMetric(float64((conn-raw).Milliseconds())/n, "beyond-raw-ms/op")
	b.ReportMetric(float64(conn)/float64(raw), "x-raw")
}
