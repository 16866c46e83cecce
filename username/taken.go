package username

import (
	"context"
	"fmt"
	"time"
)

// Where says where a name is taken.
type Where uint8

// The places a name can be taken.
const (
	// InSAMAccountName: an account's sAMAccountName.
	InSAMAccountName Where = iota + 1
	// InUPN: the part of an account's userPrincipalName before the @.
	InUPN
	// InMail: the local part of an account's mail.
	InMail
	// InProxyAddresses: the local part of an smtp: entry of an account's
	// proxyAddresses.
	InProxyAddresses
	// InHistory: a username an account had before (a deleted account, a
	// renamed one), from the org model or a history file.
	InHistory
	// InReservation: reserved by a generation in progress.
	InReservation
	// InList: a name listed as taken by the operator (a file).
	InList
)

var whereNames = [...]string{InSAMAccountName: "sAMAccountName", InUPN: "userPrincipalName", InMail: "mail", InProxyAddresses: "proxyAddresses", InHistory: "history", InReservation: "reservation", InList: "taken list"}

// String names the place.
func (w Where) String() string {
	if w >= InSAMAccountName && w <= InList {
		return whereNames[w]
	}
	return fmt.Sprintf("Where(%d)", uint8(w))
}

// Holding is one claim on a name.
type Holding struct {
	// Where is where the name is taken.
	Where Where
	// Holder identifies who holds it: an account's objectGUID or DN, a
	// person's id, a reservation's token.
	Holder string
	// Person is the person the holder belongs to, if known; the reuse
	// policy lets a person have their own old name back.
	Person string
	// Released is when a historical holding let go of the name (the
	// account was deleted); zero for a name held now.
	Released time.Time
	// Expires is when a reservation ends; zero for other holdings and for
	// the names of a created account that no index holds yet (see
	// Generator.Created), which stay reserved until one does.
	Expires time.Time
}

// holdingsViewer is the fast path of a Taken place that can hand out its
// claims on a name without copying them. Index implements it.
type holdingsViewer interface {
	holdingsOf(name []byte) []Holding
}

// Taken is a place where names can be taken. Implementations are the
// in-memory Index (loaded from a directory and kept current), the org
// model's account history, and a per-candidate directory search; a host can
// add its own. Names are compared lower-case.
type Taken interface {
	// Holdings returns the claims on name (lower-case). No claim means
	// the name is free here.
	Holdings(ctx context.Context, name string) ([]Holding, error)
}

// ReusePolicy says when a name that was held before, and is not held now,
// may be given out again.
type ReusePolicy uint8

const (
	// ReuseNever never gives a name out twice.
	ReuseNever ReusePolicy = iota
	// ReuseSamePerson gives a name back only to the person who had it: a
	// returning employee gets their old username.
	ReuseSamePerson
	// ReuseAfterQuarantine gives a name out again once the quarantine has
	// passed since it was released (and to its old owner at once).
	ReuseAfterQuarantine
)

// String names the policy.
func (p ReusePolicy) String() string {
	switch p {
	case ReuseNever:
		return "never"
	case ReuseSamePerson:
		return "same-person"
	case ReuseAfterQuarantine:
		return "after-quarantine"
	}
	return fmt.Sprintf("ReusePolicy(%d)", uint8(p))
}

// blocks reports whether holding h keeps the name from person at now. It
// is on the hot path of generation and does not allocate; reason says why
// when an explanation is wanted.
func (c *Config) blocks(h Holding, person, token string, now time.Time) bool {
	switch {
	case h.Where == InReservation:
		return h.Holder != token && (h.Expires.IsZero() || now.Before(h.Expires))
	case h.Released.IsZero():
		return true
	}
	if person != "" && h.Person == person && c.Reuse != ReuseNever {
		return false
	}
	switch c.Reuse {
	case ReuseSamePerson:
		return true
	case ReuseAfterQuarantine:
		return now.Before(h.Released.Add(c.Quarantine))
	}
	return true
}

// reason says why a blocking holding blocks.
func (c *Config) reason(h Holding) string {
	switch {
	case h.Where == InReservation && h.Expires.IsZero():
		return "created a moment ago; not yet known to the index"
	case h.Where == InReservation:
		return "reserved by another generation until " + h.Expires.UTC().Format(time.RFC3339)
	case h.Released.IsZero():
		return "taken in " + h.Where.String() + holderText(h)
	case c.Reuse == ReuseSamePerson:
		return "held before by another person (" + h.Where.String() + "); reuse only by the same person"
	case c.Reuse == ReuseAfterQuarantine:
		return "in quarantine until " + h.Released.Add(c.Quarantine).Format("2006-01-02 15:04 MST")
	}
	return "held before (" + h.Where.String() + "); names are never reused"
}

func holderText(h Holding) string {
	if h.Holder == "" {
		return ""
	}
	return " by " + clip(h.Holder)
}
