package sdloen

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// cacheSize is how many states (by digest) the connector keeps for the
// change feed: the last tokens handed out, so that a page is an exact
// diff, deletions included.
const cacheSize = 4

// cached is a state a token names.
type cached struct {
	digest string
	st     *state
}

// remember keeps st for the change feed and returns its token at cursor.
func (c *Connector) remember(cursor time.Time, st *state) connectors.Token {
	d := digest(st.snap)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cache = slices.DeleteFunc(c.cache, func(x cached) bool { return x.digest == d })
	c.cache = append(c.cache, cached{d, st})
	if len(c.cache) > cacheSize {
		c.cache = c.cache[len(c.cache)-cacheSize:]
	}
	return position{cursor: cursor, digest: d}.token()
}

// recall returns the state of digest d, or nil.
func (c *Connector) recall(d string) *state {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.cache {
		if x.digest == d {
			return x.st
		}
	}
	return nil
}

// Changes returns what changed after the token, as one page (More is
// always false). It asks SD which employments had changes registered
// since the token's time (GetEmploymentChangedAtDate20111201, from the
// token's minute on, future-dated changes included) and reads the
// payroll again for their rows as they are now.
//
// While the connector holds the state the token was handed out with (the
// last few tokens), the page is the exact difference: every record whose
// rows changed, with all its rows, and every record gone as Deleted. A
// token from before a restart falls back to SD's own account: the
// employments SD names, with their persons and leaves, every unit, and
// the employments in status S (Slettet) or no longer there as Deleted;
// a leave that ended early, a person or a unit gone are then seen by the
// next Snapshot.
//
// A token that is not this connector's is Invalid; SD's errors are as
// Snapshot's.
func (c *Connector) Changes(ctx context.Context, token connectors.Token) (*connectors.PayrollChanges, error) {
	const op = "changes"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	loc := c.s.zone.Location()
	pos, err := parseToken(token, loc)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.Invalid, Op: op, Err: err}
	}
	now := c.s.now()
	named, gone, err := c.changedSince(ctx, pos.cursor, now)
	if err != nil {
		return nil, err
	}
	st, err := c.read(ctx, now)
	if err != nil {
		return nil, err
	}
	var page *connectors.PayrollChanges
	if old := c.recall(pos.digest); old != nil {
		page = diff(old.snap, st.snap)
	} else {
		page = &connectors.PayrollChanges{Units: clone(st.snap).Units}
		for _, id := range gone {
			if !slices.ContainsFunc(st.snap.Engagements, func(e connectors.PayrollEngagement) bool { return e.Key == id }) {
				page.Deleted = append(page.Deleted, connectors.PayrollRef{Kind: connectors.PayrollEngagementKind, Key: id})
			}
		}
		addNamed(page, st.snap, named)
	}
	page.Skipped = st.snap.Skipped
	next := cursorOf(now, loc)
	if next.Before(pos.cursor) {
		next = pos.cursor
	}
	page.Token = c.remember(next, st)
	return page, nil
}

// changedSince asks SD which employments had changes registered from
// since to now: their ids, and those among them in status S.
func (c *Connector) changedSince(ctx context.Context, since, now time.Time) (named, gone []string, err error) {
	now = now.In(since.Location())
	if now.Before(since) {
		now = since
	}
	p := employmentParams(url.Values{
		"ActivationDate": {requestDate(c.s.zone.Date(since))}, "ActivationTime": {requestTime(since)},
		"DeactivationDate": {requestDate(c.s.zone.Date(now))}, "DeactivationTime": {requestTime(now)},
		"FutureInformationIndicator": {"true"},
	})
	var a employmentAnswer
	if err := c.client.get(ctx, opChangedAt, p, &a); err != nil {
		return nil, nil, err
	}
	for _, per := range a.Persons {
		for _, e := range per.Employments {
			id := strings.TrimSpace(e.ID)
			if id == "" {
				continue
			}
			named = append(named, id)
			if slices.ContainsFunc(e.Statuses, func(s employmentStatus) bool { return strings.TrimSpace(s.Code) == statusDeleted }) {
				gone = append(gone, id)
			}
		}
	}
	return named, gone, nil
}

