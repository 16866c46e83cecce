package username

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrExhausted is returned (wrapped in an *ExhaustedError) when every
// candidate a name gives is taken, forbidden or out of bounds.
var ErrExhausted = errors.New("username: every candidate is taken or forbidden")

// ExhaustedError says how many candidates were tried; with Explain set,
// Rejected says why each failed.
type ExhaustedError struct {
	// What is "username", "UPN" or "e-mail".
	What string
	// Tried counts the candidates tried.
	Tried int
	// Rejected are the candidates and reasons, when explaining.
	Rejected []Rejection
}

// Error describes the failure.
func (e *ExhaustedError) Error() string {
	advice := "add patterns, a suffix base or a fallback"
	switch {
	case e.What != "username":
		advice = "add templates or raise suffix_max"
	case e.Tried == 0:
		advice = "no pattern fits this name (a part it needs is missing or too short); add patterns or a suffix base"
	}
	return fmt.Sprintf("%v: no %s among %d candidates; %s", ErrExhausted, e.What, e.Tried, advice)
}

// Unwrap returns ErrExhausted.
func (e *ExhaustedError) Unwrap() error { return ErrExhausted }

// Request asks for the names of one person.
type Request struct {
	// Name is the person's name.
	Name Name
	// Person identifies the person (the org model's id), for the reuse
	// policy: a person may get their own old name back.
	Person string
	// Explain records every rejected candidate and why in the Result.
	Explain bool
}

// Rejection is one candidate that was not used, and why.
type Rejection struct {
	// For is "username", "UPN" or "e-mail".
	For string `json:"for"`
	// Candidate is the rejected name.
	Candidate string `json:"candidate"`
	// Reason says why, e.g. "taken in mail by <guid>".
	Reason string `json:"reason"`
}

// Result is a generated set of names, reserved for the caller until
// Config.ReservationTTL has passed or Release is called.
type Result struct {
	// Username is the sAMAccountName.
	Username string `json:"username"`
	// UPN is the userPrincipalName, if a UPN domain is configured.
	UPN string `json:"upn,omitempty"`
	// Mail is the e-mail address, if a mail domain is configured.
	Mail string `json:"mail,omitempty"`
	// Token identifies the reservation of the names.
	Token string `json:"-"`
	// Rejected are the candidates passed over, with Request.Explain.
	Rejected []Rejection `json:"rejected,omitempty"`
}

// Generator makes usernames, UPNs and e-mail addresses by a Config, unique
// across its Taken places. It is deterministic: the same request and the
// same taken names give the same result. It is safe for concurrent use:
// two requests never get the same name, because a name is reserved in the
// same step that finds it free.
type Generator struct {
	cfg      Config
	norm     *Normalizer
	forbid   forbidden
	patterns []Pattern
	suffix   *Pattern
	taken    []Taken
	viewers  []holdingsViewer // taken[i]'s fast path, or nil
	now      func() time.Time

	mu       sync.Mutex
	reserved map[string]Holding // name → reservation
	byToken  map[string][]string
	// created holds the names of accounts this generator saw created until
	// a Taken place holds them: a run that outlives the reservation time
	// (a first provisioning of thousands of accounts, with no change feed
	// followed into the index) must still not hand them out again.
	created  map[string]Holding
	nCreated atomic.Int64 // len(created), read without the lock
}

// Option configures a Generator.
type Option func(*Generator)

// WithClock sets the generator's clock (time.Now by default), for the
// reuse quarantine and reservation expiry.
func WithClock(now func() time.Time) Option { return func(g *Generator) { g.now = now } }

