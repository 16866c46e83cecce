package browsertest

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"slices"
	"sync"
)

// SPKIHash returns the form Chromium's --ignore-certificate-errors-spki-list
// wants: the base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo.
// Pinning the key rather than turning certificate errors off keeps TLS
// checking on for everything else the page loads.
func SPKIHash(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// httptestSPKI is the hash of the certificate every httptest TLS server
// presents (the standard library's built-in localhost certificate), so that
// tests of httptest.NewTLSServer pages need no setup.
var httptestSPKI = sync.OnceValue(func() string {
	s := httptest.NewUnstartedServer(nil)
	defer s.Close()
	s.StartTLS()
	return SPKIHash(s.Certificate())
})

// Trust makes the browser accept the certificates' keys in place of a chain
// to a trusted CA. The list is a command-line flag, so it must be complete
// before the browser starts: call Trust in TestMain before Main, or before
// the first [New]. Once the browser runs, Trust fails unless every
// certificate is trusted already. httptest's TLS certificate needs no call.
func Trust(certs ...*x509.Certificate) error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for _, c := range certs {
		h := SPKIHash(c)
		if h == httptestSPKI() || slices.Contains(shared.trusted, h) {
			continue
		}
		if shared.b != nil {
			return errors.New("browsertest: Trust after the browser started; call it in TestMain, before the first New")
		}
		shared.trusted = append(shared.trusted, h)
	}
	return nil
}
