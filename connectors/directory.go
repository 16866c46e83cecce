package connectors

import "context"

// Directory is the core of a directory connector (Active Directory, or its
// in-memory twin): enough to find and read objects. A connector that can do
// more implements the optional capability interfaces below ([Creator],
// [Modifier], [Mover], [Deleter], [Enabler], [PasswordSetter],
// [GroupManager], [ChangeReader]); callers discover them by type assertion,
// as database/sql does with its drivers:
//
//	if c, ok := dir.(connectors.Creator); ok { id, err := c.Create(ctx, req) }
//
// Every method takes a context first and honours its cancellation and
// deadline. Every error is an *[Error] with a [Kind]. Every type that crosses
// the interface is plain data, so a Directory works the same compiled in or
// behind a plugin boundary. Implementations are safe for concurrent use.
type Directory interface {
	// Ping checks that the directory answers, that the connector's
	// credentials work and that its base DN exists.
	Ping(ctx context.Context) error

	// Search calls fn for each entry that matches req, fetching them a
	// page at a time. If fn returns an error, Search stops and returns it,
	// unless it is [ErrStop], which stops the search without an error.
	// fn may keep the entry, and may call the Directory (to read or write
	// what it found) while the search goes on.
	Search(ctx context.Context, req SearchRequest, fn func(*Entry) error) error

	// Read returns the object with the given stable id, with the named
	// attributes (all ordinary attributes if attrs is empty). It returns a
	// NotFound error if there is none.
	Read(ctx context.Context, id ID, attrs []string) (*Entry, error)

	// ReadDN returns the object at a DN, as Read does.
	ReadDN(ctx context.Context, dn string, attrs []string) (*Entry, error)

	// Close releases the connector's connections. Calls after Close fail.
	Close() error
}

// ErrStop, returned by a Search callback, ends the search early without an
// error.
var ErrStop = stopError{}

type stopError struct{}

func (stopError) Error() string { return "search stopped by the caller" }

// Scope is how far below the base a search looks.
type Scope uint8

// The scopes. The zero value searches the whole subtree.
const (
	ScopeSubtree  Scope = iota // the base and everything below it
	ScopeOneLevel              // the base's direct children only
	ScopeBase                  // the base entry only
)

// SearchRequest describes a search.
type SearchRequest struct {
	// BaseDN is where the search starts; empty means the connector's base.
	BaseDN string
	// Scope is how far below the base to look; default the subtree.
	Scope Scope
	// Filter selects entries; the zero Filter matches all.
	Filter Filter
	// Attributes are the attributes to return; empty means all ordinary
	// attributes.
	Attributes []string
	// PageSize is how many entries to fetch per round trip; 0 means the
	// connector's default.
	PageSize int
}

// Creator creates objects.
type Creator interface {
	// Create creates the object req describes and returns its stable id.
	// The id is known the moment Create returns, so a caller can record
	// its link to the new object in the same step. A taken DN, or a taken
	// account name (sAMAccountName, userPrincipalName), is an AlreadyExists
	// error.
	Create(ctx context.Context, req CreateRequest) (ID, error)
}

// CreateRequest describes an object to create.
type CreateRequest struct {
	// DN is the new object's DN; build it with [JoinDN].
	DN string
	// Attributes of the new object, including objectClass. The RDN's
	// attribute (e.g. cn) is set from the DN. Account flags and passwords
	// are not attributes here: see Enabled and Password.
	Attributes []Attribute
	// Password is the account's initial password; empty for none. It needs
	// an encrypted connection.
	Password Secret
	// Enabled creates the account enabled; it needs a Password. Accounts
	// are otherwise created disabled.
	Enabled bool
}

// Modifier changes attributes.
type Modifier interface {
	// Modify applies the modifications to the object, all or none of them.
	Modify(ctx context.Context, id ID, mods []Modification) error
}

// ModOp is how a [Modification] changes an attribute.
type ModOp uint8

// The modification operations.
const (
	// ModReplace sets the attribute to exactly Values; no values removes
	// the attribute (and is not an error if it is absent).
	ModReplace ModOp = iota
	// ModAdd adds Values; adding a value that is there is an
	// AlreadyExists error.
	ModAdd
	// ModDelete removes Values, or the whole attribute if Values is empty;
	// removing what is not there is a NotFound error.
	ModDelete
)

