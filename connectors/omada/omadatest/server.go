package omadatest

import (
	"crypto/subtle"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/omada"
)

// ViewPath is the path of the fake's identity view; its URL adds
// ?viewid=1.
const ViewPath = "/OData/DataObjects/Identity"

// TokenPath is the path of the fake's token endpoint.
const TokenPath = "/oauth2/token"

// Options configure a fake. Set Username and Password for basic
// authentication, or ClientID and ClientSecret for client credentials;
// the fake then refuses every request without them.
type Options struct {
	// PageSize is how many records a page holds; default 100.
	PageSize int
	// Username and Password are the basic-auth account.
	Username, Password string
	// ClientID and ClientSecret are the OAuth 2 client.
	ClientID, ClientSecret string
	// TokenLifetime is how long an access token lasts; default an hour.
	TokenLifetime time.Duration
	// Fields is the mapping Publish writes with; Config sets it too.
	Fields omada.Fields
	// ServiceCategory is the category Publish writes for service
	// accounts; Config puts it in ServiceCategories. Default "AD-robot".
	ServiceCategory string
}

// TokenRequest is a request the token endpoint received.
type TokenRequest struct {
	// Form is the request's form.
	Form url.Values
	// Authorization is its Authorization header.
	Authorization string
}

// Server is a fake Omada. Its methods are safe for concurrent use.
type Server struct {
	opts Options

	mu       sync.Mutex
	srv      *httptest.Server
	addr     string
	versions [][]json.RawMessage // every state published; pages name theirs
	tokens   map[string]time.Time
	tokenReq []TokenRequest
	fail     []failure
	delay    time.Duration
	requests int
	filters  []string
}

// failure is a canned answer for the next view request.
type failure struct {
	status      int
	contentType string
	body        string
	page        int // 0 any page, else only this page
}

// New starts a fake that holds no records, and stops it when the test
// ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.PageSize == 0 {
		opts.PageSize = 100
	}
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.ServiceCategory == "" {
		opts.ServiceCategory = "AD-robot"
	}
	s := &Server{opts: opts, versions: [][]json.RawMessage{{}}, tokens: map[string]time.Time{}}
	s.start(t, "127.0.0.1:0")
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start(t testing.TB, addr string) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("omadatest: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	srv.Listener.Close()
	srv.Listener = l
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the TLS errors tests provoke
	srv.StartTLS()
	s.mu.Lock()
	s.srv, s.addr = srv, l.Addr().String()
	s.mu.Unlock()
}

// Stop stops the server and closes its connections: an outage. Requests
// fail until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.CloseClientConnections()
		srv.Close()
	}
}

// Restart starts a stopped server again on the same address, with the
// same certificate and records.
func (s *Server) Restart(t testing.TB) { s.start(t, s.addr) }

// Base is the server's https://127.0.0.1:port.
func (s *Server) Base() string { return "https://" + s.addr }

// ViewURL is the identity view's URL.
func (s *Server) ViewURL() string { return s.Base() + ViewPath + "?viewid=1" }

// TokenURL is the token endpoint's URL.
func (s *Server) TokenURL() string { return s.Base() + TokenPath }

// CAFile writes the server's certificate (which is its own CA) as PEM
// into a temporary folder of t and returns the file's name.
func (s *Server) CAFile(t testing.TB) string {
	t.Helper()
	s.mu.Lock()
	cert := s.srv.Certificate()
	s.mu.Unlock()
	name := filepath.Join(t.TempDir(), "omada-ca.pem")
	if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// Config returns a configuration that reads the fake: its view, its CA
// file, its credentials (the secret inline) and the Fields and service
// category of the Options.
func (s *Server) Config(t testing.TB) omada.Config {
	c := omada.Config{URL: s.ViewURL(), CAFile: s.CAFile(t), Fields: s.opts.Fields, ServiceCategories: []string{s.opts.ServiceCategory}}
	switch {
	case s.opts.ClientID != "":
		c.OIDC = &omada.OIDC{TokenURL: s.TokenURL(), ClientID: s.opts.ClientID, ClientSecret: connectors.Secret(s.opts.ClientSecret)}
	default:
		c.Basic = &omada.BasicAuth{Username: s.opts.Username, Password: connectors.Secret(s.opts.Password)}
	}
	return c
}

// SetRecords makes records the view's content, as they are; each must be
// JSON (an object, unless the test wants a malformed record).
func (s *Server) SetRecords(records []json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.versions = append(s.versions, records)
}

// Fail makes the next n requests for the view (of the page given, or of
// any page if page is 0) answer with status, contentType and body.
func (s *Server) Fail(n, page, status int, contentType, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, failure{status: status, contentType: contentType, body: body, page: page})
	}
}

