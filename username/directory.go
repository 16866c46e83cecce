package username

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// The names a directory object holds are read from these attributes. The
// holder of a name is the object's stable id (its objectGUID in AD), so a
// rename or a move does not orphan its claims.
var nameAttrs = []string{"sAMAccountName", "userPrincipalName", "mail", "proxyAddresses"}

// Compile-time checks that both directory lookups are Taken places.
var (
	_ Taken = (*Index)(nil)
	_ Taken = (*DirectoryTaken)(nil)
)

// LoadDirectory adds to idx every name held by an object below base (the
// connector's base if empty), in one paged search: its sAMAccountName
// (InSAMAccountName), the local part of its userPrincipalName (InUPN) and
// of its mail (InMail), and the local part of each smtp: entry of its
// proxyAddresses (InProxyAddresses; "SMTP:" is the primary address and
// counts as well). The holder is the object's id.
//
// Every object holding one of those attributes counts, not only users:
// AD keeps sAMAccountName unique across users, computers and groups, and
// Exchange keeps addresses unique across contacts and groups too. Disabled
// accounts and accounts in the chapel are ordinary objects and hold their
// names. Values without an @, or with nothing before it, hold nothing.
//
// To keep the index current afterwards, use a Follower, whose Load takes
// the change feed's position before calling this.
func LoadDirectory(ctx context.Context, dir connectors.Directory, base string, idx *Index) error {
	req := connectors.SearchRequest{BaseDN: base, Filter: holdsAName(), Attributes: nameAttrs}
	err := dir.Search(ctx, req, func(e *connectors.Entry) error {
		for _, c := range claimsOf(e) {
			idx.Add(c.Name, c.Holding)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("username: loading the taken names below %q: %w", base, err)
	}
	return nil
}

// holdsAName matches the objects that hold a name anywhere.
func holdsAName() connectors.Filter {
	f := make([]connectors.Filter, len(nameAttrs))
	for i, a := range nameAttrs {
		f[i] = connectors.Present(a)
	}
	return connectors.Or(f...)
}

// claimsOf returns the names an entry holds, by the rules of
// LoadDirectory. DirectoryTaken uses it too, so the index and the
// per-candidate search cannot disagree on what a value means.
func claimsOf(e *connectors.Entry) []Claim {
	holder := string(e.ID)
	if holder == "" {
		holder = e.DN
	}
	var cs []Claim
	add := func(name string, w Where) {
		if name != "" {
			cs = append(cs, Claim{Name: strings.ToLower(name), Holding: Holding{Where: w, Holder: holder}})
		}
	}
	for _, v := range e.Get("sAMAccountName") {
		add(v, InSAMAccountName)
	}
	for _, v := range e.Get("userPrincipalName") {
		add(localPart(v), InUPN)
	}
	for _, v := range e.Get("mail") {
		add(localPart(v), InMail)
	}
	for _, v := range e.Get("proxyAddresses") {
		// Other address types (X500:, SIP:, …) are not e-mail addresses.
		if len(v) > len(smtpPrefix) && strings.EqualFold(v[:len(smtpPrefix)], smtpPrefix) {
			add(localPart(v[len(smtpPrefix):]), InProxyAddresses)
		}
	}
	return cs
}

const smtpPrefix = "smtp:"

// localPart returns what comes before the first @, or "" if there is none.
// The first, not the last: that is what a directory search for "name@*"
// matches.
func localPart(addr string) string {
	local, _, ok := strings.Cut(addr, "@")
	if !ok {
		return ""
	}
	return local
}

// DirectoryTaken is a Taken place that asks the directory about each
// candidate: one search per name, as OS2mo's generator does. It sees a
// change the moment it is made, but costs a round trip per candidate; the
// Index (loaded once, kept current by a Follower) is the fast path, and
// this the fallback where no change feed is available, and the baseline
// the Index is measured against.
type DirectoryTaken struct {
	dir  connectors.Directory
	base string
}

// NewDirectoryTaken returns a Taken place that searches dir below base (the
// connector's base if empty).
func NewDirectoryTaken(dir connectors.Directory, base string) *DirectoryTaken {
	return &DirectoryTaken{dir: dir, base: base}
}

// Holdings searches for the objects holding name as a sAMAccountName, or
// as the local part of a userPrincipalName, mail or smtp: proxy address,
// and returns their claims with Where saying which. The filter is built as
// data, so any name is safe to ask about: "*" or "x)(cn=*" match only
// themselves. A name holding NUL, which Samba would take for the end of
// the value, is an Invalid error from the connector.
func (t *DirectoryTaken) Holdings(ctx context.Context, name string) ([]Holding, error) {
	name = strings.ToLower(name)
	if name == "" {
		return nil, nil
	}
	filter := connectors.Or(
		connectors.Eq("sAMAccountName", name),
		connectors.HasPrefix("userPrincipalName", name+"@"),
		connectors.HasPrefix("mail", name+"@"),
		connectors.HasPrefix("proxyAddresses", smtpPrefix+name+"@"),
	)
	var hs []Holding
	err := t.dir.Search(ctx, connectors.SearchRequest{BaseDN: t.base, Filter: filter, Attributes: nameAttrs}, func(e *connectors.Entry) error {
		// The search matched the object; its claims say where. An smtp:
		// prefix match on an X500: value, or a mail matched by the
		// directory's own case folding, is sorted out here.
		for _, c := range claimsOf(e) {
			if c.Name == name {
				hs = append(hs, c.Holding)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hs, nil
}

// Follower keeps an Index current from a directory's change feed: for
// each changed object it reads the object's names and replaces what the
// index held for it; a deleted object's names are dropped from the
// directory places (keeping history is the org model's job, see
// LoadHistory). Changes are at least once and each is handled by reading
// the object as it is now, so a change seen twice does no harm.
//
// An object moved out from below the base is not reported by the feed and
// keeps its names in the index. That errs on the safe side: the names are
// still taken in the domain.
type Follower struct {
	dir  connectors.Directory
	feed connectors.ChangeReader
	base string
	idx  *Index

	syncMu sync.Mutex // one Sync at a time

	tmu   sync.Mutex
	token connectors.Token
}

// errNotLoaded is returned by Sync and Run before Load or SetToken.
var errNotLoaded = errors.New("username: the follower has no change token; call Load first (or SetToken with a token taken before the index was loaded)")

// NewFollower returns a follower that keeps idx current with the objects
// below base (the connector's base if empty). dir must have a change feed
// (connectors.ChangeReader).
func NewFollower(dir connectors.Directory, base string, idx *Index) (*Follower, error) {
	feed, ok := dir.(connectors.ChangeReader)
	if !ok {
		return nil, errors.New("username: the directory connector has no change feed (connectors.ChangeReader); use DirectoryTaken, or reload the index with LoadDirectory now and then")
	}
	return &Follower{dir: dir, feed: feed, base: base, idx: idx}, nil
}

// Load fills the index from the directory (LoadDirectory) and remembers
// where the change feed stood just before, so a change made during the
// load is replayed by the next Sync rather than lost. Load into an empty
// index: claims of objects deleted since an earlier load would stay.
func (f *Follower) Load(ctx context.Context) error {
	tok, err := f.feed.LatestToken(ctx)
	if err != nil {
		return fmt.Errorf("username: reading the change feed's position: %w", err)
	}
	if err := LoadDirectory(ctx, f.dir, f.base, f.idx); err != nil {
		return err
	}
	f.SetToken(tok)
	return nil
}

// SetToken sets where the next Sync reads the change feed from, for a
// caller that loaded the index itself: the token must come from
// LatestToken before that load began.
func (f *Follower) SetToken(t connectors.Token) {
	f.tmu.Lock()
	defer f.tmu.Unlock()
	f.token = t
}

// Token returns where the next Sync reads the change feed from.
func (f *Follower) Token() connectors.Token {
	f.tmu.Lock()
	defer f.tmu.Unlock()
	return f.token
}

// Sync reads the change feed to its end and applies the changes, page by
// page, and returns how many changes it applied. A page is applied in one
// step (see Index.Replace) and the token moves past it only then, so a
// Sync that fails is simply run again.
func (f *Follower) Sync(ctx context.Context) (int, error) {
	f.syncMu.Lock()
	defer f.syncMu.Unlock()
	tok := f.Token()
	if tok == "" {
		return 0, errNotLoaded
	}
	n := 0
	for {
		page, err := f.feed.Changes(ctx, connectors.ChangesRequest{Token: tok, BaseDN: f.base})
		if err != nil {
			return n, fmt.Errorf("username: reading the directory's changes: %w", err)
		}
		if err := f.apply(ctx, page.Changes); err != nil {
			return n, err
		}
		n += len(page.Changes)
		tok = page.Token
		f.SetToken(tok)
		if !page.More {
			return n, nil
		}
	}
}

// apply reads the changed objects and replaces their claims.
func (f *Follower) apply(ctx context.Context, changes []connectors.Change) error {
	if len(changes) == 0 {
		return nil
	}
	holders := make([]string, 0, len(changes))
	var claims []Claim
	for _, c := range changes {
		holders = append(holders, string(c.ID))
		if c.Deleted {
			continue
		}
		e, err := f.dir.Read(ctx, c.ID, nameAttrs)
		if errors.Is(err, connectors.NotFound) {
			continue // deleted since the change: it holds nothing now
		}
		if err != nil {
			return fmt.Errorf("username: reading changed object %s: %w", c.ID, err)
		}
		e.ID = c.ID // the holder the load used, whatever Read fills in
		claims = append(claims, claimsOf(e)...)
	}
	f.idx.Replace(DirectoryPlaces, holders, claims)
	return nil
}

// Run syncs every interval until ctx ends, and then returns ctx's error.
// A failed Sync is reported to onError (which may be nil) and tried again
// at the next interval, except when it cannot succeed without an operator
// or a reload: a token the directory no longer accepts (Invalid), a
// connector set up wrongly (Configuration), or a feed it does not support
// (Unsupported). Run returns those; Load a new index and Run again.
func (f *Follower) Run(ctx context.Context, every time.Duration, onError func(error)) error {
	if every <= 0 {
		return fmt.Errorf("username: follow interval %v must be positive", every)
	}
	if f.Token() == "" {
		return errNotLoaded
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		if _, err := f.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			switch connectors.KindOf(err) {
			case connectors.Invalid, connectors.Configuration, connectors.Unsupported:
				return err
			}
			if onError != nil {
				onError(err)
			}
		}
		timer.Reset(every)
	}
}
