package omada

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// maxPageBytes bounds the body of one page, so that a broken server
// cannot make the connector read without end. A page of 1,000 identities
// of 75 fields is about 2 MB.
const maxPageBytes = 256 << 20

// client fetches pages of the view.
type client struct {
	http    *http.Client
	auth    authorizer
	base    *url.URL // the view's URL; next links must stay on its host
	timeout time.Duration
}

// newTransport returns the transport for the configuration: the default
// transport's settings with the configured trust.
func newTransport(c *Config) (http.RoundTripper, error) {
	if c.Transport != nil {
		return c.Transport, nil
	}
	pool := c.RootCAs
	if pool == nil && c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, connectors.Errorf(connectors.Configuration, "config", "ca_file: %v", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, connectors.Errorf(connectors.Configuration, "config", "ca_file %s holds no PEM certificate", c.CAFile)
		}
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: c.ServerName, MinVersion: tls.VersionTLS12}
	t.Proxy = nil // the host's environment is not the connector's configuration
	return t, nil
}

// firstURL is the URL of the poll's first page: the view with the filter
// (and extra, such as $top=1 for Ping) added to its query. Spaces are
// written %20, as OData's examples do.
func firstURL(view *url.URL, filter, extra string) string {
	u := *view
	q := u.RawQuery
	add := func(s string) {
		if q != "" {
			q += "&"
		}
		q += s
	}
	if filter != "" {
		add("$filter=" + strings.ReplaceAll(url.QueryEscape(filter), "+", "%20"))
	}
	if extra != "" {
		add(extra)
	}
	u.RawQuery = q
	return u.String()
}

// nextURL checks a next link the server gave and resolves it against the
// page it came on. A link to another scheme or host is refused: the
// connector would send the credentials there.
func (c *client) nextURL(cur, link string, page int) (string, error) {
	base, err := url.Parse(cur)
	if err == nil {
		var u *url.URL
		if u, err = base.Parse(link); err == nil {
			if u.Scheme != c.base.Scheme || !strings.EqualFold(u.Host, c.base.Host) {
				err = fmt.Errorf("the next link leads to %s://%s, not to %s://%s; the credentials are not sent there",
					u.Scheme, u.Host, c.base.Scheme, c.base.Host)
			} else {
				return u.String(), nil
			}
		}
	}
	return "", &connectors.Error{Kind: connectors.Other, Op: "identities", Object: c.base.Host, Err: &ResponseError{Page: page, Err: err}}
}

// get fetches one page and decodes it into pg. A refused request is
// tried once more with new credentials (an access token revoked before
// its expiry).
func (c *client) get(ctx context.Context, op, link string, page int, pg *envelope) error {
	err := c.try(ctx, op, link, page, pg, false)
	if c.isRefused(err) {
		err = c.try(ctx, op, link, page, pg, true)
	}
	return err
}

// isRefused reports whether err is a 401 worth a second try: only a
// token can be renewed.
func (c *client) isRefused(err error) bool {
	var e *connectors.Error
	_, renewable := c.auth.(*clientCredentials)
	return renewable && errors.As(err, &e) && e.Code == "HTTP 401"
}

func (c *client) try(ctx context.Context, op, link string, page int, pg *envelope, fresh bool) error {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, link, nil)
	if err != nil {
		return &connectors.Error{Kind: connectors.Configuration, Op: op, Object: c.base.Host, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("User-Agent", "orgsync-omada")
	if err := c.auth.authorize(req, fresh); err != nil {
		return c.failed(ctx, rctx, op, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.failed(ctx, rctx, op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return statusError(op, c.base.Host, page, resp)
	}
	ct := resp.Header.Get("Content-Type")
	if ct != "" && !isJSON(ct) {
		return &connectors.Error{Kind: connectors.Other, Op: op, Object: c.base.Host,
			Err: &ResponseError{Page: page, ContentType: ct, Err: errors.New("the response is not JSON; does url name the OData view?")}}
	}
	err = decodePage(io.LimitReader(resp.Body, maxPageBytes), pg)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil || rctx.Err() != nil {
		return c.failed(ctx, rctx, op, err)
	}
	var re *ResponseError
	if errors.As(err, &re) {
		re.Page, re.ContentType = page, ct
		kind := connectors.Other
		if errors.Is(err, io.ErrUnexpectedEOF) {
			kind = connectors.Transient // cut short on the way
		}
		return &connectors.Error{Kind: kind, Op: op, Object: c.base.Host, Err: re}
	}
	return &connectors.Error{Kind: transportKind(err), Op: op, Object: c.base.Host, Err: fmt.Errorf("page %d: %w", page, err)}
}

// failed is the error of a request that got no answer: the caller's
// context ended, the connector's own timeout passed, or the transport
// failed.
func (c *client) failed(ctx, rctx context.Context, op string, err error) error {
	var ce *connectors.Error
	switch {
	case ctx.Err() != nil:
		return connectors.ContextError(ctx, op, c.base.Host)
	case rctx.Err() != nil:
		return connectors.Errorf(connectors.Transient, op, "no answer from %s within %v", c.base.Host, c.timeout)
	case errors.As(err, &ce):
		return err
	}
	return &connectors.Error{Kind: transportKind(err), Op: op, Object: c.base.Host, Err: err}
}
