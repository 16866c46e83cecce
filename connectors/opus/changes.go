package opus

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// tokenPrefix starts every token; the number is the token format's
// version.
const tokenPrefix = "opus/1:"

// hashHex is how many hex digits of a dump's SHA-256 a token holds.
const hashHex = 16

// makeToken returns the token of a dump: "opus/1:", its name, ":" and
// the first 16 hex digits of the SHA-256 of its bytes.
func makeToken(name string, sum []byte) connectors.Token {
	return connectors.Token(tokenPrefix + name + ":" + hex.EncodeToString(sum[:hashHex/2]))
}

// parseToken returns the dump a token names, or an error saying why it is
// not one of this connector's tokens.
func parseToken(t connectors.Token) (Dump, error) {
	if t == "" {
		return Dump{}, errors.New("empty token; start from a snapshot's token")
	}
	bad := fmt.Errorf("%s is not a token of the OPUS connector", quote(string(t)))
	rest, ok := strings.CutPrefix(string(t), tokenPrefix)
	i := strings.LastIndexByte(rest, ':')
	if !ok || i < 0 {
		return Dump{}, bad
	}
	name, sum := rest[:i], rest[i+1:]
	if _, err := hex.DecodeString(sum); err != nil || len(sum) != hashHex || strings.ToLower(sum) != sum {
		return Dump{}, bad
	}
	d, ok := ParseName(name)
	if !ok || strings.ContainsAny(name, "/\\") {
		return Dump{}, bad
	}
	return d, nil
}

// Changes returns what changed from the token's dump to the next complete
// dump after it, as one page: every record whose rows differ, with all the
// rows it has now, and in Deleted the records that are gone entirely
// (those that had not begun by the newer dump's day). The page's Token is
// the newer dump's, and More says that more dumps wait after it. Dumps in
// between that are not complete are passed over and noted in Skipped, as
// are the newer dump's malformed records. With no newer complete dump the
// page is empty, with the same token.
//
// The token must be one of a Snapshot or an earlier page; anything else
// is Invalid. If the token's dump has been removed, or its file replaced,
// Changes fails with Invalid and says to take a new snapshot.
func (c *Connector) Changes(ctx context.Context, token connectors.Token) (*connectors.PayrollChanges, error) {
	const op = "changes"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	d, err := parseToken(token)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.cfg.Dir, Err: err}
	}
	ds, err := c.list(op)
	if err != nil {
		return nil, err
	}
	at := slices.IndexFunc(ds, func(x Dump) bool { return x.Name == d.Name })
	if at < 0 {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.cfg.Dir,
			Err: fmt.Errorf("the dump %s that the token names is no longer in the folder; take a new snapshot", d.Name)}
	}
	cur, note, err := c.load(ctx, op, ds[at])
	if err != nil {
		return nil, err
	}
	if note != nil || cur.token != token {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.cfg.Dir,
			Err: fmt.Errorf("the dump %s has been replaced since the token was issued; take a new snapshot", d.Name)}
	}
	var notes []connectors.SkippedRecord
	for next := at + 1; next < len(ds); next++ {
		nd, note, err := c.load(ctx, op, ds[next])
		if err != nil {
			return nil, err
		}
		if note != nil {
			notes = append(notes, *note)
			continue
		}
		old, err := c.stateOf(ctx, op, ds, at, cur)
		if err != nil {
			return nil, err
		}
		now, err := c.stateOf(ctx, op, ds, next, nd)
		if err != nil {
			return nil, err
		}
		page := diff(&old.snap, &now.snap)
		page.Token = now.token
		page.More = next < len(ds)-1
		page.Skipped = connectors.CapSkipped(slices.Concat(now.skipped, notes))
		return page, nil
	}
	return &connectors.PayrollChanges{Token: token, Skipped: connectors.CapSkipped(notes)}, nil
}

// diff returns the changes from one state to the next.
func diff(old, cur *connectors.PayrollSnapshot) *connectors.PayrollChanges {
	p := &connectors.PayrollChanges{}
	p.Units = changed(old.Units, cur.Units, connectors.PayrollUnitKind, &p.Deleted, func(u *connectors.PayrollUnit) string { return u.Key })
	p.Persons = changed(old.Persons, cur.Persons, connectors.PayrollPersonKind, &p.Deleted, func(r *connectors.PayrollPerson) string { return r.Key })
	p.Engagements = changed(old.Engagements, cur.Engagements, connectors.PayrollEngagementKind, &p.Deleted, func(e *connectors.PayrollEngagement) string { return e.Key })
	p.Leaves = changed(old.Leaves, cur.Leaves, connectors.PayrollLeaveKind, &p.Deleted, func(l *connectors.PayrollLeave) string { return l.Key })
	p.Managers = changed(old.Managers, cur.Managers, connectors.PayrollManagerKind, &p.Deleted, func(m *connectors.PayrollManager) string { return m.Key })
	return p
}

// changed returns the rows of the records of cur that old does not have
// with the same rows, and adds the records only old has to gone. Rows of
// one key are together in both lists, in the same order.
func changed[T comparable](old, cur []T, kind connectors.PayrollKind, gone *[]connectors.PayrollRef, key func(*T) string) []T {
	before := groups(old, key)
	var out []T
	seen := make(map[string]bool, len(before))
	for _, g := range groupSpans(cur, key) {
		k := key(&cur[g[0]])
		seen[k] = true
		o, ok := before[k]
		if !ok || !slices.Equal(old[o[0]:o[1]], cur[g[0]:g[1]]) {
			out = append(out, cur[g[0]:g[1]]...)
		}
	}
	for _, g := range groupSpans(old, key) {
		if k := key(&old[g[0]]); !seen[k] {
			*gone = append(*gone, connectors.PayrollRef{Kind: kind, Key: k})
		}
	}
	return out
}

// groupSpans returns the runs of rows with one key, as [start, end).
func groupSpans[T any](rows []T, key func(*T) string) [][2]int {
	var out [][2]int
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && key(&rows[j]) == key(&rows[i]) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// groups returns the runs of rows by key.
func groups[T any](rows []T, key func(*T) string) map[string][2]int {
	spans := groupSpans(rows, key)
	m := make(map[string][2]int, len(spans))
	for _, g := range spans {
		m[key(&rows[g[0]])] = g
	}
	return m
}