// New returns a generator for the configuration, which it validates,
// checking names against the taken places in order.
func New(cfg Config, taken []Taken, opts ...Option) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n, err := cfg.normalizer()
	if err != nil {
		return nil, err
	}
	g := &Generator{
		cfg:      cfg,
		norm:     n,
		forbid:   newForbidden(n, cfg.Forbidden, cfg.ForbiddenSubstrings),
		taken:    taken,
		now:      time.Now,
		reserved: make(map[string]Holding),
		byToken:  make(map[string][]string),
		created:  make(map[string]Holding),
	}
	for _, t := range taken {
		v, _ := t.(holdingsViewer)
		g.viewers = append(g.viewers, v)
	}
	for _, p := range cfg.Patterns {
		g.patterns = append(g.patterns, MustParsePattern(p))
	}
	if cfg.SuffixBase != "" {
		p := MustParsePattern(cfg.SuffixBase)
		g.suffix = &p
	}
	for _, o := range opts {
		o(g)
	}
	return g, nil
}

// Parts returns the name as the patterns read it, after the configured
// normalisation, surname rule and vowel removal.
func (g *Generator) Parts(n Name) (Parts, error) {
	p, err := g.norm.parts(n, g.cfg.Surname)
	if err != nil {
		return Parts{}, err
	}
	if g.cfg.RemoveVowels {
		for i := range p.Middle {
			p.Middle[i] = removeVowels(p.Middle[i])
		}
		p.Last = removeVowels(p.Last)
	}
	return p, nil
}

func removeVowels(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("aeiou", r) {
			return -1
		}
		return r
	}, s)
}

// Generate returns a username and, where domains are configured, a UPN and
// an e-mail address for the request, all free in every taken place and
// reserved for the caller. Create the account, then call Created with the
// token (or Release if it was not created); Create does all of it, and
// moves on to the next candidate if the directory says a name already
// exists after all.
func (g *Generator) Generate(ctx context.Context, req Request) (Result, error) {
	res := Result{Token: newToken()}
	ok := false
	defer func() {
		if !ok {
			g.Release(res.Token)
		}
	}()
	parts, err := g.Parts(req.Name)
	fallback := false
	if err != nil {
		if !errors.Is(err, ErrNoLatinLetters) || g.cfg.Fallback == "" {
			return Result{}, err
		}
		fallback = true
	}
	tried := 0
	now := g.now()
	// try checks a candidate; the bytes are only made a string when the
	// candidate is taken or explained, so rejecting one costs no
	// allocation.
	try := func(what string, cand []byte) (string, error) {
		tried++
		got, reason, err := g.claim(ctx, cand, req.Person, res.Token, what == "username", req.Explain, now)
		if err != nil || got != "" {
			return got, err
		}
		if req.Explain {
			res.Rejected = append(res.Rejected, Rejection{For: what, Candidate: string(cand), Reason: reason})
		}
		return "", nil
	}
	var tryErr error
	g.eachUsernameCandidate(parts, fallback, func(cand []byte) bool {
		res.Username, tryErr = try("username", cand)
		return tryErr == nil && res.Username == ""
	})
	if tryErr != nil {
		return Result{}, tryErr
	}
	if res.Username == "" {
		return Result{}, &ExhaustedError{What: "username", Tried: tried, Rejected: res.Rejected}
	}
	if g.cfg.UPNDomain != "" {
		local, err := g.pick("UPN", []string{g.cfg.UPNTemplate}, parts, res.Username, try)
		if err != nil {
			return Result{}, withRejected(err, res.Rejected)
		}
		res.UPN = local + "@" + strings.ToLower(g.cfg.UPNDomain)
	}
	if g.cfg.MailDomain != "" {
		local, err := g.pick("e-mail", g.cfg.MailTemplates, parts, res.Username, try)
		if err != nil {
			return Result{}, withRejected(err, res.Rejected)
		}
		res.Mail = local + "@" + strings.ToLower(g.cfg.MailDomain)
	}
	ok = true
	return res, nil
}

// withRejected attaches the explanation gathered so far to an
// ExhaustedError, so a failed UPN or e-mail explains itself too.
func withRejected(err error, rejected []Rejection) error {
	var ee *ExhaustedError
	if errors.As(err, &ee) {
		ee.Rejected = rejected
	}
	return err
}

