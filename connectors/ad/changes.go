package ad

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// The change feed has two sources. DirSync (preferred) returns the objects
// changed since a cookie, as replication sees them, deletions included; its
// cookie is the token. Where the account may not use DirSync, uSNChanged is
// polled on one DC: every write on a DC takes the next update sequence
// number, so "objects with uSNChanged > n" are the changes since n, and
// deleted objects are found, with that number, among the tombstones in
// Deleted Objects. Timestamps (whenChanged) are never used: they lose
// changes to clock skew and their one-second resolution.
//
// Tokens say which source wrote them:
//
//	ad1:d:<dirsync flags>:<cookie, base64url>
//	ad1:u:<hash of the DC's dsServiceName>:<highest USN handled>

const tokenVersion = "ad1"

// dirSyncFlags are tried in order: none (needs "Replicating Directory
// Changes"), then object security (any account; it sees what it may read).
var dirSyncFlags = []int64{0, ldap.DirSyncObjectSecurity}

// dirSyncMaxBytes is the reply size asked of the DC per DirSync page.
const dirSyncMaxBytes = 1 << 20

// feed remembers which source works, once found.
type feed struct {
	mu     sync.Mutex
	method string // "" until found; "d<flags>" or "u"
}

// Changes returns the next page of changes after req.Token.
func (d *Directory) Changes(ctx context.Context, req connectors.ChangesRequest) (*connectors.ChangePage, error) {
	const op = "changes"
	base := req.BaseDN
	if base == "" {
		base = d.base
	} else if _, err := connectors.ParseDN(base); err != nil {
		return nil, err
	}
	if req.Token == "" {
		method, err := d.changeMethod(ctx)
		if err != nil {
			return nil, err
		}
		if method == "u" {
			return d.usnChanges(ctx, base, 0)
		}
		flags, _ := strconv.ParseInt(method[1:], 10, 64)
		return d.dirSyncChanges(ctx, base, flags, nil)
	}
	parts := strings.SplitN(string(req.Token), ":", 4)
	if len(parts) != 4 || parts[0] != tokenVersion {
		return nil, connectors.Errorf(connectors.Invalid, op, "the token is not an AD change token")
	}
	switch parts[1] {
	case "d":
		flags, err1 := strconv.ParseInt(parts[2], 10, 64)
		cookie, err2 := base64.RawURLEncoding.DecodeString(parts[3])
		if err1 != nil || err2 != nil {
			return nil, connectors.Errorf(connectors.Invalid, op, "the DirSync token is damaged")
		}
		return d.dirSyncChanges(ctx, base, flags, cookie)
	case "u":
		usn, err := strconv.ParseUint(parts[3], 10, 64)
		if err != nil {
			return nil, connectors.Errorf(connectors.Invalid, op, "the USN token is damaged")
		}
		if parts[2] != d.dsaHash() {
			return nil, connectors.Errorf(connectors.Invalid, op, "the token belongs to another domain controller (update sequence numbers are per DC); start again with an empty token")
		}
		return d.usnChanges(ctx, base, usn)
	}
	return nil, connectors.Errorf(connectors.Invalid, op, "the token is not an AD change token")
}

// LatestToken returns a token for now, without reading every object.
func (d *Directory) LatestToken(ctx context.Context) (connectors.Token, error) {
	method, err := d.changeMethod(ctx)
	if err != nil {
		return "", err
	}
	if method == "u" {
		h, err := d.highestUSN(ctx)
		if err != nil {
			return "", err
		}
		return d.usnToken(h), nil
	}
	// A DirSync whose filter matches nothing still moves its cookie to the
	// end of the DC's changes.
	flags, _ := strconv.ParseInt(method[1:], 10, 64)
	var cookie []byte
	for {
		_, next, more, err := d.dirSync(ctx, flags, cookie, "(!(objectClass=*))")
		if err != nil {
			return "", err
		}
		cookie = next
		if !more {
			return dirSyncToken(flags, cookie), nil
		}
	}
}

