package omada

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/orgsync/orgsync/connectors"
)

// authorizer puts the credentials on a request.
type authorizer interface {
	// authorize sets the request's Authorization header; fresh asks for
	// credentials newer than those of a request the server refused.
	authorize(req *http.Request, fresh bool) error
}

// basicAuth is HTTP basic authentication.
type basicAuth struct {
	user     string
	password connectors.Secret
}

func (b basicAuth) authorize(req *http.Request, _ bool) error {
	req.SetBasicAuth(b.user, string(b.password))
	return nil
}

// clientCredentials gets, keeps and renews an OAuth 2 access token.
type clientCredentials struct {
	cfg    clientcredentials.Config
	client *http.Client // the token endpoint's, with the connector's TLS

	mu  sync.Mutex
	tok *oauth2.Token
}

func (c *clientCredentials) authorize(req *http.Request, fresh bool) error {
	tok, err := c.token(req.Context(), fresh)
	if err != nil {
		return err
	}
	tok.SetAuthHeader(req)
	return nil
}

// token returns a valid token: the one kept, unless fresh is set, or a
// new one from the token endpoint, fetched under ctx.
func (c *clientCredentials) token(ctx context.Context, fresh bool) (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && c.tok.Valid() {
		return c.tok, nil
	}
	var sent sentError
	tctx := context.WithValue(context.WithValue(ctx, oauth2.HTTPClient, c.client), sentKey{}, &sent)
	tok, err := c.cfg.Token(tctx)
	if err != nil {
		return nil, tokenError(ctx, err, sent.err)
	}
	c.tok = tok
	return tok, nil
}

// tokenError is the error for a token the endpoint did not give: the
// credentials refused are Configuration, an endpoint that is down or
// unreachable Transient. sent is the error of the request itself, which
// the oauth2 package keeps only as text.
func tokenError(ctx context.Context, err, sent error) error {
	const op = "token"
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, "")
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		code := re.Response.StatusCode
		kind := statusKind(code)
		hint := "the token endpoint refused the client id, secret or scopes"
		if kind == connectors.Transient {
			hint = "the token endpoint is unavailable; try again later"
		}
		if re.ErrorCode != "" {
			hint += " (" + re.ErrorCode + ")"
		}
		return &connectors.Error{Kind: kind, Op: op, Code: fmt.Sprintf("HTTP %d", code), Err: errors.New(hint)}
	}
	if sent != nil {
		return &connectors.Error{Kind: transportKind(sent), Op: op, Err: sent}
	}
	// A body that is not a token response.
	return &connectors.Error{Kind: connectors.Other, Op: op, Err: err}
}

// sentKey keys the *sentError a token request records its transport
// error in.
type sentKey struct{}

// sentError is the transport error of a token request.
type sentError struct{ err error }

// recording is a transport that records a request's transport error in
// the *sentError its context carries.
type recording struct{ next http.RoundTripper }

func (r recording) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		if s, ok := req.Context().Value(sentKey{}).(*sentError); ok {
			s.err = err
		}
	}
	return resp, err
}

// newAuthorizer reads the secret from where the configuration says and
// returns the authorizer.
func newAuthorizer(c *Config, transport http.RoundTripper) (authorizer, error) {
	if b := c.Basic; b != nil {
		pw, err := readSecret(c.getenv(), "basic_auth.password", b.Password, b.PasswordFile, b.PasswordEnv)
		if err != nil {
			return nil, err
		}
		return basicAuth{user: b.Username, password: pw}, nil
	}
	o := c.OIDC
	secret, err := readSecret(c.getenv(), "oidc.client_secret", o.ClientSecret, o.ClientSecretFile, o.ClientSecretEnv)
	if err != nil {
		return nil, err
	}
	return &clientCredentials{
		cfg: clientcredentials.Config{
			ClientID:     o.ClientID,
			ClientSecret: string(secret),
			TokenURL:     o.TokenURL,
			Scopes:       o.Scopes,
		},
		client: &http.Client{Transport: recording{transport}, Timeout: c.timeout()},
	}, nil
}

// getenv is the configured Getenv or os.Getenv.
func (c *Config) getenv() func(string) string {
	if c.Getenv != nil {
		return c.Getenv
	}
	return os.Getenv
}

// readSecret returns the secret given, or read from the file or the
// environment variable named; a missing or empty one is a Configuration
// error that names where it was looked for (never the value).
func readSecret(getenv func(string) string, name string, v connectors.Secret, file, env string) (connectors.Secret, error) {
	bad := func(format string, args ...any) error {
		return connectors.Errorf(connectors.Configuration, "config", format, args...)
	}
	switch {
	case v != "":
		return v, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", bad("%s_file: %v", name, err)
		}
		s := strings.TrimRight(string(b), "\r\n")
		if s == "" {
			return "", bad("%s_file %s is empty", name, file)
		}
		return connectors.Secret(s), nil
	default:
		s := getenv(env)
		if s == "" {
			return "", bad("%s_env: the environment variable %s is not set or empty", name, env)
		}
		return connectors.Secret(s), nil
	}
}