// pick returns the first free local part the templates give, then the
// first template numbered from 2.
func (g *Generator) pick(what string, templates []string, parts Parts, username string, try func(string, []byte) (string, error)) (string, error) {
	var first string
	n := 0
	check := func(local []byte) (string, error) {
		n++
		if !validLocalPart(local) {
			return "", nil
		}
		return try(what, local)
	}
	for _, t := range templates {
		local, ok := expand(t, parts, username)
		if !ok {
			continue
		}
		if first == "" {
			first = local
		}
		if got, err := check([]byte(local)); err != nil || got != "" {
			return got, err
		}
	}
	if first == "" {
		// No template fits the name (no surname, say): use the username.
		first = username
		if got, err := check([]byte(first)); err != nil || got != "" {
			return got, err
		}
	}
	buf := make([]byte, 0, len(first)+4)
	for i := 2; i <= g.cfg.SuffixMax; i++ {
		buf = strconv.AppendInt(append(buf[:0], first...), int64(i), 10)
		if got, err := check(buf); err != nil || got != "" {
			return got, err
		}
	}
	return "", &ExhaustedError{What: what, Tried: n}
}

// eachUsernameCandidate calls yield with the username candidates in order
// until it returns false: each pattern with all its digits, then the
// suffix base numbered, then (for a name without Latin letters) the
// fallback numbered. The slice is reused between calls.
func (g *Generator) eachUsernameCandidate(parts Parts, fallback bool, yield func([]byte) bool) {
	buf := make([]byte, 0, 32)
	if fallback {
		for i := 2; i <= g.cfg.SuffixMax; i++ {
			if !yield(strconv.AppendInt(append(buf[:0], g.cfg.Fallback...), int64(i), 10)) {
				return
			}
		}
		return
	}
	for _, p := range g.patterns {
		if !p.eachCandidate(buf, parts, yield) {
			return
		}
	}
	if g.suffix == nil {
		return
	}
	base, ok := g.suffix.appendCore(buf[:0], parts)
	if !ok || !yield(base) {
		return
	}
	n := len(base)
	for i := 2; i <= g.cfg.SuffixMax; i++ {
		if !yield(strconv.AppendInt(base[:n], int64(i), 10)) {
			return
		}
	}
}