// Modification is one change to one attribute.
type Modification struct {
	Op     ModOp    // how the attribute changes
	Name   string   // the attribute
	Values []string // the values added, removed or set
}

// Mover renames and moves objects (LDAP's ModifyDN).
type Mover interface {
	// Move gives the object a new RDN value, a new parent, or both, and
	// returns its new DN. The object keeps its id, attributes and group
	// memberships.
	Move(ctx context.Context, id ID, req MoveRequest) (string, error)
}

// MoveRequest says where an object goes.
type MoveRequest struct {
	// NewParent is the DN of the new parent; empty keeps the parent.
	NewParent string
	// NewName is the new value of the RDN (unescaped, same attribute
	// type); empty keeps the name.
	NewName string
}

// Deleter deletes objects.
type Deleter interface {
	// Delete deletes the object. An object with children is not deleted
	// (a Constraint error).
	Delete(ctx context.Context, id ID) error
}

// Enabler enables and disables accounts.
type Enabler interface {
	// SetEnabled enables or disables the account, touching no other
	// account flag. Setting the state it already has is not an error.
	SetEnabled(ctx context.Context, id ID, enabled bool) error
}

// PasswordSetter sets account passwords.
type PasswordSetter interface {
	// SetPassword sets the account's password, as an administrator does
	// (no old password). A password the policy rejects is a Constraint
	// error. It needs an encrypted connection.
	SetPassword(ctx context.Context, id ID, password Secret) error
}

// GroupManager changes group memberships.
type GroupManager interface {
	// AddMember makes member a member of group. Adding a member that is
	// already one is not an error.
	AddMember(ctx context.Context, group, member ID) error
	// RemoveMember ends member's membership of group. Removing one that is
	// not a member is not an error.
	RemoveMember(ctx context.Context, group, member ID) error
}

// ChangeReader reports what changed in the directory since a point in time,
// deletions included, for incremental synchronisation.
type ChangeReader interface {
	// Changes returns the changes after req.Token, a page at a time: while
	// the page says More, call again with its Token. Persist a page's
	// Token only after handling its changes; resuming from a persisted
	// token may repeat changes (at least once), never lose them. An empty
	// token starts from the beginning: every object is reported.
	Changes(ctx context.Context, req ChangesRequest) (*ChangePage, error)

	// LatestToken returns a token for "now": changes after it are those
	// made after this call.
	LatestToken(ctx context.Context) (Token, error)
}

// Token is an opaque, resumable position in a directory's change feed.
type Token string

// ChangesRequest asks for the changes after a token.
type ChangesRequest struct {
	// Token is where to resume; empty for a full sync.
	Token Token
	// BaseDN restricts the changes to objects below it (deleted objects by
	// the parent they had); empty means the connector's base.
	BaseDN string
}

// ChangePage is one page of changes.
type ChangePage struct {
	// Changes are the changes in this page, each object at most once.
	Changes []Change
	// Token resumes after this page.
	Token Token
	// More says that more changes are waiting: call again at once.
	More bool
}

// Change says that an object was created, changed or deleted. It carries
// no attributes: a handler reads the object's current state (events are
// hints, and the directory is the truth).
type Change struct {
	// ID is the object's stable id.
	ID ID
	// DN is the object's DN; for a deleted object, the DN it had.
	DN string
	// Deleted says that the object was deleted.
	Deleted bool
}

// Capabilities lists the optional interfaces that d implements, by name
// ("Creator", "Modifier", …), for reports and for plugin negotiation.
func Capabilities(d Directory) []string {
	var caps []string
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"Creator", is[Creator](d)},
		{"Modifier", is[Modifier](d)},
		{"Mover", is[Mover](d)},
		{"Deleter", is[Deleter](d)},
		{"Enabler", is[Enabler](d)},
		{"PasswordSetter", is[PasswordSetter](d)},
		{"GroupManager", is[GroupManager](d)},
		{"ChangeReader", is[ChangeReader](d)},
	} {
		if c.ok {
			caps = append(caps, c.name)
		}
	}
	return caps
}

func is[T any](d Directory) bool { _, ok := d.(T); return ok }
