package boarding

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"

	"github.com/google/uuid"
)

// A confirmation link lets a system administrator confirm or refuse a
// task from the task's mail without logging in: a token that names the
// order, the task and the answer, with an expiry, signed with the
// deployment's key (HMAC-SHA-256). A forged or altered token fails the
// signature; an expired one fails its date; a replayed one finds the task
// already closed, which the order refuses. The token holds no personal
// data.

// linkVersion starts every token, so that the format can change.
const linkVersion = 1

// LinkAnswer is what a link answers for its task.
type LinkAnswer byte

// The answers.
const (
	// LinkDone confirms the task done.
	LinkDone LinkAnswer = 1
	// LinkRefuse opens the refusal (the reason is asked for on the page).
	LinkRefuse LinkAnswer = 2
)

// Link is what a verified token says.
type Link struct {
	// Order and Task name the task.
	Order uuid.UUID
	// Task is the task.
	Task uuid.UUID
	// Answer is done or refuse.
	Answer LinkAnswer
	// Expires is when the link stops working.
	Expires time.Time
}

// ErrLinkForged matches a token that is not one this deployment signed
// (altered, truncated, or signed with another key).
var ErrLinkForged = errors.New("boarding: the link is not valid: it was not made by this orgsync, or it was altered")

// ErrLinkExpired matches a token past its expiry: ask for a new mail.
var ErrLinkExpired = errors.New("boarding: the link has expired")

// Signer makes and checks confirmation links.
type Signer struct {
	key []byte
}

// NewSigner returns a signer with key, which must be at least 32 bytes of
// secret (kept in a file, like the state database's key).
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < 32 {
		return nil, errors.New("boarding: a link key needs at least 32 bytes")
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

const linkPayload = 1 + 16 + 16 + 1 + 8

// Sign returns the token for a task's answer, valid until expires.
func (s *Signer) Sign(l Link) string {
	p := make([]byte, linkPayload, linkPayload+sha256.Size)
	p[0] = linkVersion
	copy(p[1:17], l.Order[:])
	copy(p[17:33], l.Task[:])
	p[33] = byte(l.Answer)
	binary.BigEndian.PutUint64(p[34:], uint64(l.Expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(p, s.mac(p)...))
}

func (s *Signer) mac(p []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write(p)
	return h.Sum(nil)
}

// Verify checks a token at now and returns what it says, or
// ErrLinkForged or ErrLinkExpired.
func (s *Signer) Verify(token string, now time.Time) (Link, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != linkPayload+sha256.Size || raw[0] != linkVersion {
		return Link{}, ErrLinkForged
	}
	p, sig := raw[:linkPayload], raw[linkPayload:]
	if !hmac.Equal(sig, s.mac(p)) {
		return Link{}, ErrLinkForged
	}
	var l Link
	copy(l.Order[:], p[1:17])
	copy(l.Task[:], p[17:33])
	l.Answer = LinkAnswer(p[33])
	l.Expires = time.Unix(int64(binary.BigEndian.Uint64(p[34:])), 0).UTC()
	if l.Answer != LinkDone && l.Answer != LinkRefuse {
		return Link{}, ErrLinkForged
	}
	if !now.Before(l.Expires) {
		return l, ErrLinkExpired
	}
	return l, nil
}
