package auth

import (
	"bytes"
	"compress/flate"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/orgsync/orgsync/internal/redact"
)

// Session defaults.
const (
	DefaultMaxAge      = 8 * time.Hour
	DefaultIdleTimeout = time.Hour
	// refreshEvery bounds how often a session in use is re-issued to move
	// its idle deadline: once a minute is precise enough and keeps
	// Set-Cookie off most responses.
	refreshEvery = time.Minute
	// maxCookieValue keeps a session within what every browser stores for
	// one cookie (4096 bytes with its name and attributes).
	maxCookieValue = 3800
)

// SessionConfig configures [Sessions].
type SessionConfig struct {
	// Keys seal the session cookies: each exactly 32 bytes (AES-256). The
	// first seals, every key opens; to rotate, put a new key first and
	// drop the old one after MaxAge. Keep them secret and the same on every
	// instance of the service.
	Keys [][]byte
	// CookieName is the session cookie's name; default
	// "__Host-orgsync_session", or "orgsync_session" when Insecure.
	CookieName string
	// Insecure drops the Secure attribute (and the __Host- prefix), for
	// development over plain HTTP only.
	Insecure bool
	// MaxAge is how long a session lasts at most after login; default 8h.
	MaxAge time.Duration
	// IdleTimeout ends a session not used for this long; default 1h.
	IdleTimeout time.Duration
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
}

// Sessions issues and reads login sessions held entirely in a sealed
// cookie, so that no server-side store is needed and a session survives a
// restart of the service. The cost is that a session cannot be revoked
// before it expires, except by rotating every key away.
type Sessions struct {
	cfg     SessionConfig
	seal    *sealer
	csrfKey [][]byte // one per key, same order
}

// Session is a valid login session.
type Session struct {
	// ID identifies the session; random, and the basis of its CSRF token.
	ID string
	// Principal is who logged in. Its Expires is the session's absolute
	// end.
	Principal Principal
	// Issued is when the login happened.
	Issued time.Time
	// LastSeen is when the session was last (re-)issued; it ends at
	// LastSeen + IdleTimeout if unused.
	LastSeen time.Time

	csrf []byte // HMAC key for CSRFToken
}

// NewSessions checks cfg and returns its Sessions. A key that is not 32
// bytes long is a *ConfigError.
func NewSessions(cfg SessionConfig) (*Sessions, error) {
	seal, err := newSealer("Keys", cfg.Keys)
	if err != nil {
		return nil, err
	}
	if cfg.CookieName == "" {
		cfg.CookieName = hostPrefixed("orgsync_session", cfg.Insecure)
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxAge < 0 || cfg.IdleTimeout < 0 {
		return nil, configErrorf("MaxAge", "MaxAge and IdleTimeout must not be negative")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Sessions{cfg: cfg, seal: seal}
	for _, k := range cfg.Keys {
		// A key of its own for CSRF tokens, derived, so that a token never
		// says anything about the sealing key.
		m := hmac.New(sha256.New, k)
		m.Write([]byte("orgsync auth csrf v1"))
		s.csrfKey = append(s.csrfKey, m.Sum(nil))
	}
	return s, nil
}

// CookieName is the name of the session cookie.
func (s *Sessions) CookieName() string { return s.cfg.CookieName }

// sessionData is what the cookie holds.
type sessionData struct {
	ID        string    `json:"id"`
	Principal Principal `json:"p"`
	Issued    time.Time `json:"iat"`
	LastSeen  time.Time `json:"seen"`
}

// Issue starts a session for p (a copy; p is not changed) and sets its
// cookie on w. It fails if the principal is too large for a cookie (many
// hundreds of groups).
func (s *Sessions) Issue(w http.ResponseWriter, p *Principal) error {
	now := s.cfg.Now()
	d := sessionData{ID: randomToken(), Principal: *p, Issued: now, LastSeen: now}
	d.Principal.Groups = append([]string(nil), p.Groups...)
	d.Principal.Expires = now.Add(s.cfg.MaxAge)
	return s.write(w, &d, now)
}

// write seals d into the cookie.
func (s *Sessions) write(w http.ResponseWriter, d *sessionData, now time.Time) error {
	plain, err := json.Marshal(d)
	if err != nil {
		return err
	}
	// Compressed because AD group DNs are long and alike. Compressing
	// before encrypting leaks the length, which matters only where an
	// attacker can mix chosen text with a secret in one payload; here the
	// only chosen text is a username that has just passed a login.
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(plain)
	fw.Close()
	value := s.seal.seal(s.cfg.CookieName, buf.Bytes())
	if len(value) > maxCookieValue {
		return fmt.Errorf("auth: the session of %q is %d bytes sealed, more than a cookie holds (%d groups)",
			redact.NationalIDs(d.Principal.Username), len(value), len(d.Principal.Groups))
	}
	http.SetCookie(w, newCookie(s.cfg.CookieName, value, d.Principal.Expires.Sub(now), s.cfg.Insecure))
	return nil
}

// Get returns the request's session. It fails with ErrNoSession when
// there is no cookie or it has expired (absolutely or by idling), does not
// open with any key, or has been tampered with.
func (s *Sessions) Get(r *http.Request) (*Session, error) {
	c, err := r.Cookie(s.cfg.CookieName)
	if err != nil {
		return nil, ErrNoSession
	}
	return s.open(c.Value)
}

// open reads and checks a session cookie's value.
func (s *Sessions) open(value string) (*Session, error) {
	d, err := s.decode(value)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSession, err)
	}
	now := s.cfg.Now()
	switch {
	case !now.Before(d.Principal.Expires):
		return nil, fmt.Errorf("%w: expired", ErrNoSession)
	case !now.Before(d.LastSeen.Add(s.cfg.IdleTimeout)):
		return nil, fmt.Errorf("%w: idle too long", ErrNoSession)
	}
	return &Session{ID: d.ID, Principal: d.Principal, Issued: d.Issued, LastSeen: d.LastSeen, csrf: s.csrfKey[0]}, nil
}

