package payrollfile

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// tokenPrefix starts every token; the number is the token format's
// version.
const tokenPrefix = "payrollfile/1:"

// hashHex is how many hex digits of a delivery's SHA-256 a token holds.
const hashHex = 16

// makeToken returns the token of a delivery: "payrollfile/1:2026-11-22:"
// and the first 16 hex digits of the SHA-256 of its files.
func makeToken(day timeline.Date, sum []byte) connectors.Token {
	return connectors.Token(tokenPrefix + day.String() + ":" + hex.EncodeToString(sum[:hashHex/2]))
}

// parseToken returns the day a token names, or an error saying why it is
// not one of this connector's tokens.
func parseToken(t connectors.Token) (timeline.Date, error) {
	if t == "" {
		return 0, errors.New("empty token; start from a snapshot's token")
	}
	rest, ok := strings.CutPrefix(string(t), tokenPrefix)
	day, sum, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || len(sum) != hashHex || strings.ToLower(sum) != sum {
		return 0, fmt.Errorf("%s is not a token of the payroll file connector", quote(string(t)))
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return 0, fmt.Errorf("%s is not a token of the payroll file connector", quote(string(t)))
	}
	d, err := timeline.ParseDate(day)
	if err != nil {
		return 0, fmt.Errorf("%s is not a token of the payroll file connector: %w", quote(string(t)), err)
	}
	return d, nil
}

// Changes returns what changed from the token's delivery to the next
// complete delivery after it, as a page: every record (kind and key)
// whose rows differ, with all the rows it has now, and in Deleted the
// records that are gone entirely. The page's Token is the newer
// delivery's, and More says that there are complete deliveries after it.
// With no newer delivery the page is empty, with the same token.
//
// The token must be one of a Snapshot or an earlier page; anything else
// is Invalid. If the token's delivery has been removed, or its files have
// been replaced since the token was issued, Changes fails with Invalid
// and says to take a new snapshot: it never diffs against content the
// caller has not seen. A newer delivery with problems fails as Snapshot
// fails, until it is fixed or removed.
func (c *Connector) Changes(ctx context.Context, token connectors.Token) (*connectors.PayrollChanges, error) {
	const op = "changes"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	day, err := parseToken(token)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.dir, Err: err}
	}
	ds, err := c.deliveries(op)
	if err != nil {
		return nil, err
	}
	at := slices.IndexFunc(ds, func(d Delivery) bool { return d.Day == day && d.Complete() })
	if at < 0 {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.dir,
			Err: fmt.Errorf("the delivery of %s that the token names is no longer in the folder; take a new snapshot", day)}
	}
	data, now, err := c.read(ctx, op, day)
	if err != nil {
		return nil, err
	}
	if now != token {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Object: c.dir,
			Err: fmt.Errorf("the delivery of %s has been replaced since the token was issued; take a new snapshot", day)}
	}
	next := -1
	for i := at + 1; i < len(ds); i++ {
		if ds[i].Complete() {
			next = i
			break
		}
	}
	if next < 0 {
		return &connectors.PayrollChanges{Token: token}, nil
	}
	old, err := c.parse(ctx, op, day, data, token)
	if err != nil {
		return nil, err
	}
	data, newToken, err := c.read(ctx, op, ds[next].Day)
	if err != nil {
		return nil, err
	}
	cur, err := c.parse(ctx, op, ds[next].Day, data, newToken)
	if err != nil {
		return nil, err
	}
	page := diff(old.snap, cur.snap)
	page.Token = cur.token
	for _, d := range ds[next+1:] {
		page.More = page.More || d.Complete()
	}
	return page, nil
}

// diff returns the changes from one snapshot to another, both sorted by
// key and start.
func diff(old, cur *connectors.PayrollSnapshot) *connectors.PayrollChanges {
	p := &connectors.PayrollChanges{}
	p.Units = diffRows(old.Units, cur.Units, connectors.PayrollUnitKind, &p.Deleted, func(u *connectors.PayrollUnit) string { return u.Key })
	p.Persons = diffRows(old.Persons, cur.Persons, connectors.PayrollPersonKind, &p.Deleted, func(r *connectors.PayrollPerson) string { return r.Key })
	p.Engagements = diffRows(old.Engagements, cur.Engagements, connectors.PayrollEngagementKind, &p.Deleted, func(e *connectors.PayrollEngagement) string { return e.Key })
	p.Leaves = diffRows(old.Leaves, cur.Leaves, connectors.PayrollLeaveKind, &p.Deleted, func(l *connectors.PayrollLeave) string { return l.Key })
	return p
}

// diffRows returns the rows of cur's records that are new or differ from
// old's, and adds the records only old has to deleted. Both are sorted
// by key and start.
func diffRows[T comparable](old, cur []T, kind connectors.PayrollKind, deleted *[]connectors.PayrollRef, key func(*T) string) []T {
	var out []T
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		var ko, kc string
		i2, j2 := i, j
		if i < len(old) {
			ko = key(&old[i])
			for i2 < len(old) && key(&old[i2]) == ko {
				i2++
			}
		}
		if j < len(cur) {
			kc = key(&cur[j])
			for j2 < len(cur) && key(&cur[j2]) == kc {
				j2++
			}
		}
		switch {
		case j == len(cur) || i < len(old) && ko < kc: // gone
			*deleted = append(*deleted, connectors.PayrollRef{Kind: kind, Key: ko})
			i = i2
		case i == len(old) || kc < ko: // new
			out = append(out, cur[j:j2]...)
			j = j2
		default: // both
			if !slices.Equal(old[i:i2], cur[j:j2]) {
				out = append(out, cur[j:j2]...)
			}
			i, j = i2, j2
		}
	}
	return out
}