// claim checks a candidate and, if it is free, reserves it for token in
// the same step and returns it as a string. Otherwise it returns why the
// candidate cannot be used; reasons are only worked out when explain is
// set, so the common path does not allocate.
func (g *Generator) claim(ctx context.Context, cand []byte, person, token string, isUsername, explain bool, now time.Time) (got, reason string, err error) {
	if isUsername {
		switch {
		case len(cand) < g.cfg.MinLength && explain:
			return "", fmt.Sprintf("shorter than %d characters", g.cfg.MinLength), nil
		case len(cand) > g.cfg.MaxLength && explain:
			return "", fmt.Sprintf("longer than %d characters", g.cfg.MaxLength), nil
		case len(cand) < g.cfg.MinLength || len(cand) > g.cfg.MaxLength:
			return "", "out of bounds", nil
		}
	}
	var scratch [64]byte
	if why := g.forbid.check(lettersAndDigits(scratch[:0], cand)); why != "" {
		return "", why, nil
	}
	for i, t := range g.taken {
		var hs []Holding
		if v := g.viewers[i]; v != nil {
			hs = v.holdingsOf(cand)
		} else if hs, err = t.Holdings(ctx, string(cand)); err != nil {
			return "", "", fmt.Errorf("username: looking up a candidate: %w", err)
		}
		for _, h := range hs {
			if g.cfg.blocks(h, person, token, now) {
				if h.Where != InReservation {
					g.learned(cand)
				}
				return "", g.why(h, explain), nil
			}
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if h, ok := g.created[string(cand)]; ok {
		return "", g.why(h, explain), nil
	}
	if h, ok := g.reserved[string(cand)]; ok && g.cfg.blocks(h, person, token, now) {
		return "", g.why(h, explain), nil
	}
	got = string(cand)
	g.reserved[got] = Holding{Where: InReservation, Holder: token, Person: person, Expires: now.Add(g.cfg.ReservationTTL)}
	g.byToken[token] = append(g.byToken[token], got)
	return got, "", nil
}

// why returns the reason a holding blocks, or a short constant when no
// explanation was asked for.
func (g *Generator) why(h Holding, explain bool) string {
	if !explain {
		return "taken"
	}
	return g.cfg.reason(h)
}

// Created records that the account with a result's names now exists: the
// names stay blocked for everyone, with no time limit, until one of the
// generator's Taken places holds them (an Index learns of the account from
// the directory's change feed, see Follower) — from then on that place
// alone decides, so a deleted account's name follows the reuse policy.
// Call it after a successful create (Create does).
func (g *Generator) Created(token string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.byToken[token] {
		if h := g.reserved[n]; h.Holder == token {
			delete(g.reserved, n)
			h.Holder, h.Expires = "created:"+token, time.Time{}
			if _, had := g.created[n]; !had {
				g.nCreated.Add(1)
			}
			g.created[n] = h
		}
	}
	delete(g.byToken, token)
}

// learned lets go of a created name once a Taken place holds it.
func (g *Generator) learned(name []byte) {
	if g.nCreated.Load() == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.created[string(name)]; ok {
		delete(g.created, string(name))
		g.nCreated.Add(-1)
	}
}

// Release ends the reservation of a result's names at once: call it when
// the account will not be created, or once the index is known to hold the
// account's names.
func (g *Generator) Release(token string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.byToken[token] {
		if g.reserved[n].Holder == token {
			delete(g.reserved, n)
		}
	}
	delete(g.byToken, token)
}

// Holdings reports the generator's live reservations as claims, so one
// generator's reservations can be a Taken place of another's.
func (g *Generator) Holdings(_ context.Context, name string) ([]Holding, error) {
	now := g.now()
	name = strings.ToLower(name)
	g.mu.Lock()
	defer g.mu.Unlock()
	if h, ok := g.created[name]; ok {
		return []Holding{h}, nil
	}
	if h, ok := g.reserved[name]; ok && now.Before(h.Expires) {
		return []Holding{h}, nil
	}
	return nil, nil
}

// Create generates names and calls create with them; if create fails
// because a name already exists (the directory is the final arbiter: a
// name taken a moment ago, or somewhere the index does not see), the
// names are blocked for the rest of the reservation time and the next
// candidates are tried, up to attempts times. isTaken tells "already
// exists" apart from other errors (for connectors.Directory:
// errors.Is(err, connectors.AlreadyExists)). The reservation is released
// when Create returns.
func (g *Generator) Create(ctx context.Context, req Request, attempts int, isTaken func(error) bool, create func(context.Context, Result) error) (Result, error) {
	var blocked []string
	defer func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		for _, n := range blocked {
			delete(g.reserved, n)
		}
	}()
	for range max(attempts, 1) {
		res, err := g.Generate(ctx, req)
		if err != nil {
			return Result{}, err
		}
		err = create(ctx, res)
		if err == nil {
			g.Created(res.Token)
			return res, nil
		}
		if !isTaken(err) {
			g.Release(res.Token)
			return res, err
		}
		// Keep the names out of reach under a token no one holds.
		g.mu.Lock()
		for _, n := range g.byToken[res.Token] {
			h := g.reserved[n]
			h.Holder = "taken:" + res.Token
			g.reserved[n] = h
			blocked = append(blocked, n)
		}
		delete(g.byToken, res.Token)
		g.mu.Unlock()
	}
	return Result{}, fmt.Errorf("username: the directory refused %d generated names as taken: %w", max(attempts, 1), ErrExhausted)
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// lettersAndDigits drops the separators of an e-mail local part, so
// forbidden words are found across them ("lo.rt"). A username has none and
// is returned as it is.
func lettersAndDigits(b, s []byte) []byte {
	sep := false
	for _, c := range s {
		sep = sep || c == '.' || c == '-' || c == '_'
	}
	if !sep {
		return s
	}
	for _, c := range s {
		if c != '.' && c != '-' && c != '_' {
			b = append(b, c)
		}
	}
	return b
}