// addNamed adds to page the engagements named (with their leaves and
// persons) that the page does not carry yet.
func addNamed(page *connectors.PayrollChanges, now *connectors.PayrollSnapshot, named []string) {
	has := func(k connectors.PayrollKind, key string) bool {
		switch k {
		case connectors.PayrollEngagementKind:
			return slices.ContainsFunc(page.Engagements, func(e connectors.PayrollEngagement) bool { return e.Key == key })
		case connectors.PayrollPersonKind:
			return slices.ContainsFunc(page.Persons, func(p connectors.PayrollPerson) bool { return p.Key == key })
		}
		return slices.ContainsFunc(page.Leaves, func(l connectors.PayrollLeave) bool { return l.Key == key })
	}
	want := map[string]bool{}
	for _, id := range named {
		want[id] = true
	}
	persons := map[string]bool{}
	for _, e := range now.Engagements {
		if want[e.Key] && !has(connectors.PayrollEngagementKind, e.Key) {
			page.Engagements = append(page.Engagements, rowsOf(now.Engagements, e.Key, func(e connectors.PayrollEngagement) string { return e.Key })...)
			persons[e.Person] = true
		}
	}
	for _, l := range now.Leaves {
		if want[l.Engagement] && !has(connectors.PayrollLeaveKind, l.Key) {
			page.Leaves = append(page.Leaves, l)
		}
	}
	for _, p := range now.Persons {
		if persons[p.Key] && !has(connectors.PayrollPersonKind, p.Key) {
			page.Persons = append(page.Persons, p)
		}
	}
}

// rowsOf returns the rows of key (rows are sorted by key).
func rowsOf[T any](rows []T, key string, keyOf func(T) string) []T {
	i, _ := slices.BinarySearchFunc(rows, key, func(r T, k string) int { return strings.Compare(keyOf(r), k) })
	j := i
	for j < len(rows) && keyOf(rows[j]) == key {
		j++
	}
	return rows[i:j:j]
}

// diff returns the changes from old to now: every record whose rows
// differ, with all its rows now, and the records gone.
func diff(old, now *connectors.PayrollSnapshot) *connectors.PayrollChanges {
	p := &connectors.PayrollChanges{}
	p.Units, p.Deleted = diffRows(connectors.PayrollUnitKind, old.Units, now.Units, func(u connectors.PayrollUnit) string { return u.Key }, p.Deleted)
	p.Persons, p.Deleted = diffRows(connectors.PayrollPersonKind, old.Persons, now.Persons, func(u connectors.PayrollPerson) string { return u.Key }, p.Deleted)
	p.Engagements, p.Deleted = diffRows(connectors.PayrollEngagementKind, old.Engagements, now.Engagements, func(u connectors.PayrollEngagement) string { return u.Key }, p.Deleted)
	p.Leaves, p.Deleted = diffRows(connectors.PayrollLeaveKind, old.Leaves, now.Leaves, func(u connectors.PayrollLeave) string { return u.Key }, p.Deleted)
	return p
}

// diffRows compares two lists of rows sorted by key: the rows of every
// key whose rows differ, and the keys only old has appended to deleted.
func diffRows[T comparable](kind connectors.PayrollKind, old, now []T, keyOf func(T) string, deleted []connectors.PayrollRef) ([]T, []connectors.PayrollRef) {
	var changed []T
	group := func(rows []T) map[string][]T {
		m := map[string][]T{}
		for _, r := range rows {
			m[keyOf(r)] = append(m[keyOf(r)], r)
		}
		return m
	}
	o, n := group(old), group(now)
	for i := 0; i < len(now); {
		k := keyOf(now[i])
		rows := n[k]
		if !slices.Equal(o[k], rows) {
			changed = append(changed, rows...)
		}
		i += len(rows)
	}
	var gone []string
	for k := range o {
		if _, ok := n[k]; !ok {
			gone = append(gone, k)
		}
	}
	slices.Sort(gone)
	for _, k := range gone {
		deleted = append(deleted, connectors.PayrollRef{Kind: kind, Key: k})
	}
	return changed, deleted
}
