package ad

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Config configures a connection to a domain controller. Zero values take
// the defaults documented on each field.
type Config struct {
	// URL is the domain controller: ldaps://host[:636] for LDAP over TLS,
	// or ldap://host[:389], on which the connector starts TLS (StartTLS)
	// unless PlainLDAP is set.
	URL string `json:"url" yaml:"url"`
	// PlainLDAP allows an ldap:// URL without TLS. Credentials then cross
	// the network in the clear, and SetPassword refuses to work.
	PlainLDAP bool `json:"plain_ldap" yaml:"plain_ldap"`
	// RootCAs are the certificate authorities trusted for the server's
	// certificate; nil means CAFile, or else the system's.
	RootCAs *x509.CertPool `json:"-" yaml:"-"`
	// CAFile is a PEM file of trusted certificate authorities.
	CAFile string `json:"ca_file" yaml:"ca_file"`
	// ServerName is the name the server's certificate must carry; default
	// the URL's host.
	ServerName string `json:"server_name" yaml:"server_name"`
	// BindDN is the connector's account: a DN, a UPN (svc@example.org) or
	// DOMAIN\name.
	BindDN string `json:"bind_dn" yaml:"bind_dn"`
	// BindPassword is that account's password.
	BindPassword connectors.Secret `json:"bind_password" yaml:"bind_password"`
	// BaseDN is where searches start and what the change feed covers;
	// default the domain's naming context. It must exist.
	BaseDN string `json:"base_dn" yaml:"base_dn"`
	// DialTimeout bounds connecting, TLS and binding; default 10s.
	DialTimeout time.Duration `json:"dial_timeout" yaml:"dial_timeout"`
	// Timeout bounds each operation whose context has no deadline of its
	// own; default 60s.
	Timeout time.Duration `json:"timeout" yaml:"timeout"`
	// MaxConns is the most connections open at once; default 4, at least
	// 2. A search holds one for as long as it runs, so that a Search
	// callback can use another.
	MaxConns int `json:"max_conns" yaml:"max_conns"`
	// IdleTimeout closes connections unused for this long (servers drop
	// idle connections; AD after 15 minutes); default 5 minutes.
	IdleTimeout time.Duration `json:"idle_timeout" yaml:"idle_timeout"`
	// PageSize is the default page size of searches; default 500 (AD
	// allows at most 1000).
	PageSize int `json:"page_size" yaml:"page_size"`
	// ChangeMethod is how the change feed reads changes; default
	// ChangesAuto.
	ChangeMethod ChangeMethod `json:"change_method" yaml:"change_method"`
	// Logger receives the connector's few log lines (reconnects, the
	// change method chosen); default slog.Default().
	Logger *slog.Logger `json:"-" yaml:"-"`
}

// ChangeMethod selects how the change feed learns of changes.
type ChangeMethod string

// The change methods.
const (
	// ChangesAuto uses DirSync, falling back to uSNChanged where the
	// account may not use DirSync.
	ChangesAuto ChangeMethod = ""
	// ChangesDirSync uses the DirSync control (1.2.840.113556.1.4.841):
	// changes as the DC replicates them, deletions included. It needs the
	// "Replicating Directory Changes" right, or it runs with the object
	// security flag and sees only what the account may read.
	ChangesDirSync ChangeMethod = "dirsync"
	// ChangesUSN polls uSNChanged on one DC, reading deleted objects from
	// the Deleted Objects container. Tokens are bound to that DC.
	ChangesUSN ChangeMethod = "usn"
)

// Validate checks the configuration and returns a Configuration error that
// says what to fix.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return connectors.Errorf(connectors.Configuration, "config", format, args...)
	}
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return bad("no URL: set url to ldaps://your-dc:636")
	case err != nil:
		return bad("url %q: %v", c.URL, err)
	case u.Scheme != "ldaps" && u.Scheme != "ldap":
		return bad("url %q: the scheme must be ldaps:// or ldap://", c.URL)
	case u.Hostname() == "":
		return bad("url %q has no host", c.URL)
	case u.Path != "" && u.Path != "/", u.RawQuery != "":
		return bad("url %q: give the base DN in base_dn, not in the URL", c.URL)
	case u.Scheme == "ldaps" && c.PlainLDAP:
		return bad("plain_ldap is set, but the URL is ldaps://")
	case u.Scheme == "ldap" && (u.Port() == "636" || u.Port() == "3269"):
		return bad("url %q: port %s speaks LDAP over TLS; use ldaps://", c.URL, u.Port())
	case u.Scheme == "ldaps" && (u.Port() == "389" || u.Port() == "3268"):
		return bad("url %q: port %s speaks plain LDAP; use ldap:// (the connector starts TLS on it)", c.URL, u.Port())
	case c.BindDN == "":
		return bad("no bind_dn: the connector needs an account to bind as")
	case c.BindPassword == "":
		return bad("no bind_password for %s", c.BindDN)
	case c.DialTimeout < 0, c.Timeout < 0, c.IdleTimeout < 0:
		return bad("timeouts must not be negative")
	case c.MaxConns < 0 || c.MaxConns == 1:
		return bad("max_conns %d: at least 2 (a search holds one connection while its callback may use another)", c.MaxConns)
	case c.PageSize < 0 || c.PageSize > 1000:
		return bad("page_size %d: AD pages hold 1 to 1000 entries", c.PageSize)
	}
	switch c.ChangeMethod {
	case ChangesAuto, ChangesDirSync, ChangesUSN:
	default:
		return bad("change_method %q: use dirsync, usn or leave it empty", c.ChangeMethod)
	}
	if c.BaseDN != "" {
		if _, err := connectors.ParseDN(c.BaseDN); err != nil {
			return bad("base_dn: %v", err)
		}
	}
	if c.CAFile != "" {
		if _, err := os.Stat(c.CAFile); err != nil {
			return bad("ca_file: %v", err)
		}
	}
	return nil
}

// withDefaults returns a copy of c with defaults filled in.
func (c Config) withDefaults() Config {
	if c.DialTimeout == 0 {
		c.DialTimeout = 10 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MaxConns == 0 {
		c.MaxConns = 4
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 5 * time.Minute
	}
	if c.PageSize == 0 {
		c.PageSize = 500
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// endpoint is where and how to connect, derived from a Config.
type endpoint struct {
	scheme string // "ldaps" or "ldap"
	addr   string // host:port
	tls    *tls.Config
	plain  bool
}

func newEndpoint(c Config) (endpoint, error) {
	u, _ := url.Parse(c.URL)
	port := u.Port()
	if port == "" {
		port = map[string]string{"ldaps": "636", "ldap": "389"}[u.Scheme]
	}
	pool := c.RootCAs
	if pool == nil && c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return endpoint{}, connectors.Errorf(connectors.Configuration, "config", "ca_file: %v", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return endpoint{}, connectors.Errorf(connectors.Configuration, "config", "ca_file %s holds no PEM certificate", c.CAFile)
		}
	}
	name := c.ServerName
	if name == "" {
		name = u.Hostname()
	}
	return endpoint{
		scheme: u.Scheme,
		addr:   net.JoinHostPort(u.Hostname(), port),
		tls:    &tls.Config{RootCAs: pool, ServerName: name, MinVersion: tls.VersionTLS12},
		plain:  c.PlainLDAP,
	}, nil
}

func (e endpoint) String() string { return fmt.Sprintf("%s://%s", e.scheme, e.addr) }