// maxSessionJSON bounds decompression: a sealed value is authentic, but
// bounding it costs nothing.
const maxSessionJSON = 1 << 20

func (s *Sessions) decode(value string) (*sessionData, error) {
	if len(value) > maxCookieValue {
		return nil, errUnsealable
	}
	packed, err := s.seal.open(s.cfg.CookieName, value)
	if err != nil {
		return nil, err
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxSessionJSON))
	if err != nil {
		return nil, err
	}
	var d sessionData
	if err := json.Unmarshal(plain, &d); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return nil, errors.New("no session id")
	}
	return &d, nil
}

// Refresh returns the request's session like Get and, if it was last
// issued a minute ago or more, re-issues its cookie to move the idle
// deadline. Call it on every request that a logged-in user makes.
func (s *Sessions) Refresh(w http.ResponseWriter, r *http.Request) (*Session, error) {
	sess, err := s.Get(r)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	if now.Sub(sess.LastSeen) < refreshEvery {
		return sess, nil
	}
	sess.LastSeen = now
	d := sessionData{ID: sess.ID, Principal: sess.Principal, Issued: sess.Issued, LastSeen: now}
	if err := s.write(w, &d, now); err != nil {
		return nil, err
	}
	return sess, nil
}

// Clear ends the session by deleting its cookie. (The sealed value itself
// stays valid until it expires; see [Sessions].)
func (s *Sessions) Clear(w http.ResponseWriter) {
	http.SetCookie(w, expiredCookie(s.cfg.CookieName, s.cfg.Insecure))
}

// CSRFToken is the token that a form or script must send back with a
// state-changing request of this session (see [RequireCSRF]): an HMAC of
// the session id, so it needs no storage and cannot be derived without the
// service's keys.
func (s *Session) CSRFToken() string {
	return csrfToken(s.csrf, s.ID)
}

func csrfToken(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF reports whether token is the session's CSRF token under any
// configured key, so that rotating keys does not break forms already
// shown. It compares in constant time.
func (s *Sessions) validCSRF(sess *Session, token string) bool {
	if token == "" {
		return false
	}
	ok := false
	for _, k := range s.csrfKey {
		if hmac.Equal([]byte(csrfToken(k, sess.ID)), []byte(token)) {
			ok = true
		}
	}
	return ok
}
