package sdloen

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// tokenPrefix starts every token; the number is the format's version.
const tokenPrefix = "sdloen/1:"

// cursorLayout writes a token's cursor: the registration time, in SD's
// zone, to the minute (SD's requests take HH:MM).
const cursorLayout = "2006-01-02T15:04"

// position is what a token says: the registration time from which SD is
// asked for changes, and the digest of the state the caller holds.
type position struct {
	cursor time.Time
	digest string
}

// cursorOf returns the cursor of the moment t: the minute it falls in, so
// that resuming asks again for that whole minute (a change may come
// twice, never not at all).
func cursorOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, loc)
}

func (p position) token() connectors.Token {
	return connectors.Token(tokenPrefix + p.cursor.Format(cursorLayout) + ":" + p.digest)
}

// parseToken reads a token this connector wrote.
func parseToken(tok connectors.Token, loc *time.Location) (position, error) {
	rest, ok := strings.CutPrefix(string(tok), tokenPrefix)
	if !ok {
		return position{}, errors.New("not a token of the SD connector: start from a snapshot's token")
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return position{}, errors.New("the token is malformed")
	}
	cur, dig := rest[:i], rest[i+1:]
	t, err := time.ParseInLocation(cursorLayout, cur, loc)
	if err != nil {
		return position{}, fmt.Errorf("the token's time: %w", err)
	}
	if b, err := hex.DecodeString(dig); err != nil || len(b) != digestBytes {
		return position{}, errors.New("the token's digest is malformed")
	}
	return position{cursor: t, digest: dig}, nil
}

// digestBytes is the length of a state's digest in a token.
const digestBytes = 8

// digest returns a short SHA-256 of a snapshot's rows, which sortSnapshot
// has put in order.
func digest(s *connectors.PayrollSnapshot) string {
	h := sha256.New()
	for _, u := range s.Units {
		writeStrings(h, "u", u.Key, u.Parent, u.Name, u.Level, u.Type, u.Valid.String())
	}
	for _, p := range s.Persons {
		writeStrings(h, "p", p.Key, string(p.NationalID), p.GivenNames, p.Surname, p.Valid.String())
	}
	for _, e := range s.Engagements {
		writeStrings(h, "e", e.Key, e.Person, e.Unit, e.JobFunction, e.Type, e.Valid.String())
		binary.Write(h, binary.LittleEndian, math.Float64bits(e.Fraction))
	}
	for _, l := range s.Leaves {
		writeStrings(h, "l", l.Key, l.Engagement, l.Type, l.Valid.String())
	}
	return hex.EncodeToString(h.Sum(nil)[:digestBytes])
}

// writeStrings writes each string with its length, so that no two lists
// of strings write the same bytes.
func writeStrings(h hash.Hash, ss ...string) {
	var n [binary.MaxVarintLen64]byte
	for _, s := range ss {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
}