// SetDelay makes every view request wait d before it answers.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// RevokeTokens makes every access token issued so far invalid.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// TokenRequests returns the requests the token endpoint received.
func (s *Server) TokenRequests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenRequest(nil), s.tokenReq...)
}

// Requests counts the view requests received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Filters returns the $filter of every first page requested.
func (s *Server) Filters() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.filters...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case TokenPath:
		s.token(w, r)
	case ViewPath:
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="Omada"`)
			odataError(w, http.StatusUnauthorized, "Unauthorized", "Access is denied due to invalid credentials.")
			return
		}
		s.view(w, r)
	default:
		odataError(w, http.StatusNotFound, "NotFound", "No such resource.")
	}
}

// authorized checks the request's credentials.
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.ClientID != "" {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		s.mu.Unlock()
		return ok && known && time.Now().Before(exp)
	}
	u, p, ok := r.BasicAuth()
	return ok && equal(u, s.opts.Username) && equal(p, s.opts.Password)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// token is the token endpoint: client credentials in the Authorization
// header or in the form.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	s.mu.Lock()
	s.tokenReq = append(s.tokenReq, TokenRequest{Form: r.PostForm, Authorization: r.Header.Get("Authorization")})
	s.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	case !equal(id, s.opts.ClientID) || !equal(secret, s.opts.ClientSecret):
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	s.mu.Lock()
	tok := "tok-" + strconv.Itoa(len(s.tokenReq))
	s.tokens[tok] = time.Now().Add(s.opts.TokenLifetime)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.opts.TokenLifetime.Seconds())})
}

func tokenError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q}`, code)
}

func odataError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// filterRE is the one filter the fake understands.
var filterRE = regexp.MustCompile(`^(\w+) eq '((?:[^']|'')*)'$`)

// view serves a page: the first from the latest state, with $filter and
// $top; the next ones, named by $skiptoken, from the state the first
// came from.
func (s *Server) view(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.requests++
	delay := s.delay
	skip := q.Get("$skiptoken")
	if skip == "" {
		s.filters = append(s.filters, q.Get("$filter"))
	}
	page := 1
	version, offset := len(s.versions)-1, 0
	if skip != "" {
		v, o, _ := strings.Cut(skip, ".")
		version, _ = strconv.Atoi(v)
		offset, _ = strconv.Atoi(o)
		page = offset/s.opts.PageSize + 1
	}
	var f *failure
	for i := range s.fail {
		if s.fail[i].page == 0 || s.fail[i].page == page {
			ff := s.fail[i]
			f = &ff
			s.fail = append(s.fail[:i:i], s.fail[i+1:]...)
			break
		}
	}
	records := []json.RawMessage{}
	if version >= 0 && version < len(s.versions) {
		records = s.versions[version]
	}
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if f != nil {
		w.Header().Set("Content-Type", f.contentType)
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.body)
		return
	}
	if filter := q.Get("$filter"); filter != "" {
		m := filterRE.FindStringSubmatch(filter)
		if m == nil {
			odataError(w, http.StatusBadRequest, "BadRequest", "The query specified in the URI is not valid. Syntax error at position 1 in '"+filter+"'.")
			return
		}
		records = filtered(records, m[1], strings.ReplaceAll(m[2], "''", "'"))
	}
	size := s.opts.PageSize
	if top, err := strconv.Atoi(q.Get("$top")); err == nil && top < size {
		size = top
	}
	offset = min(offset, len(records))
	end := min(offset+size, len(records))
	out := map[string]any{"@odata.context": s.Base() + "/OData/DataObjects/$metadata#Identity", "value": records[offset:end]}
	if end < len(records) && q.Get("$top") == "" {
		next := *r.URL
		nq := next.Query()
		nq.Set("$skiptoken", strconv.Itoa(version)+"."+strconv.Itoa(end))
		next.RawQuery = nq.Encode()
		out["@odata.nextLink"] = s.Base() + next.RequestURI()
	}
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
	json.NewEncoder(w).Encode(out)
}

// filtered returns the records whose field is the value.
func filtered(records []json.RawMessage, field, want string) []json.RawMessage {
	var out []json.RawMessage
	for _, raw := range records {
		var rec map[string]any
		if json.Unmarshal(raw, &rec) != nil {
			continue
		}
		if fmt.Sprint(rec[field]) == want || rec[field] == nil && want == "" {
			out = append(out, raw)
		}
	}
	return out
}
