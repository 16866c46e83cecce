package oidctest

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// HTTPClient returns a browser stand-in for the provider: it trusts the
// provider's certificate, keeps cookies, and follows redirects only
// within the provider, so that the redirect back to a client comes back
// as a response instead of a request to wherever it points.
func (p *Provider) HTTPClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := p.srv.Client()
	issuer, _ := url.Parse(p.Issuer)
	return &http.Client{
		Transport: c.Transport,
		Jar:       jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host != issuer.Host || len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}

// Login runs the provider's side of a code flow as p.User: it opens
// authURL (the authorization URL a relying party redirected to), fills in
// the login form, and returns the URL the provider redirects back to,
// with the code and state (or an error) in its query.
func (p *Provider) Login(authURL string) (*url.URL, error) {
	return p.LoginAs(authURL, p.User.Username, p.User.Password)
}

// hiddenID finds the auth request id in the example's login form.
var hiddenID = regexp.MustCompile(`name="id" value="([^"]*)"`)

// formError finds the example login form's error message.
var formError = regexp.MustCompile(`(?s)<p style="color:red[^"]*">(.*?)</p>`)

// LoginAs is Login as another user. A refused login is an error saying
// what the form said.
func (p *Provider) LoginAs(authURL, username, password string) (*url.URL, error) {
	c := p.HTTPClient()
	resp, err := c.Get(authURL)
	if err != nil {
		return nil, err
	}
	page, err := readPage(resp)
	if err != nil {
		return nil, err
	}
	if loc := redirect(resp); loc != nil {
		return loc, nil // the provider answered without a login, e.g. with an error
	}
	m := hiddenID.FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("oidctest: %s: no login form (status %s)", resp.Request.URL, resp.Status)
	}
	action := resp.Request.URL.ResolveReference(&url.URL{Path: "/login/username"})
	resp, err = c.PostForm(action.String(), url.Values{
		"id":       {html.UnescapeString(m[1])},
		"username": {username},
		"password": {password},
	})
	if err != nil {
		return nil, err
	}
	page, err = readPage(resp)
	if err != nil {
		return nil, err
	}
	if loc := redirect(resp); loc != nil {
		return loc, nil
	}
	msg := resp.Status
	if m := formError.FindStringSubmatch(page); m != nil && strings.TrimSpace(m[1]) != "" {
		msg = html.UnescapeString(strings.TrimSpace(m[1]))
	}
	return nil, fmt.Errorf("oidctest: login as %q refused: %s", username, msg)
}

func readPage(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b), err
}

// redirect returns where a redirect response points, or nil.
func redirect(resp *http.Response) *url.URL {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	loc, err := resp.Location()
	if err != nil {
		return nil
	}
	return loc
}
