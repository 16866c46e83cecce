package orgmodel

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Model is the org model: every object with its validity history, as
// registered so far, indexed for the queries of the org graph. A Model is
// safe for concurrent use: change sets apply one at a time, and readers
// see a consistent registration while they run.
//
// Versions are never overwritten: each registration adds new versions of
// the objects it changed, so the model can be read as it was known at any
// earlier registration ([Model.AsOf]).
type Model struct {
	opts  Options
	store Store

	mu      sync.RWMutex
	records map[uuid.UUID]*record
	regs    []Registration // regs[i].Seq == i+1
	idx     index

	// Events and the scheduler.
	lastEvent uint64
	scheduled timeline.Date // last day the scheduler has fired
	wake      chan struct{} // closed when events are appended
}

// record is an object's versions, oldest first.
type record struct {
	id       uuid.UUID
	versions []version
	// in lists, by kind, the objects that point at this one in some
	// version: the index the graph queries follow. It is allocated for
	// objects that are pointed at (persons, units, engagements) only.
	in *[kindCount][]*record
}

// referrers returns the records of kind k that point at r in some
// version; nil-safe.
func (r *record) referrers(k Kind) []*record {
	if r == nil || r.in == nil {
		return nil
	}
	return r.in[k]
}

type version struct {
	reg uint64
	obj *Object // nil: deleted
}

// at returns the object as registration reg knew it, or nil.
func (r *record) at(reg uint64) *Object {
	for i := len(r.versions) - 1; i >= 0; i-- {
		if r.versions[i].reg <= reg {
			return r.versions[i].obj
		}
	}
	return nil
}

func (r *record) latest() *Object { return r.versions[len(r.versions)-1].obj }

// New returns an empty model on a new in-memory store, or on opts.Store
// if that is set and empty. Use Open to load a store that has content.
func New(opts Options) *Model {
	if opts.Store == nil {
		opts.Store = NewMemStore()
	}
	return &Model{
		opts:    opts,
		store:   opts.Store,
		records: make(map[uuid.UUID]*record),
		idx:     newIndex(),
		wake:    make(chan struct{}),
	}
}

// Open returns the model held in opts.Store (a new in-memory store if nil),
// rebuilt by replaying its commits.
func Open(ctx context.Context, opts Options) (*Model, error) {
	m := New(opts)
	replay := func(c Commit) error {
		if c.Registration != nil {
			if c.Registration.Seq != uint64(len(m.regs))+1 {
				return fmt.Errorf("orgmodel: store is corrupt: registration %d follows %d", c.Registration.Seq, len(m.regs))
			}
			m.install(*c.Registration, c.Versions)
		}
		if n := len(c.Events); n > 0 {
			m.lastEvent = c.Events[n-1].Seq
		}
		if c.Scheduled != 0 {
			m.scheduled = c.Scheduled
		}
		return nil
	}
	if sl, ok := m.store.(StateLoader); ok {
		last, sched, err := sl.LoadState(ctx, replay)
		if err != nil {
			return nil, err
		}
		m.lastEvent, m.scheduled = max(m.lastEvent, last), max(m.scheduled, sched)
		return m, nil
	}
	if err := m.store.Load(ctx, replay); err != nil {
		return nil, err
	}
	return m, nil
}

// Zone returns the organisation's time zone.
func (m *Model) Zone() timeline.Zone { return m.opts.Zone }

// Close closes the store.
func (m *Model) Close() error { return m.store.Close() }

// install adds a registration's versions to memory and the indexes. The
// caller holds the write lock (or is Open, before anyone else can see m).
func (m *Model) install(reg Registration, vs []Version) {
	m.regs = append(m.regs, reg)
	// Records first, then the index: a version may point at an object
	// created later in the same registration.
	fresh := make([]bool, len(vs))
	for i, v := range vs {
		if m.records[v.Object.ID] == nil {
			m.records[v.Object.ID] = &record{id: v.Object.ID}
			fresh[i] = true
		}
	}
	for i, v := range vs {
		id := v.Object.ID
		var obj *Object
		if !v.Deleted {
			o := v.Object
			obj = &o
		}
		r := m.records[id]
		r.versions = append(r.versions, version{reg: reg.Seq, obj: obj})
		if obj != nil {
			m.idx.add(m.records, obj, r, fresh[i])
		}
	}
}

// Registrations returns the registrations from seq on (1 for all), oldest
// first.
func (m *Model) Registrations(from uint64) []Registration {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if from < 1 {
		from = 1
	}
	if from > uint64(len(m.regs)) {
		return nil
	}
	return append([]Registration(nil), m.regs[from-1:]...)
}

// History returns every version of the object, oldest first, with the
// registration that wrote it; nil if the id was never used.
func (m *Model) History(id uuid.UUID) []Version {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r := m.records[id]
	if r == nil {
		return nil
	}
	out := make([]Version, len(r.versions))
	for i, v := range r.versions {
		out[i] = Version{Registration: m.regs[v.reg-1], Deleted: v.obj == nil}
		if v.obj != nil {
			out[i].Object = *v.obj
		} else {
			out[i].Object = Object{ID: id}
		}
	}
	return out
}

// Latest returns a view of the model as registered now.
func (m *Model) Latest() View {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return View{m: m, reg: uint64(len(m.regs))}
}

// AsOf returns a view of the model as it was known right after
// registration seq (0: before anything was registered).
func (m *Model) AsOf(seq uint64) View {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return View{m: m, reg: min(seq, uint64(len(m.regs)))}
}

// AsOfTime returns a view of the model as it was known at instant t: with
// every registration whose time is not after t.
func (m *Model) AsOfTime(t time.Time) View {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := sort.Search(len(m.regs), func(i int) bool { return m.regs[i].Time.After(t) })
	return View{m: m, reg: uint64(n)}
}
