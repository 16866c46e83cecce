package omada

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Connector reads an Omada identity view. It implements
// connectors.IdentitySource and is safe for concurrent use. It keeps no
// state between polls but an access token: each call to Identities reads
// the whole view again, and the host diffs it against the last.
type Connector struct {
	c      client
	first  string // the first page's URL
	ping   string // the URL Ping reads
	maxPgs int
	m      *mapping
	log    *slog.Logger
	closed atomic.Bool
}

// Compile-time check that the connector implements the contract.
var _ connectors.IdentitySource = (*Connector)(nil)

// Open validates cfg, reads its CA file and secret, and returns a
// connector. It does not contact Omada (Ping does), so that an outage
// at start is a Transient error of the first poll, not a failure to
// start. Every problem of the configuration is a Configuration error.
func Open(cfg Config) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	transport, err := newTransport(&cfg)
	if err != nil {
		return nil, err
	}
	auth, err := newAuthorizer(&cfg, transport)
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(cfg.URL) // checked by Validate
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	maxPages := cfg.MaxPages
	if maxPages == 0 {
		maxPages = defaultMaxPages
	}
	return &Connector{
		c: client{
			http:    &http.Client{Transport: transport, CheckRedirect: sameHost(base)},
			auth:    auth,
			base:    base,
			timeout: cfg.timeout(),
		},
		first:  firstURL(base, cfg.Filter, ""),
		ping:   firstURL(base, cfg.Filter, "$top=1"),
		maxPgs: maxPages,
		m:      newMapping(&cfg),
		log:    log.With("connector", "omada", "host", base.Host),
	}, nil
}

// timeout is the configured timeout or its default.
func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return defaultTimeout
}

// sameHost refuses a redirect to another host than the view's, which
// would carry the credentials there.
func sameHost(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != base.Scheme || req.URL.Host != base.Host {
			return errors.New("redirected to " + req.URL.Scheme + "://" + req.URL.Host + "; the credentials are not sent there")
		}
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		return nil
	}
}

var errClosed = errors.New("the connector is closed")

// begin checks what every call checks first.
func (c *Connector) begin(ctx context.Context, op string) error {
	if c.closed.Load() {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.c.base.Host, Err: errClosed}
	}
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, c.c.base.Host)
	}
	return nil
}

// Ping reads one record of the view ($top=1) with the filter: it fails
// as Identities would for credentials, certificates, the view and the
// filter, and Transient when Omada or the token endpoint does not
// answer.
func (c *Connector) Ping(ctx context.Context) error {
	const op = "ping"
	if err := c.begin(ctx, op); err != nil {
		return err
	}
	var pg envelope
	return c.c.get(ctx, op, c.ping, 1, &pg)
}

// Identities reads the whole view, page by page, following each page's
// @odata.nextLink as the server wrote it (on the view's host only), and
// returns the identities and service accounts in the order read. A
// record that cannot be mapped (a key missing, a CPR number or a date
// that does not parse, a second record with a key) is left out and listed
// in Skipped with its page, key and field; the rest is delivered. A page
// that cannot be read fails the poll: nothing is delivered, so that the
// host never takes half a view for the whole.
func (c *Connector) Identities(ctx context.Context) (*connectors.IdentitySnapshot, error) {
	const op = "identities"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	start := time.Now()
	p := newPoll(c.m)
	links := map[string]bool{}
	link, n := c.first, 0
	for link != "" {
		n++
		if n > c.maxPgs {
			return nil, &connectors.Error{Kind: connectors.Other, Op: op, Object: c.c.base.Host,
				Err: &ResponseError{Page: n, Err: errors.New("more than max_pages (" + strconv.Itoa(c.maxPgs) + ") pages")}}
		}
		links[link] = true
		var pg envelope
		if err := c.c.get(ctx, op, link, n, &pg); err != nil {
			return nil, err
		}
		p.add(n, pg.Value)
		if ctx.Err() != nil {
			return nil, connectors.ContextError(ctx, op, c.c.base.Host)
		}
		if pg.NextLink == "" {
			break
		}
		next, err := c.c.nextURL(link, pg.NextLink, n)
		if err != nil {
			return nil, err
		}
		if links[next] {
			return nil, &connectors.Error{Kind: connectors.Other, Op: op, Object: c.c.base.Host,
				Err: &ResponseError{Page: n, Err: errors.New("the next link leads to a page read before")}}
		}
		link = next
	}
	snap := p.result()
	if missing := p.missing(); len(missing) > 0 {
		c.log.Warn("no record of the view has these mapped fields; check the fields configuration", "fields", missing)
	}
	if len(p.skipped) > 0 {
		c.log.Warn("omada records skipped as malformed", "skipped", len(p.skipped), "first", p.skipped[0].String())
	}
	c.log.Info("omada view read", "pages", n, "identities", len(snap.Identities), "service_accounts", len(snap.ServiceAccounts),
		"skipped", len(p.skipped), "took", time.Since(start))
	return snap, nil
}

// Close makes every later call fail and closes idle connections. It
// always returns nil.
func (c *Connector) Close() error {
	c.closed.Store(true)
	c.c.http.CloseIdleConnections()
	return nil
}
