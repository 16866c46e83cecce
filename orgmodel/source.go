package orgmodel

import (
	"context"
	"crypto/sha1"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/internal/redact"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// namespace is the UUID namespace of ids made by SourceID (a version 5
// UUID of "orgsync.source", fixed forever: changing it would give every
// imported object a new id).
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/orgsync/orgsync#source"))

// SourceID returns the stable id of the object a source knows by key, such
// as SD's unit id or an employment number. The same source, kind and key
// give the same id in every process and on every run, so a source's
// snapshots need no id table of their own.
//
// The id is the version 5 (SHA-1) UUID, in a namespace of orgsync's own,
// of the source's name, the kind's number in decimal and the key, joined
// by NUL. It is computed without allocating, as an import makes one per
// object.
func SourceID(source string, k Kind, key string) uuid.UUID {
	var arr [160]byte
	b := append(arr[:0], namespace[:]...)
	b = append(b, source...)
	b = append(b, 0)
	b = strconv.AppendUint(b, uint64(k), 10)
	b = append(b, 0)
	b = append(b, key...)
	sum := sha1.Sum(b)
	var id uuid.UUID
	copy(id[:], sum[:])
	id[6] = id[6]&0x0f | 0x50 // version 5
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}

// Snapshot is everything one source (a payroll system, Omada) has, each
// object with its full history. References between the objects are ids,
// normally made with SourceID; a person is also matched by national id, so
// a person the model already has (from another source, or made by hand) is
// used rather than duplicated.
type Snapshot struct {
	// Source names the source; it becomes the Source of what it creates.
	Source string
	// Objects are the source's objects. Their Source fields are ignored.
	Objects []Object
}

// ImportOptions configure Import.
type ImportOptions struct {
	// Today is the day from which objects the source no longer has are
	// terminated; history before it is kept.
	Today timeline.Date
}

// ImportStats counts what an import found.
type ImportStats struct {
	// Created counts objects new to the model.
	Created int
	// Updated counts owned objects whose history differed.
	Updated int
	// Unchanged counts owned objects that already matched.
	Unchanged int
	// Terminated counts owned objects the snapshot no longer has.
	Terminated int
	// NotOwned counts snapshot objects the model has from another source
	// or by hand, which the import leaves alone (persons matched by
	// national id, mostly).
	NotOwned int
}

// Import returns the change set that makes the objects the snapshot's
// source owns in view match the snapshot over their whole history: it
// creates what is missing, writes what differs, and terminates from
// opts.Today what the source no longer has. It never deletes, and it never
// touches objects of other sources or made by hand. Importing a snapshot
// into a model that already matches it gives an empty change set.
//
// Import only computes; apply the change set with Model.Apply, which also
// validates it (a snapshot with an engagement in a unit that does not
// exist is rejected there, whole).
func Import(view View, snap Snapshot, opts ImportOptions) (*ChangeSet, ImportStats, error) {
	var stats ImportStats
	if p := checkText("source", snap.Source, true); p != nil {
		return nil, stats, fmt.Errorf("orgmodel: import: source name %s", p.detail)
	}
	if !opts.Today.Valid() {
		return nil, stats, fmt.Errorf("orgmodel: import: Today is not a date")
	}

	// Match persons by national id, and collect the id changes.
	remap := make(map[uuid.UUID]uuid.UUID)
	for _, o := range snap.Objects {
		if o.Kind != KindPerson {
			continue
		}
		for sp := range o.Timeline.All() {
			pa, ok := sp.Value.(PersonAttrs)
			if !ok || pa.NationalID.IsZero() {
				continue
			}
			if id, ok := view.PersonByNationalID(pa.NationalID); ok && id != o.ID {
				remap[o.ID] = id
			}
			break
		}
	}

	cs := &ChangeSet{}
	seen := make(map[uuid.UUID]bool, len(snap.Objects))
	for _, o := range snap.Objects {
		if id, ok := remap[o.ID]; ok {
			o.ID = id
		}
		if o.ID == uuid.Nil {
			return nil, stats, fmt.Errorf("orgmodel: import: a %s with user key %q has no id", o.Kind, clipText(o.UserKey))
		}
		if seen[o.ID] {
			return nil, stats, fmt.Errorf("orgmodel: import: the snapshot has %s %s twice", o.Kind, o.ID)
		}
		seen[o.ID] = true
		tl, err := canonical(o.Timeline, remap)
		if err != nil {
			return nil, stats, fmt.Errorf("orgmodel: import: %s %s: %w", o.Kind, o.ID, err)
		}
		o.Timeline, o.Source = tl, snap.Source

		have := view.object(o.ID)
		if have != nil && have.Source == snap.Source && o.Kind == KindEngagement {
			o.Timeline = keepRulings(have.Timeline, o.Timeline)
		}
		switch {
		case have == nil:
			cs.Create(o)
			stats.Created++
		case have.Source != snap.Source:
			stats.NotOwned++
		case have.Kind != o.Kind:
			return nil, stats, fmt.Errorf("orgmodel: import: %s is a %s in the model and a %s in the snapshot", o.ID, have.Kind, o.Kind)
		case have.Timeline.Equal(o.Timeline):
			stats.Unchanged++
		default:
			if cs.Rewrite(o.ID, have.Timeline, o.Timeline) {
				stats.Updated++
			} else {
				stats.Unchanged++
			}
		}
	}

	view.m.mu.RLock()
	for _, id := range view.m.idx.sources[snap.Source] {
		if seen[id] {
			continue
		}
		if have := view.objectLocked(id); have != nil && have.Timeline.Overlaps(timeline.Since(opts.Today)) {
			cs.Terminate(id, opts.Today)
			stats.Terminated++
		}
	}
	view.m.mu.RUnlock()
	return cs, stats, nil
}

// canonical returns tl with references remapped and values normalised. A
// timeline that needs neither (the common case) is returned as it is,
// without copying.
func canonical(tl timeline.Timeline[Attrs], remap map[uuid.UUID]uuid.UUID) (timeline.Timeline[Attrs], error) {
	same := true
	for sp := range tl.All() {
		if sp.Value == nil {
			return tl, fmt.Errorf("a span without attributes")
		}
		if _, changed := remapAttrs(sp.Value, remap); changed || normalise(sp.Value) != sp.Value {
			same = false
		}
	}
	if same {
		return tl, nil
	}
	spans := tl.Spans()
	for i := range spans {
		a, _ := remapAttrs(spans[i].Value, remap)
		spans[i].Value = normalise(a)
	}
	return timeline.New(spans...)
}

// remapAttrs returns a with its person reference replaced if remap has it,
// and whether it was. Only the changed value is boxed anew.
func remapAttrs(a Attrs, remap map[uuid.UUID]uuid.UUID) (Attrs, bool) {
	if len(remap) == 0 {
		return a, false
	}
	switch x := a.(type) {
	case EngagementAttrs:
		if n, ok := remap[x.Person]; ok {
			x.Person = n
			return x, true
		}
	case ManagerAttrs:
		if n, ok := remap[x.Person]; ok {
			x.Person = n
			return x, true
		}
	case AssociationAttrs:
		if n, ok := remap[x.Person]; ok {
			x.Person = n
			return x, true
		}
	case AccountAttrs:
		if n, ok := remap[x.Person]; ok {
			x.Person = n
			return x, true
		}
	case AddressAttrs:
		if n, ok := remap[x.Person]; ok {
			x.Person = n
			return x, true
		}
	case LeaveAttrs:
		if n, ok := remap[x.Person]; ok {
			x.Person = n
			return x, true
		}
	}
	return a, false
}

// ImportAll imports the snapshots into m in order, each with Import and
// applied as its own registration: reg, its note followed by the source's
// name ("synthetic municipality, source sd"). Later snapshots may refer to what earlier ones created
// (an administrative source's links to payroll units), so each is
// imported against the model the ones before it left, and the change
// sets cannot be joined: on an error the snapshots before it stay
// applied. It returns the first error, naming its source.
func ImportAll(ctx context.Context, m *Model, snaps []Snapshot, opts ImportOptions, reg Registration) error {
	for _, snap := range snaps {
		name := redact.NationalIDs(clipText(snap.Source))
		cs, _, err := Import(m.Latest(), snap, opts)
		if err != nil {
			return fmt.Errorf("source %q: %w", name, err)
		}
		r := reg
		r.Note = strings.TrimPrefix(reg.Note+", source "+name, ", ")
		if _, err := m.Apply(ctx, cs, r); err != nil {
			return fmt.Errorf("source %q: %w", name, err)
		}
	}
	return nil
}

// keepRulings returns want with the placements and primary marks that org
// rules or people made in have carried over, wherever the source still says
// what they were made from: a placement while the source's unit is the
// placement's SourceUnit, a rule's primary mark while the source marks
// nothing explicitly. Without it every import would move engagements back
// into the payroll tree and the rules would move them out again, and every
// system downstream would see both moves.
func keepRulings(have, want timeline.Timeline[Attrs]) timeline.Timeline[Attrs] {
	ruled := false
	for sp := range have.All() {
		if e, ok := sp.Value.(EngagementAttrs); ok && (e.Placed() || e.PrimaryBy != "") {
			ruled = true
			break
		}
	}
	if !ruled {
		return want
	}
	var spans []timeline.Span[Attrs]
	changed := false
	for _, seg := range timeline.Split(have, want) {
		if !seg.HasB {
			continue
		}
		w := seg.B
		if h, ok := seg.A.(EngagementAttrs); ok && seg.HasA {
			if x, ok := w.(EngagementAttrs); ok {
				if h.Placed() && !x.Placed() && h.SourceUnit == x.Unit {
					x.Unit, x.SourceUnit, x.PlacedBy = h.Unit, h.SourceUnit, h.PlacedBy
				}
				if h.PrimaryBy != "" && x.PrimaryBy == "" && !x.Primary {
					x.Primary, x.PrimaryBy = h.Primary, h.PrimaryBy
				}
				if Attrs(x) != w {
					w, changed = x, true
				}
			}
		}
		spans = append(spans, timeline.Span[Attrs]{Interval: seg.Interval, Value: w})
	}
	if !changed {
		return want
	}
	return timeline.MustNew(spans...)
}
