package sdloen

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/shorten"
)

// The operations of SD's web service the connector calls.
const (
	opOrganization = "GetOrganization20111201"
	opDepartment   = "GetDepartment20111201"
	opPerson       = "GetPerson20111201"
	opEmployment   = "GetEmployment20111201"
	opChangedAt    = "GetEmploymentChangedAtDate20111201"
)

// maxAnswerBytes bounds one answer: GetEmployment of a large
// municipality is tens of megabytes.
const maxAnswerBytes = 1 << 30

// client calls SD's web service: an HTTPS GET of base+operation with the
// institution and the parameters as the query, and basic auth.
type client struct {
	s    *settings
	http *http.Client
}

func newClient(s *settings) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = s.tls
	return &client{s: s, http: &http.Client{Transport: tr, Timeout: s.timeout}}
}

// get calls operation op with params and decodes its answer into v.
func (c *client) get(ctx context.Context, op string, params url.Values, v any) error {
	body, err := c.fetch(ctx, op, params)
	if err != nil {
		return err
	}
	return decodeAnswer(op, body, v)
}

// fetch returns the body of operation op's answer, or its error.
func (c *client) fetch(ctx context.Context, op string, params url.Values) ([]byte, error) {
	q := url.Values{"InstitutionIdentifier": {c.s.institution}}
	for k, v := range params {
		q[k] = v
	}
	u := c.s.base.JoinPath(op)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.Configuration, Op: op, Err: err}
	}
	req.SetBasicAuth(c.s.user, string(c.s.password))
	req.Header.Set("Accept", "application/xml, text/xml")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, transportError(ctx, op, err)
	}
	if len(body) > maxAnswerBytes {
		return nil, connectors.Errorf(connectors.Other, op, "the answer is larger than %d bytes", maxAnswerBytes)
	}
	if f := parseFault(body); f != nil {
		return nil, faultError(op, resp.StatusCode, f)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(op, resp.StatusCode, body)
	}
	return body, nil
}

// transportError classifies an error of the request itself: an ended
// context, an untrusted certificate (Configuration), or a network
// failure or timeout (Transient).
func transportError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, "")
	}
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		verify   *tls.CertificateVerificationError
	)
	if errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &hostname) || errors.As(err, &verify) {
		return &connectors.Error{Kind: connectors.Configuration, Op: op, Err: fmt.Errorf("the server's certificate is not trusted: %w", err)}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return &connectors.Error{Kind: connectors.Configuration, Op: op, Err: err}
	}
	return &connectors.Error{Kind: connectors.Transient, Op: op, Err: err}
}

// statusError classifies an answer with an HTTP status other than 200
// and no SOAP fault.
func statusError(op string, code int, body []byte) error {
	e := &connectors.Error{Op: op, Code: "HTTP " + strconv.Itoa(code),
		Err: fmt.Errorf("SD answered %s: %s", http.StatusText(code), excerpt(body))}
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		e.Kind = connectors.Configuration
		e.Err = fmt.Errorf("SD refused the user and password (%s)", http.StatusText(code))
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		e.Kind = connectors.Transient
	default:
		e.Kind = connectors.Configuration
	}
	return e
}

// parseFault returns the SOAP fault the body holds, or nil.
func parseFault(body []byte) *fault {
	if !bytes.Contains(body, []byte("Fault")) {
		return nil
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Body.Fault == nil {
		return nil
	}
	return env.Body.Fault
}

// faultError classifies a SOAP fault: one about the login is
// Configuration, a server fault Transient, and one about the request's
// parameters (the institution, a date) Configuration, as the request
// is made of the configuration; a parameter the caller chose (none yet)
// would be Invalid.
func faultError(op string, status int, f *fault) error {
	code := strings.TrimSpace(f.Code)
	e := &connectors.Error{Op: op, Code: "SOAP " + shorten.To(code, 40),
		Err: fmt.Errorf("SD answered with a fault: %s", shorten.To(strings.TrimSpace(f.String), 300))}
	local := code
	if i := strings.LastIndexByte(local, ':'); i >= 0 {
		local = local[i+1:]
	}
	text := strings.ToLower(f.String)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden ||
		strings.Contains(text, "password") || strings.Contains(text, "authenticat") ||
		strings.Contains(text, "adgangskode") || strings.Contains(text, "not authori"):
		e.Kind = connectors.Configuration
	case strings.EqualFold(local, "Server") || strings.EqualFold(local, "Receiver"):
		e.Kind = connectors.Transient
	default:
		e.Kind = connectors.Configuration
	}
	return e
}

// decodeAnswer decodes an answer of operation op into v: the root must be
// the operation's name. A body cut short is Transient (the connection
// broke); another root (a login page, a proxy's error) is Configuration.
func decodeAnswer(op string, body []byte, v any) error {
	if err := xml.Unmarshal(body, v); err != nil {
		var syn *xml.SyntaxError
		if errors.As(err, &syn) && strings.Contains(syn.Msg, "unexpected EOF") {
			return &connectors.Error{Kind: connectors.Transient, Op: op, Err: fmt.Errorf("the answer is cut short: %w", err)}
		}
		return &connectors.Error{Kind: connectors.Other, Op: op, Err: fmt.Errorf("the answer is not XML: %w", err)}
	}
	name := rootName(v)
	if name != op {
		return &connectors.Error{Kind: connectors.Configuration, Op: op,
			Err: fmt.Errorf("the answer is <%s>, not <%s>: is the url SD's web service? %s", shorten.To(name, 40), op, excerpt(body))}
	}
	return nil
}

// rootName returns the local name of an answer's root element.
func rootName(v any) string {
	switch a := v.(type) {
	case *organizationAnswer:
		return a.XMLName.Local
	case *departmentAnswer:
		return a.XMLName.Local
	case *personAnswer:
		return a.XMLName.Local
	case *employmentAnswer:
		return a.XMLName.Local
	}
	return ""
}

// excerpt returns the start of a body for a message, clipped and with
// national ids masked by the error's text.
func excerpt(body []byte) string {
	return strconv.Quote(shorten.To(strings.TrimSpace(string(body)), 120))
}
