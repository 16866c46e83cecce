package inmem

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// record is one entry of the change feed.
type record struct {
	seq     uint64
	id      connectors.ID
	dn      string // the DN when the change was made
	deleted bool
}

// recordChange appends a change of o to the feed; the caller holds d.mu.
func (d *Directory) recordChange(o *object, deleted bool) {
	d.seq++
	d.log = append(d.log, record{seq: d.seq, id: o.id, dn: d.dnOf(o), deleted: deleted})
}

const tokenPrefix = "inmem:"

func (d *Directory) token(seq uint64) connectors.Token {
	return connectors.Token(tokenPrefix + d.instance + ":" + strconv.FormatUint(seq, 10))
}

// parseToken returns the sequence number a token resumes after.
func (d *Directory) parseToken(t connectors.Token) (uint64, error) {
	if t == "" {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(string(t), tokenPrefix)
	inst, num, ok2 := strings.Cut(rest, ":")
	seq, err := strconv.ParseUint(num, 10, 64)
	if !ok || !ok2 || err != nil {
		return 0, connectors.Errorf(connectors.Invalid, "changes", "the token is not one of this directory's")
	}
	if inst != d.instance || seq > d.seq {
		return 0, connectors.Errorf(connectors.Invalid, "changes", "the token is from another directory; start again with an empty token")
	}
	return seq, nil
}

// LatestToken returns a token for the current end of the feed.
func (d *Directory) LatestToken(ctx context.Context) (connectors.Token, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx, "latest token", ""); err != nil {
		return "", err
	}
	return d.token(d.seq), nil
}

// Changes returns the next page of changes after req.Token. Several changes
// of one object in a page are reported once, as its latest.
func (d *Directory) Changes(ctx context.Context, req connectors.ChangesRequest) (*connectors.ChangePage, error) {
	const op = "changes"
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx, op, req.BaseDN); err != nil {
		return nil, err
	}
	after, err := d.parseToken(req.Token)
	if err != nil {
		return nil, err
	}
	base := req.BaseDN
	if base == "" {
		base = d.BaseDN()
	} else if _, err := d.resolve(op, base); err != nil {
		return nil, err
	}
	start := sort.Search(len(d.log), func(i int) bool { return d.log[i].seq > after })
	page := &connectors.ChangePage{Token: d.token(after)}
	pos := map[connectors.ID]int{}
	i := start
	for ; i < len(d.log) && len(pos) < d.pageSize; i++ {
		r := d.log[i]
		c := connectors.Change{ID: r.id, DN: r.dn, Deleted: r.deleted}
		if o := d.byID[r.id]; o != nil && !r.deleted {
			c.DN = d.dnOf(o)
		}
		if !connectors.IsUnderDN(c.DN, base) {
			continue
		}
		if at, ok := pos[c.ID]; ok {
			page.Changes[at] = c
			continue
		}
		pos[c.ID] = len(page.Changes)
		page.Changes = append(page.Changes, c)
	}
	if i > start {
		page.Token = d.token(d.log[i-1].seq)
	}
	page.More = i < len(d.log)
	return page, nil
}
