package inmem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
)

// Options configure a twin.
type Options struct {
	// BaseDN is the directory's naming context; it exists from the start.
	// Default "DC=example,DC=test".
	BaseDN string
	// ExtraAttributes are attributes to accept beyond the base schema
	// (single-valued), e.g. "extensionAttribute1".
	ExtraAttributes []string
	// ChangePageSize is the most changes one ChangePage holds; default 500.
	ChangePageSize int
}

// Directory is the in-memory twin. The zero value is not usable; call New.
type Directory struct {
	mu       sync.RWMutex
	closed   bool
	schema   schema
	root     *object
	baseRDNs []connectors.RDN // the root's DN, parsed
	baseDN   string           // and formatted once: every entry's DN ends with it
	byID     map[connectors.ID]*object
	sam      map[string]*object // folded sAMAccountName → account
	upn      map[string]*object // folded userPrincipalName → account
	seq      uint64             // the last change's sequence number
	log      []record           // the change feed
	instance string             // tells this twin's tokens from others'
	pageSize int
}

// Compile-time checks that the twin has every capability.
var (
	_ connectors.Directory      = (*Directory)(nil)
	_ connectors.Creator        = (*Directory)(nil)
	_ connectors.Modifier       = (*Directory)(nil)
	_ connectors.Mover          = (*Directory)(nil)
	_ connectors.Deleter        = (*Directory)(nil)
	_ connectors.Enabler        = (*Directory)(nil)
	_ connectors.PasswordSetter = (*Directory)(nil)
	_ connectors.GroupManager   = (*Directory)(nil)
	_ connectors.ChangeReader   = (*Directory)(nil)
)

// New returns an empty directory holding only its naming context.
func New(opts Options) (*Directory, error) {
	if opts.BaseDN == "" {
		opts.BaseDN = "DC=example,DC=test"
	}
	if opts.ChangePageSize <= 0 {
		opts.ChangePageSize = 500
	}
	rdns, err := connectors.ParseDN(opts.BaseDN)
	if err != nil {
		return nil, err
	}
	if len(rdns) == 0 {
		return nil, connectors.Errorf(connectors.Configuration, "new", "the base DN is empty")
	}
	var inst [6]byte
	rand.Read(inst[:])
	d := &Directory{
		schema:   newSchema(opts.ExtraAttributes),
		baseRDNs: rdns,
		baseDN:   connectors.FormatDN(rdns),
		byID:     map[connectors.ID]*object{},
		sam:      map[string]*object{},
		upn:      map[string]*object{},
		instance: hex.EncodeToString(inst[:]),
		pageSize: opts.ChangePageSize,
	}
	d.root = d.newObject(connectors.RDN{}, nil)
	d.root.setAttr(attrDef{name: "objectClass"}, []string{"top", "domain", "domainDNS"})
	d.recordChange(d.root, false)
	return d, nil
}

// MustNew is New for fixed options known to be valid; it panics on error.
func MustNew(opts Options) *Directory {
	d, err := New(opts)
	if err != nil {
		panic(err)
	}
	return d
}

// BaseDN returns the directory's naming context.
func (d *Directory) BaseDN() string { return d.baseDN }

// Ping checks that the directory is open.
func (d *Directory) Ping(ctx context.Context) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.check(ctx, "ping", "")
}

// Close closes the directory; later calls fail with an Invalid error.
func (d *Directory) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

// check is the common start of every operation: the context still live,
// the directory still open. The caller holds d.mu.
func (d *Directory) check(ctx context.Context, op, object string) error {
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, object)
	}
	if d.closed {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: object, Err: errClosed}
	}
	return nil
}

type closedError struct{}

func (closedError) Error() string { return "the directory is closed" }

var errClosed = closedError{}

// newObject makes an object with a fresh id below parent (nil for the root).
func (d *Directory) newObject(rdn connectors.RDN, parent *object) *object {
	o := &object{
		id:        connectors.ID(uuid.NewString()),
		rdn:       rdn,
		parent:    parent,
		children:  map[string]*object{},
		attrs:     map[string]*connectors.Attribute{},
		members:   map[connectors.ID]*object{},
		memberOf:  map[connectors.ID]*object{},
		refs:      map[string][]*object{},
		referrers: map[connectors.ID]*object{},
	}
	d.seq++
	o.created = d.seq
	d.byID[o.id] = o
	if parent != nil {
		parent.children[rdnKey(rdn)] = o
	}
	return o
}

// resolve finds the object at a DN. It returns a NotFound error for a DN
// with no object, in or outside the naming context, and an Invalid one for
// a string that is not a DN.
func (d *Directory) resolve(op, dn string) (*object, error) {
	rdns, err := connectors.ParseDN(dn)
	if err != nil {
		return nil, err
	}
	notFound := &connectors.Error{Kind: connectors.NotFound, Op: op, Object: dn, Err: errNoSuchObject}
	if len(rdns) < len(d.baseRDNs) {
		return nil, notFound
	}
	split := len(rdns) - len(d.baseRDNs)
	for i, r := range rdns[split:] {
		if rdnKey(r) != rdnKey(d.baseRDNs[i]) {
			return nil, notFound
		}
	}
	o := d.root
	for i := split - 1; i >= 0; i-- {
		if o = o.children[rdnKey(rdns[i])]; o == nil {
			return nil, notFound
		}
	}
	return o, nil
}

type noSuchObject struct{}

func (noSuchObject) Error() string { return "no such object" }

var errNoSuchObject = noSuchObject{}

// lookup is the start of every operation on one object: the context still
// live, the directory open, the object there. The caller holds d.mu.
func (d *Directory) lookup(ctx context.Context, op string, id connectors.ID) (*object, error) {
	if err := d.check(ctx, op, string(id)); err != nil {
		return nil, err
	}
	return d.byIDOrErr(op, id)
}

// byIDOrErr finds the object with an id.
func (d *Directory) byIDOrErr(op string, id connectors.ID) (*object, error) {
	if _, err := uuid.Parse(string(id)); err != nil {
		return nil, connectors.Errorf(connectors.Invalid, op, "%q is not an object id", id)
	}
	o := d.byID[connectors.ID(normalizeID(id))]
	if o == nil {
		return nil, &connectors.Error{Kind: connectors.NotFound, Op: op, Object: string(id), Err: errNoSuchObject}
	}
	return o, nil
}

func normalizeID(id connectors.ID) string {
	u, err := uuid.Parse(string(id))
	if err != nil {
		return string(id)
	}
	return u.String()
}