// changeMethod decides which source the feed uses: the configured one, or
// under ChangesAuto the first that works. A decision is kept; a failure is
// not, so a passing network error does not fix the choice.
func (d *Directory) changeMethod(ctx context.Context) (string, error) {
	d.feed.mu.Lock()
	defer d.feed.mu.Unlock()
	if d.feed.method != "" {
		return d.feed.method, nil
	}
	if d.cfg.ChangeMethod == ChangesUSN {
		d.feed.method = "u"
		return d.feed.method, nil
	}
	var err error
	for _, flags := range dirSyncFlags {
		if _, _, _, err = d.dirSync(ctx, flags, nil, "(!(objectClass=*))"); err == nil {
			d.feed.method = "d" + strconv.FormatInt(flags, 10)
			d.log.Info("change feed uses DirSync", "flags", flags)
			return d.feed.method, nil
		}
		if kind := connectors.KindOf(err); kind != connectors.Permission && kind != connectors.Unsupported {
			return "", err
		}
	}
	if d.cfg.ChangeMethod == ChangesDirSync {
		return "", err
	}
	d.feed.method = "u"
	d.log.Info("change feed uses uSNChanged: this account may not use DirSync", "error", err)
	return d.feed.method, nil
}

// dirSync runs one DirSync request on the naming context.
func (d *Directory) dirSync(ctx context.Context, flags int64, cookie []byte, filter string) (entries []*ldap.Entry, next []byte, more bool, err error) {
	err = d.do(ctx, "changes", d.nc, always, func(c *ldap.Conn) error {
		res, err := c.DirSync(ldap.NewSearchRequest(d.nc, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
			filter, nil, nil), flags, dirSyncMaxBytes, cookie)
		if err != nil {
			return err
		}
		ctl, ok := ldap.FindControl(res.Controls, ldap.ControlTypeDirSync).(*ldap.ControlDirSync)
		if !ok {
			return connectors.Errorf(connectors.Unsupported, "changes", "the server did not answer the DirSync control")
		}
		entries, next, more = res.Entries, ctl.Cookie, ctl.Flags != 0
		return nil
	})
	return entries, next, more, err
}

func (d *Directory) dirSyncChanges(ctx context.Context, base string, flags int64, cookie []byte) (*connectors.ChangePage, error) {
	entries, next, more, err := d.dirSync(ctx, flags, cookie, "(objectClass=*)")
	if err != nil {
		return nil, err
	}
	page := &connectors.ChangePage{Token: dirSyncToken(flags, next), More: more}
	for _, e := range entries {
		if c, ok := changeOf(e); ok && connectors.IsUnderDN(c.DN, base) {
			page.Changes = append(page.Changes, c)
		}
	}
	return page, nil
}

func dirSyncToken(flags int64, cookie []byte) connectors.Token {
	return connectors.Token(tokenVersion + ":d:" + strconv.FormatInt(flags, 10) + ":" + base64.RawURLEncoding.EncodeToString(cookie))
}

// changeOf reads a change from an entry of DirSync or of the USN search.
func changeOf(e *ldap.Entry) (connectors.Change, bool) {
	id, ok := IDFromGUID(e.GetRawAttributeValue("objectGUID"))
	if !ok {
		return connectors.Change{}, false
	}
	c := connectors.Change{ID: id, DN: e.DN}
	if strings.EqualFold(e.GetAttributeValue("isDeleted"), "TRUE") {
		c.Deleted = true
		c.DN = lastKnownDN(e)
	}
	return c, true
}

// lastKnownDN is the DN a deleted object had: its name before AD mangled
// it ("CN=Jane\0ADEL:<guid>") below its lastKnownParent.
func lastKnownDN(e *ldap.Entry) string {
	parent := e.GetAttributeValue("lastKnownParent")
	if strings.HasPrefix(parent, "<") { // extended form <GUID=…>;DN
		if i := strings.Index(parent, ">;"); i >= 0 {
			parent = parent[i+2:]
		}
	}
	rdn, _, err := connectors.SplitDN(e.DN)
	if err != nil || parent == "" {
		return e.DN
	}
	rdn.Value, _, _ = strings.Cut(rdn.Value, "\n")
	return connectors.FormatDN([]connectors.RDN{rdn}) + "," + parent
}

