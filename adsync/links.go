package adsync

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// System is the key under which the org model records AD accounts.
const System = "Active Directory"

// Links is the engine's memory of which account is whose. LoadLinks fills
// it from the org model's accounts and the anchors in the directory; the
// applier and the read-back keep it current.
type Links interface {
	AccountDNs
	// Link returns the objectGUID of the person's account, if known.
	Link(person uuid.UUID) (connectors.ID, bool)
	// Owner returns the person an account is linked to, if any.
	Owner(id connectors.ID) (uuid.UUID, bool)
	// Set records the person's account, after a create, a link or a move.
	Set(person uuid.UUID, id connectors.ID, dn string)
	// Forget drops the person's link, when the account is gone.
	Forget(person uuid.UUID)
}

// MapLinks is Links over maps, safe for concurrent use.
type MapLinks struct {
	mu     sync.RWMutex
	ids    map[uuid.UUID]connectors.ID
	dns    map[uuid.UUID]string
	owners map[connectors.ID]uuid.UUID
}

// NewMapLinks returns empty links.
func NewMapLinks() *MapLinks {
	return &MapLinks{ids: map[uuid.UUID]connectors.ID{}, dns: map[uuid.UUID]string{}, owners: map[connectors.ID]uuid.UUID{}}
}

// Set records a person's account. An account has one owner: if it was
// linked to someone else, that link goes.
func (l *MapLinks) Set(person uuid.UUID, id connectors.ID, dn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.ids[person]; ok && old != id {
		delete(l.owners, old)
	}
	if prev, ok := l.owners[id]; ok && prev != person {
		delete(l.ids, prev)
		delete(l.dns, prev)
	}
	l.ids[person], l.dns[person], l.owners[id] = id, dn, person
}

// Forget drops a person's link.
func (l *MapLinks) Forget(person uuid.UUID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.owners, l.ids[person])
	delete(l.ids, person)
	delete(l.dns, person)
}

// Link returns the person's account id.
func (l *MapLinks) Link(person uuid.UUID) (connectors.ID, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	id, ok := l.ids[person]
	return id, ok
}

// Owner returns the person linked to the account.
func (l *MapLinks) Owner(id connectors.ID) (uuid.UUID, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	p, ok := l.owners[id]
	return p, ok
}

// AccountDN returns the person's account DN.
func (l *MapLinks) AccountDN(person uuid.UUID) (string, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	dn, ok := l.dns[person]
	return dn, ok
}

// Len returns how many persons are linked.
func (l *MapLinks) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.ids)
}

// LoadLinks reads the links a run starts from, with one search of the
// accounts below the engine's base: an account the org model records for
// a person (System, ExternalID = objectGUID) is theirs; an account whose
// anchor holds a person's id is theirs too, which is how an account created
// just before a crash, before the read-back recorded it, is found again.
// Where the two disagree the model's record wins: the anchor is a hint an
// administrator may have copied.
func LoadLinks(ctx context.Context, e *Engine, v orgmodel.View, links Links) (int, error) {
	recorded := map[connectors.ID]uuid.UUID{}
	for o := range v.All(orgmodel.KindAccount) {
		if o.Timeline.IsEmpty() {
			continue
		}
		last := o.Timeline.Span(o.Timeline.Len() - 1)
		if a, ok := last.Value.(orgmodel.AccountAttrs); ok && a.System == System && a.Person != uuid.Nil && a.ExternalID != "" && last.To == timeline.Open {
			recorded[connectors.ID(a.ExternalID)] = a.Person
		}
	}
	type anchored struct {
		person uuid.UUID
		e      *connectors.Entry
	}
	var byAnchor []anchored
	n := 0
	anchor := e.cfg.Correlation.Anchor
	req := connectors.SearchRequest{BaseDN: e.cfg.Base, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{anchor}}
	err := e.dir.Search(ctx, req, func(en *connectors.Entry) error {
		if person, ok := recorded[en.ID]; ok {
			links.Set(person, en.ID, en.DN)
			n++
		} else if p, err := uuid.Parse(en.First(anchor)); err == nil {
			byAnchor = append(byAnchor, anchored{p, en})
		}
		return nil
	})
	if connectors.KindOf(err) == connectors.NotFound {
		// No base, no accounts to link: the reconciler's plan says the
		// base is missing, in words, rather than this search's error.
		return 0, nil
	}
	if err != nil {
		return n, err
	}
	for _, a := range byAnchor {
		if _, taken := links.Link(a.person); !taken {
			links.Set(a.person, a.e.ID, a.e.DN)
			n++
		}
	}
	return n, nil
}
