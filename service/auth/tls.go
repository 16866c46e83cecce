package auth

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"time"
)

// httpClient returns a client for the OpenID provider that trusts roots
// (or the PEM file's certificates, or the system's).
func httpClient(roots *x509.CertPool, caFile string) (*http.Client, error) {
	roots, err := rootCAs(roots, caFile)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}, nil
}

// rootCAs returns pool, or the certificates of the PEM file, or nil for
// the system's roots.
func rootCAs(pool *x509.CertPool, file string) (*x509.CertPool, error) {
	if pool != nil || file == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, configErrorf("CAFile", "%v", err)
	}
	pool = x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, configErrorf("CAFile", "%s holds no PEM certificate", file)
	}
	return pool, nil
}
