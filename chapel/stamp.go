package chapel

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/orgsync/orgsync/internal/shorten"
	"strings"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// StampPrefix starts every stamp, so an attribute that holds something
// else (an administrator's note) is never read as the chapel's.
const StampPrefix = "orgsync-chapel:"

// MaxStampBytes is what a stamp may take: the default attribute,
// adminDescription, holds 1,024 characters.
const MaxStampBytes = 1024

// Reason says why the chapel disabled an account. The values are stable:
// they are stored in AD.
type Reason string

// The reasons.
const (
	// ReasonLeft: the person's last engagement ended.
	ReasonLeft Reason = "left"
	// ReasonAdopted: the account was found disabled by hand, or in the
	// chapel without a stamp, and policy said to adopt it.
	ReasonAdopted Reason = "adopted"
)

// Stamp is the chapel's record on an account in the chapel, kept in an
// attribute of the account itself, so the chapel survives the loss of
// every local file and database. Its written form is StampPrefix followed
// by JSON:
//
//	orgsync-chapel:{"v":1,"disabled":"2026-12-01","reason":"left","from":"OU=Skolen,OU=Kommune,DC=example,DC=org","groups":["b7c1…"]}
//
// "v" is the format version (1); "disabled" the day the chapel disabled
// the account, in the organisation's zone; "reason" a Reason; "from" the
// OU the account was moved from; "groups", if the policy removed them, the
// objectGUIDs of the groups it was a member of, for restore.
type Stamp struct {
	// Disabled is the day the chapel disabled the account.
	Disabled timeline.Date
	// Reason says why.
	Reason Reason
	// From is the DN of the OU the account came from.
	From string
	// Groups are the ids of the groups the account was removed from.
	Groups []string
}

type stampJSON struct {
	V        int      `json:"v"`
	Disabled string   `json:"disabled"`
	Reason   Reason   `json:"reason"`
	From     string   `json:"from"`
	Groups   []string `json:"groups,omitempty"`
}

// ErrStamp is returned (wrapped in a *StampError) for an attribute value
// that starts like a stamp but is not a valid one.
var ErrStamp = errors.New("chapel: invalid stamp")

// StampError says what is wrong with a stamp. The chapel never deletes an
// account whose stamp does not parse.
type StampError struct {
	// Problem says what is wrong.
	Problem string
}

// Error describes the problem.
func (e *StampError) Error() string { return ErrStamp.Error() + ": " + e.Problem }

// Unwrap returns ErrStamp.
func (e *StampError) Unwrap() error { return ErrStamp }

// Format returns the stamp's written form. It fails if the stamp would
// not fit in MaxStampBytes (too many groups to record: keep memberships
// instead) or is incomplete.
func (s Stamp) Format() (string, error) {
	if !s.Disabled.Valid() || s.Reason == "" || s.From == "" {
		return "", &StampError{Problem: "a stamp needs a day, a reason and an OU"}
	}
	b, err := json.Marshal(stampJSON{V: 1, Disabled: s.Disabled.String(), Reason: s.Reason, From: s.From, Groups: s.Groups})
	if err != nil {
		return "", err
	}
	out := StampPrefix + string(b)
	if len(out) > MaxStampBytes {
		return "", &StampError{Problem: fmt.Sprintf("%d bytes do not fit in %d (%d groups recorded); keep group memberships or record fewer", len(out), MaxStampBytes, len(s.Groups))}
	}
	return out, nil
}

// ParseStamp reads a stamp. It returns ok false, and no error, for a
// value that is not a stamp at all (empty, or someone else's text), and a
// *StampError for one that starts like a stamp but does not parse.
func ParseStamp(v string) (s Stamp, ok bool, err error) {
	if !strings.HasPrefix(v, StampPrefix) {
		return Stamp{}, false, nil
	}
	if len(v) > MaxStampBytes {
		return Stamp{}, true, &StampError{Problem: "longer than a stamp can be"}
	}
	dec := json.NewDecoder(strings.NewReader(v[len(StampPrefix):]))
	dec.DisallowUnknownFields()
	var j stampJSON
	if err := dec.Decode(&j); err != nil {
		return Stamp{}, true, &StampError{Problem: "not the stamp's JSON: " + clip(err.Error())}
	}
	if dec.More() {
		return Stamp{}, true, &StampError{Problem: "text after the stamp"}
	}
	if j.V != 1 {
		return Stamp{}, true, &StampError{Problem: fmt.Sprintf("format version %d is not 1", j.V)}
	}
	d, err := timeline.ParseDate(j.Disabled)
	if err != nil {
		return Stamp{}, true, &StampError{Problem: "the disable day: " + clip(err.Error())}
	}
	switch j.Reason {
	case ReasonLeft, ReasonAdopted:
	default:
		return Stamp{}, true, &StampError{Problem: fmt.Sprintf("unknown reason %q", clip(string(j.Reason)))}
	}
	if strings.TrimSpace(j.From) == "" {
		return Stamp{}, true, &StampError{Problem: "no original OU"}
	}
	return Stamp{Disabled: d, Reason: j.Reason, From: j.From, Groups: j.Groups}, true, nil
}

// clip bounds outside text quoted in a message.
func clip(s string) string { return shorten.To(s, 80) }
