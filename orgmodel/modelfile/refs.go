package modelfile

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// kindKey is an object's kind and user key: what a "key:" reference
// names, given the kind its field implies.
type kindKey struct {
	kind orgmodel.Kind
	key  string
}

// resolve turns a complete snapshot's objects into orgmodel objects:
// it derives the ids not given, refuses duplicate ids and keys, and
// resolves the "key:" references. The scanner's path is the snapshot's.
func (d *document) resolve(source string, objs []pendingObject) (orgmodel.Snapshot, error) {
	base := d.path()
	objPath := func(j int, field string) string { return fmt.Sprintf("%s.objects[%d].%s", base, j, field) }
	byKey := make(map[kindKey]int, len(objs))
	byID := make(map[uuid.UUID]int, len(objs))
	for j := range objs {
		o := &objs[j]
		// Keys are unique per kind so that a "key:" reference means one
		// object; a source's keys are, since its ids derive from them.
		kk := kindKey{o.kind, o.key}
		if prev, dup := byKey[kk]; dup {
			return orgmodel.Snapshot{}, d.errorAt(objPath(j, "key"), o.keyAt, fmt.Errorf("is also the key of objects[%d], of the same kind", prev))
		}
		byKey[kk] = j
		field, at := "id", o.idAt
		if o.idAt < 0 {
			o.id = orgmodel.SourceID(source, o.kind, o.key)
			field, at = "key", o.keyAt
		}
		if prev, dup := byID[o.id]; dup {
			return orgmodel.Snapshot{}, d.errorAt(objPath(j, field), at, fmt.Errorf("gives the id %s, which objects[%d] has too", o.id, prev))
		}
		byID[o.id] = j
	}

	out := orgmodel.Snapshot{Source: source, Objects: make([]orgmodel.Object, 0, len(objs))}
	for j, o := range objs {
		spans := make([]timeline.Span[orgmodel.Attrs], 0, len(o.spans))
		for k := range o.spans {
			sp := &o.spans[k]
			look := func(field string, elem int, text string) (uuid.UUID, error) {
				key, byKeyRef := strings.CutPrefix(text, keyPrefix)
				if !byKeyRef {
					// Checked when read; "" (absent) gives uuid.Nil.
					id, _ := uuid.Parse(text)
					return id, nil
				}
				want := refKinds[field]
				if i, ok := byKey[kindKey{want, key}]; ok {
					return objs[i].id, nil
				}
				f := fieldAt{name: field, elem: elem}
				for _, r := range sp.keyRefs {
					if r.name == field && r.elem == elem {
						f.at = r.at
					}
				}
				return uuid.Nil, d.errorAt(spanPath(base, j, k, f), f.at, fmt.Errorf("names no %s of this snapshot: none has the key %s", kindNames[want], quote(key)))
			}
			a, err := toAttrs(o.kind, sp, look)
			if err != nil {
				return orgmodel.Snapshot{}, err
			}
			spans = append(spans, timeline.Span[orgmodel.Attrs]{Interval: sp.iv, Value: a})
		}
		tl, err := timeline.New(spans...)
		if err != nil { // checkHistory has ruled this out; keep the error anyway
			return orgmodel.Snapshot{}, d.errorAt(objPath(j, "history"), 0, err)
		}
		out.Objects = append(out.Objects, orgmodel.Object{ID: o.id, Kind: o.kind, UserKey: o.key, Source: source, Timeline: tl})
	}
	return out, nil
}
