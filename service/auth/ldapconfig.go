package auth

import (
	"crypto/tls"
	"crypto/x509"
	"net/url"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// DefaultLDAPTimeout bounds each connection attempt and each LDAP request.
const DefaultLDAPTimeout = 10 * time.Second

// LDAPConfig configures password login against Active Directory.
type LDAPConfig struct {
	// URL is the DC: ldaps://host[:port], or ldap://host[:port], which is
	// upgraded with StartTLS.
	URL string
	// PlainLDAP allows ldap:// without StartTLS, so that passwords cross
	// the network in the clear. Only for a test DC on loopback.
	PlainLDAP bool
	// RootCAs verifies the DC's certificate. With neither it nor CAFile,
	// the system's roots are used.
	RootCAs *x509.CertPool
	// CAFile is a PEM file of the CA certificates that verify the DC's,
	// used when RootCAs is nil.
	CAFile string
	// ServerName is the name expected in the DC's certificate; default the
	// URL's host.
	ServerName string
	// BaseDN is where users and groups are searched, e.g. DC=kommune,DC=dk.
	BaseDN string
	// BindDN is the lookup account, which finds users and their groups.
	// It needs read access only.
	BindDN string
	// BindPassword is the lookup account's password.
	BindPassword connectors.Secret
	// Timeout bounds each connection attempt and request; default 10s.
	Timeout time.Duration
	// Now is the clock of throttling, for tests; nil means time.Now.
	Now func() time.Time
}

// LDAP logs users in with their AD password. It is safe for concurrent
// use.
type LDAP struct {
	cfg      LDAPConfig
	tls      *tls.Config
	startTLS bool
	throttle *throttle
}

// NewLDAP checks cfg and returns its LDAP. It does not contact the DC.
func NewLDAP(cfg LDAPConfig) (*LDAP, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return nil, configErrorf("URL", "%q is not an ldaps:// or ldap:// URL", cfg.URL)
	}
	l := &LDAP{cfg: cfg}
	switch u.Scheme {
	case "ldaps":
	case "ldap":
		l.startTLS = !cfg.PlainLDAP
	default:
		return nil, configErrorf("URL", "scheme %q: use ldaps:// or ldap:// (with StartTLS)", u.Scheme)
	}
	if cfg.BaseDN == "" {
		return nil, configErrorf("BaseDN", "required")
	}
	if cfg.BindDN == "" || cfg.BindPassword == "" {
		return nil, configErrorf("BindDN", "a lookup account (BindDN and BindPassword) is required")
	}
	roots, err := rootCAs(cfg.RootCAs, cfg.CAFile)
	if err != nil {
		return nil, err
	}
	name := cfg.ServerName
	if name == "" {
		name = u.Hostname()
	}
	l.tls = &tls.Config{RootCAs: roots, ServerName: name, MinVersion: tls.VersionTLS12}
	if l.cfg.Timeout <= 0 {
		l.cfg.Timeout = DefaultLDAPTimeout
	}
	if l.cfg.Now == nil {
		l.cfg.Now = time.Now
	}
	l.throttle = newThrottle(l.cfg.Now)
	return l, nil
}