// usnChanges returns the changes with uSNChanged above after, a page at a
// time, oldest first.
func (d *Directory) usnChanges(ctx context.Context, base string, after uint64) (*connectors.ChangePage, error) {
	// Read the highest committed USN first: every change up to it is
	// visible to the searches that follow, so the token may move up to it
	// even where nothing below base changed.
	high, err := d.highestUSN(ctx)
	if err != nil {
		return nil, err
	}
	if high <= after {
		return &connectors.ChangePage{Token: d.usnToken(after)}, nil
	}
	rng := "(uSNChanged>=" + strconv.FormatUint(after+1, 10) + ")(uSNChanged<=" + strconv.FormatUint(high, 10) + ")"
	type usnChange struct {
		usn uint64
		c   connectors.Change
	}
	var found []usnChange
	collect := func(e *ldap.Entry) {
		c, ok := changeOf(e)
		if !ok || !connectors.IsUnderDN(c.DN, base) {
			return
		}
		usn, _ := strconv.ParseUint(e.GetAttributeValue("uSNChanged"), 10, 64)
		found = append(found, usnChange{usn, c})
	}
	attrs := []string{"objectGUID", "uSNChanged", "isDeleted", "lastKnownParent"}
	if err := d.pagedSearch(ctx, base, "(&"+rng+")", attrs, nil, collect); err != nil {
		return nil, err
	}
	deleted := "(&(isDeleted=TRUE)" + rng + ")"
	if err := d.pagedSearch(ctx, d.nc, deleted, attrs, []ldap.Control{ldap.NewControlMicrosoftShowDeleted()}, collect); err != nil {
		return nil, err
	}
	sort.Slice(found, func(i, j int) bool { return found[i].usn < found[j].usn })
	page := &connectors.ChangePage{Token: d.usnToken(high)}
	if len(found) > d.cfg.PageSize {
		found = found[:d.cfg.PageSize]
		page.Token, page.More = d.usnToken(found[len(found)-1].usn), true
	}
	for _, f := range found {
		page.Changes = append(page.Changes, f.c)
	}
	return page, nil
}

// pagedSearch runs a raw paged subtree search for the change feed.
func (d *Directory) pagedSearch(ctx context.Context, base, filter string, attrs []string, controls []ldap.Control, fn func(*ldap.Entry)) error {
	var got []*ldap.Entry
	err := d.do(ctx, "changes", base, func() bool { got = nil; return true }, func(c *ldap.Conn) error {
		res, err := c.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
			filter, attrs, controls), uint32(d.cfg.PageSize))
		if err != nil {
			return err
		}
		got = res.Entries
		return nil
	})
	for _, e := range got {
		fn(e)
	}
	return err
}

func (d *Directory) highestUSN(ctx context.Context) (uint64, error) {
	var high uint64
	err := d.do(ctx, "changes", "rootDSE", always, func(c *ldap.Conn) error {
		root, err := readEntry(c, "", "highestCommittedUSN")
		if err != nil {
			return err
		}
		high, err = strconv.ParseUint(root.GetAttributeValue("highestCommittedUSN"), 10, 64)
		if high == 0 || err != nil {
			return connectors.Errorf(connectors.Unsupported, "changes", "the server has no highestCommittedUSN")
		}
		return nil
	})
	return high, err
}

func (d *Directory) usnToken(usn uint64) connectors.Token {
	return connectors.Token(tokenVersion + ":u:" + d.dsaHash() + ":" + strconv.FormatUint(usn, 10))
}

// dsaHash identifies the DC, whose update sequence numbers are its own.
func (d *Directory) dsaHash() string {
	sum := sha256.Sum256([]byte(strings.ToLower(d.dsa)))
	return hex.EncodeToString(sum[:4])
}
