package smtp

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Config configures a Mailer.
type Config struct {
	// Host is the SMTP server's host name (or address).
	Host string
	// Port is its port: default 587, or 465 with TLS "implicit".
	Port int
	// TLS is "starttls" (the default: STARTTLS required), "implicit"
	// (TLS from the first byte, port 465) or "none" (plain SMTP: only for
	// a relay on the same host, and only when said).
	TLS string
	// CAFile is a PEM file of the CAs to trust instead of the system's.
	CAFile string
	// RootCAs, if set, are the CAs to trust (for hosts that have them in
	// memory; CAFile is the configuration's way).
	RootCAs *x509.CertPool
	// ServerName is the name the certificate must have (default Host).
	ServerName string
	// Auth is "plain", "login", or "" for none (a relay that trusts the
	// host by address).
	Auth string
	// Username is the account for Auth.
	Username string
	// Password is its password: from a file or the environment, never
	// the configuration file itself.
	Password connectors.Secret
	// HELO is the name the client greets with (default the host name).
	HELO string
	// MessageIDDomain is the domain of the Message-IDs made from the
	// messages' keys (default the sender's domain).
	MessageIDDomain string
	// ConnectTimeout bounds connecting, TLS and AUTH (default 15 s);
	// SendTimeout bounds one message (default 60 s).
	ConnectTimeout, SendTimeout time.Duration
	// IdleTimeout closes a connection unused this long (default 30 s).
	IdleTimeout time.Duration
}

// withDefaults returns c with the defaults filled in, or a Configuration
// error naming every problem.
func (c Config) withDefaults() (Config, error) {
	var problems []string
	c.TLS = strings.ToLower(strings.TrimSpace(c.TLS))
	if c.TLS == "" {
		c.TLS = "starttls"
	}
	switch c.TLS {
	case "starttls":
		if c.Port == 0 {
			c.Port = 587
		}
	case "implicit":
		if c.Port == 0 {
			c.Port = 465
		}
	case "none":
		if c.Port == 0 {
			c.Port = 25
		}
	default:
		problems = append(problems, fmt.Sprintf("tls %q: want starttls, implicit or none", c.TLS))
	}
	if strings.TrimSpace(c.Host) == "" || strings.ContainsAny(c.Host, " /\r\n") {
		problems = append(problems, "host: a server's name or address is required")
	}
	if c.Port < 0 || c.Port > 65535 { // 0 is left only by a bad tls, reported above
		problems = append(problems, fmt.Sprintf("port %d is not a TCP port", c.Port))
	}
	switch c.Auth = strings.ToLower(c.Auth); c.Auth {
	case "":
		if c.Username != "" || c.Password != "" {
			problems = append(problems, "username and password go with auth: plain or login")
		}
	case "plain", "login":
		if c.Username == "" || c.Password == "" {
			problems = append(problems, "auth "+c.Auth+" needs a username and a password")
		}
		if c.TLS == "none" {
			problems = append(problems, "auth over plain SMTP would send the password in clear: use tls starttls or implicit")
		}
	default:
		problems = append(problems, fmt.Sprintf("auth %q: want plain, login or none", c.Auth))
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		pool := x509.NewCertPool()
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("ca_file: %v", err))
		case !pool.AppendCertsFromPEM(pem):
			problems = append(problems, fmt.Sprintf("ca_file %s holds no PEM certificate", c.CAFile))
		default:
			c.RootCAs = pool
		}
	}
	if c.ServerName == "" {
		c.ServerName = c.Host
	}
	for _, d := range []*time.Duration{&c.ConnectTimeout, &c.SendTimeout, &c.IdleTimeout} {
		if *d < 0 {
			problems = append(problems, "timeouts cannot be negative")
		}
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = 15 * time.Second
	}
	if c.SendTimeout == 0 {
		c.SendTimeout = time.Minute
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if len(problems) > 0 {
		return c, &connectors.Error{Kind: connectors.Configuration, Op: "open", Object: c.Host, Err: errors.New(strings.Join(problems, "; "))}
	}
	return c, nil
}
