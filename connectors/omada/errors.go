package omada

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
)

// ResponseError is a response the connector could not read as an OData
// page: not JSON, JSON that is not a page (no "value" list), a body cut
// short, or a next link it refuses to follow. It comes wrapped in a
// *connectors.Error, so errors.As finds it; its text never holds a
// national id in full.
type ResponseError struct {
	// Page is the page of the poll, from 1.
	Page int
	// ContentType is the response's Content-Type.
	ContentType string
	// Offset is the byte in the body where the JSON went wrong; 0 when
	// not known.
	Offset int64
	// Err says what is wrong.
	Err error
}

// Error returns e.g. "omada: page 2, byte 10433: invalid character '<'
// looking for beginning of value".
func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString("omada: page " + strconv.Itoa(e.Page))
	if e.Offset > 0 {
		b.WriteString(", byte " + strconv.FormatInt(e.Offset, 10))
	}
	if e.ContentType != "" && !isJSON(e.ContentType) {
		b.WriteString(" (" + e.ContentType + ")")
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return redact.NationalIDs(b.String())
}

// Unwrap returns Err.
func (e *ResponseError) Unwrap() error { return e.Err }

// isJSON reports whether a Content-Type is JSON's.
func isJSON(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

// statusKind is the kind of an HTTP status that is not a success.
func statusKind(code int) connectors.Kind {
	switch {
	case code == http.StatusUnauthorized, code == http.StatusForbidden:
		return connectors.Configuration // the credentials, or the account's rights in Omada
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return connectors.Transient
	default: // 400 (a $filter Omada refuses), 404 (a wrong view), …
		return connectors.Configuration
	}
}

// statusHint says what an operator should look at for a status.
func statusHint(code int) string {
	switch code {
	case http.StatusUnauthorized:
		return "the credentials were refused"
	case http.StatusForbidden:
		return "the account may not read the view"
	case http.StatusBadRequest:
		return "the request was refused: check filter and url"
	case http.StatusNotFound:
		return "no such view: check url"
	}
	if code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout {
		return "the server is unavailable; try again later"
	}
	return "unexpected status"
}

// statusError is the error for a response with status resp.StatusCode,
// with the server's own message (from an OData error body) clipped and
// masked.
func statusError(op, object string, page int, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	msg := serverMessage(body)
	err := fmt.Errorf("page %d: %s", page, statusHint(resp.StatusCode))
	if msg != "" {
		err = fmt.Errorf("%w (the server says %q)", err, msg)
	}
	return &connectors.Error{Kind: statusKind(resp.StatusCode), Op: op, Object: object, Code: "HTTP " + strconv.Itoa(resp.StatusCode), Err: err}
}

// serverMessage returns the message of an OData error body
// ({"error": {"code": …, "message": …}}), or the start of a text body.
func serverMessage(body []byte) string {
	var o struct {
		Error struct {
			Message json.RawMessage `json:"message"`
		} `json:"error"`
	}
	msg := ""
	if json.Unmarshal(body, &o) == nil && o.Error.Message != nil {
		var s string
		if json.Unmarshal(o.Error.Message, &s) == nil {
			msg = s
		} else {
			var v struct {
				Value string `json:"value"`
			}
			if json.Unmarshal(o.Error.Message, &v) == nil {
				msg = v.Value
			}
		}
	} else if len(body) > 0 && body[0] != '<' {
		msg = string(body)
	}
	msg = strings.Join(strings.Fields(strings.ToValidUTF8(msg, "?")), " ")
	return shorten.To(redact.NationalIDs(msg), 200)
}

// transportKind is the kind of an error that kept a request from getting
// an answer: Configuration for a certificate the connector does not
// trust or that names another host, or a server that does not speak TLS;
// Transient for everything else (refused, reset, timed out, no route).
func transportKind(err error) connectors.Kind {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		header   tls.RecordHeaderError
	)
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &header) {
		return connectors.Configuration
	}
	return connectors.Transient
}
