package browsertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// trustedCert is a certificate of no CA's that TestMain gives to Trust.
var trustedCert tls.Certificate

// selfSigned makes a certificate for 127.0.0.1 that no CA vouches for.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, err
}

func mustSelfSigned(t *testing.T) tls.Certificate {
	c, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tlsServer serves text over TLS with cert.
func tlsServer(t *testing.T, cert tls.Certificate, text string) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<p id="text">` + text + `</p>`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes the browser refuses
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// Trusting httptest's key must not turn certificate checking off: a server
// with another untrusted certificate is refused.
func TestOtherCertificatesAreStillChecked(t *testing.T) {
	srv := tlsServer(t, mustSelfSigned(t), "must not be shown")
	tab := New(t)
	err := chromedp.Do(tab.Context(), chromedp.Navigate(srv.URL))
	if err == nil || !strings.Contains(err.Error(), "ERR_CERT") {
		t.Fatalf("navigating to a server with an untrusted certificate: err = %v, want a net::ERR_CERT_* error", err)
	}
}

// A certificate given to Trust before the browser started is accepted,
// though no CA vouches for it.
func TestTrustedCertificateIsAccepted(t *testing.T) {
	srv := tlsServer(t, trustedCert, "trusted")
	tab := New(t)
	tab.Do(chromedp.Navigate(srv.URL))
	if got, err := chromedp.Run(tab.Context(), chromedp.Text(chromedp.ID("text"))); err != nil || got != "trusted" {
		t.Errorf("page text = %q, %v; want %q", got, err, "trusted")
	}
	// Once the browser runs, its list is fixed: only what it has passes.
	plain := httptest.NewTLSServer(nil)
	defer plain.Close()
	if err := Trust(trustedCert.Leaf, plain.Certificate()); err != nil {
		t.Errorf("Trust of certificates already trusted: %v", err)
	}
	if err := Trust(mustSelfSigned(t).Leaf); err == nil {
		t.Error("Trust of a new certificate after the browser started succeeded")
	}
}

func TestSPKIHash(t *testing.T) {
	a, b := mustSelfSigned(t).Leaf, mustSelfSigned(t).Leaf
	if h := SPKIHash(a); len(h) != 44 || !strings.HasSuffix(h, "=") {
		t.Errorf("SPKIHash = %q, want the base64 of 32 bytes", h)
	}
	if SPKIHash(a) == SPKIHash(b) {
		t.Error("two keys have the same hash")
	}
}
