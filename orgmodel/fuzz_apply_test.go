package orgmodel

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// opReader turns fuzz bytes into choices; it yields zeros when the bytes
// run out, so every input is a valid program.
type opReader struct{ b []byte }

func (r *opReader) next() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *opReader) more() bool { return len(r.b) > 0 }

// pool is the fixed set of ids the fuzzer's operations name, so that
// references often hit existing objects.
var pool = func() []uuid.UUID {
	ids := make([]uuid.UUID, 12)
	for i := range ids {
		ids[i] = uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(i)})
	}
	return ids
}()

var fuzzDay0 = timeline.MustDate(2024, 1, 1)

func (r *opReader) id() uuid.UUID {
	c := r.next()
	if c == 255 {
		return uuid.Nil
	}
	return pool[int(c)%len(pool)]
}

func (r *opReader) interval() timeline.Interval {
	from := fuzzDay0 + timeline.Date(r.next()%10)
	n := r.next() % 8
	switch n {
	case 0:
		return timeline.Since(from)
	case 7:
		return timeline.Between(from, from-1) // out of order
	}
	return timeline.Between(from, from+timeline.Date(n))
}

var fuzzCPRs = []CPR{
	MustParseCPR("0101901111", CPROptions{}),
	MustParseCPR("0202902222", CPROptions{}),
	MustParseCPR("6101903333", CPROptions{AllowFictive: true}),
}

func (r *opReader) attrs() Attrs {
	switch r.next() % 9 {
	case 0:
		a := PersonAttrs{Surname: "Ø"}
		if c := r.next() % 4; c < 3 {
			a.NationalID = fuzzCPRs[c]
		}
		return a
	case 1:
		name := "Enhed"
		if r.next()%8 == 0 {
			name = "bad\x00name"
		}
		return UnitAttrs{Name: name, Parent: r.id()}
	case 2:
		return EngagementAttrs{Person: r.id(), Unit: r.id(), Fraction: float64(r.next()%5) / 3}
	case 3:
		return ManagerAttrs{Unit: r.id(), Person: r.id(), Engagement: r.id()}
	case 4:
		return AssociationAttrs{Person: r.id(), Unit: r.id()}
	case 5:
		return RelatedUnitsAttrs{Units: [2]uuid.UUID{r.id(), r.id()}}
	case 6:
		return AccountAttrs{System: "AD", Username: "u", Person: r.id(), Unit: r.id()}
	case 7:
		return LeaveAttrs{Person: r.id(), Engagement: r.id(), Type: "Barsel"}
	}
	return AddressAttrs{Type: "EMAIL", Value: "a@b", Unit: r.id(), Engagement: r.id()}
}

func (r *opReader) patch() Patch {
	switch r.next() % 5 {
	case 0:
		return UnitPatch{Parent: new(r.id())}
	case 3:
		return LeavePatch{Type: new("Tjenestefri")}
	case 1:
		return EngagementPatch{Unit: new(r.id())}
	case 2:
		return ManagerPatch{Person: new(r.id())}
	}
	return PersonPatch{NationalID: &fuzzCPRs[r.next()%3]}
}

// snapshot describes the latest model for comparison before and after a
// rejected change set.
func snapshot(m *Model) map[uuid.UUID]string {
	out := map[uuid.UUID]string{}
	for id, r := range m.records {
		if o := r.latest(); o != nil {
			out[id] = o.Timeline.String()
		} else {
			out[id] = "deleted"
		}
	}
	return out
}

// FuzzApply runs random change sets against a model. It must never panic;
// a rejected change set must leave the model exactly as it was; after every
// accepted one the invariants must hold.
func FuzzApply(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 255, 1})
	f.Add([]byte{0, 1, 1, 0, 0, 1, 1, 2, 1, 0, 0, 1, 0, 1, 2, 0, 1, 3, 0})
	f.Add([]byte{1, 0, 3, 0, 1, 2, 0, 3, 1, 3, 0, 0, 0, 1, 5, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := New(Options{})
		r := &opReader{b: data}
		when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for n := 0; r.more() && n < 50; n++ {
			var cs ChangeSet
			for k := int(r.next()%4) + 1; k > 0; k-- {
				switch r.next() % 6 {
				case 0, 1:
					cs.AddAs(r.id(), "k", "", r.interval(), r.attrs())
				case 2:
					cs.Update(r.id(), r.interval(), r.patch())
				case 3:
					cs.Set(r.id(), r.interval(), r.attrs())
				case 4:
					cs.Clear(r.id(), r.interval())
				case 5:
					cs.Delete(r.id())
				}
			}
			before := snapshot(m)
			seq := len(m.regs)
			when = when.Add(time.Minute)
			_, err := m.Apply(context.Background(), &cs, Registration{Time: when, Actor: "fuzz"})
			if err != nil {
				var cse *ChangeSetError
				if !errors.As(err, &cse) {
					t.Fatalf("not a ChangeSetError: %v", err)
				}
				if len(m.regs) != seq {
					t.Fatalf("a rejected change set registered")
				}
				after := snapshot(m)
				if len(after) != len(before) {
					t.Fatalf("a rejected change set changed the model")
				}
				for id, s := range before {
					if after[id] != s {
						t.Fatalf("a rejected change set changed %s", id)
					}
				}
				continue
			}
			if err := m.checkInvariants(); err != nil {
				t.Fatalf("after %s:\n%v", cs.String(), err)
			}
		}
	})
}
