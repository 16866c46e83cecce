package plugin

import (
	"fmt"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func toInterval(iv timeline.Interval) *pb.Interval {
	return &pb.Interval{From: int32(iv.From), To: int32(iv.To)}
}

// fromInterval checks an interval from the other side: it must hold a day.
func fromInterval(iv *pb.Interval) (timeline.Interval, error) {
	if iv == nil {
		return timeline.Interval{}, fmt.Errorf("a record without its days")
	}
	out := timeline.Between(timeline.Date(iv.GetFrom()), timeline.Date(iv.GetTo()))
	return out, out.Validate()
}

// payrollBatch is a chunk being filled for the stream, with its size.
type payrollBatch struct {
	chunk *pb.PayrollChunk
	n     int // records
	bytes int
}

func (b *payrollBatch) full() bool { return b.n >= chunkRecords || b.bytes >= batchBytes }

// chunkRecords is how many records a chunk of a snapshot holds at most.
const chunkRecords = 2000

// sendPayroll streams the records of a snapshot or page in chunks, the
// last with token, more and last set.
func sendPayroll(send func(*pb.PayrollChunk) error, units []connectors.PayrollUnit, persons []connectors.PayrollPerson,
	engs []connectors.PayrollEngagement, leaves []connectors.PayrollLeave, deleted []connectors.PayrollRef, token connectors.Token, more bool) error {
	b := &payrollBatch{chunk: &pb.PayrollChunk{}}
	flush := func() error {
		err := send(b.chunk)
		b.chunk, b.n, b.bytes = &pb.PayrollChunk{}, 0, 0
		return err
	}
	add := func(size int) error {
		b.n++
		b.bytes += size + 16
		if b.full() {
			return flush()
		}
		return nil
	}
	for _, u := range units {
		b.chunk.Units = append(b.chunk.Units, &pb.PayrollUnit{Key: u.Key, Parent: u.Parent, Name: u.Name, Level: u.Level, Type: u.Type, Valid: toInterval(u.Valid)})
		if err := add(len(u.Key) + len(u.Parent) + len(u.Name) + len(u.Level) + len(u.Type)); err != nil {
			return err
		}
	}
	for _, p := range persons {
		b.chunk.Persons = append(b.chunk.Persons, &pb.PayrollPerson{Key: p.Key, NationalId: string(p.NationalID), GivenNames: p.GivenNames, Surname: p.Surname, Valid: toInterval(p.Valid)})
		if err := add(len(p.Key) + len(p.NationalID) + len(p.GivenNames) + len(p.Surname)); err != nil {
			return err
		}
	}
	for _, e := range engs {
		b.chunk.Engagements = append(b.chunk.Engagements, &pb.PayrollEngagement{Key: e.Key, Person: e.Person, Unit: e.Unit, JobFunction: e.JobFunction, Type: e.Type, Fraction: e.Fraction, Valid: toInterval(e.Valid)})
		if err := add(len(e.Key) + len(e.Person) + len(e.Unit) + len(e.JobFunction) + len(e.Type) + 8); err != nil {
			return err
		}
	}
	for _, l := range leaves {
		b.chunk.Leaves = append(b.chunk.Leaves, &pb.PayrollLeave{Key: l.Key, Engagement: l.Engagement, Type: l.Type, Valid: toInterval(l.Valid)})
		if err := add(len(l.Key) + len(l.Engagement) + len(l.Type)); err != nil {
			return err
		}
	}
	for _, d := range deleted {
		b.chunk.Deleted = append(b.chunk.Deleted, &pb.PayrollRef{Kind: uint32(d.Kind), Key: d.Key})
		if err := add(len(d.Key)); err != nil {
			return err
		}
	}
	b.chunk.Token, b.chunk.More, b.chunk.Last = string(token), more, true
	return send(b.chunk)
}

// payrollCollector puts a streamed snapshot or page back together.
type payrollCollector struct {
	op      string
	units   []connectors.PayrollUnit
	persons []connectors.PayrollPerson
	engs    []connectors.PayrollEngagement
	leaves  []connectors.PayrollLeave
	deleted []connectors.PayrollRef
	token   connectors.Token
	more    bool
	last    bool
}

// add takes one chunk; it refuses a chunk after the last and records
// whose days are not an interval.
func (c *payrollCollector) add(ch *pb.PayrollChunk) error {
	if c.last {
		return malformed(c.op, "a chunk after the last")
	}
	bad := func(kind, key string, err error) error {
		return malformed(c.op, "%s %q: %v", kind, clip(key, 64), err)
	}
	for _, u := range ch.GetUnits() {
		iv, err := fromInterval(u.GetValid())
		if err != nil {
			return bad("unit", u.GetKey(), err)
		}
		c.units = append(c.units, connectors.PayrollUnit{Key: u.GetKey(), Parent: u.GetParent(), Name: u.GetName(), Level: u.GetLevel(), Type: u.GetType(), Valid: iv})
	}
	for _, p := range ch.GetPersons() {
		iv, err := fromInterval(p.GetValid())
		if err != nil {
			return bad("person", p.GetKey(), err)
		}
		c.persons = append(c.persons, connectors.PayrollPerson{Key: p.GetKey(), NationalID: connectors.NationalID(p.GetNationalId()), GivenNames: p.GetGivenNames(), Surname: p.GetSurname(), Valid: iv})
	}
	for _, e := range ch.GetEngagements() {
		iv, err := fromInterval(e.GetValid())
		if err != nil {
			return bad("engagement", e.GetKey(), err)
		}
		c.engs = append(c.engs, connectors.PayrollEngagement{Key: e.GetKey(), Person: e.GetPerson(), Unit: e.GetUnit(), JobFunction: e.GetJobFunction(), Type: e.GetType(), Fraction: e.GetFraction(), Valid: iv})
	}
	for _, l := range ch.GetLeaves() {
		iv, err := fromInterval(l.GetValid())
		if err != nil {
			return bad("leave", l.GetKey(), err)
		}
		c.leaves = append(c.leaves, connectors.PayrollLeave{Key: l.GetKey(), Engagement: l.GetEngagement(), Type: l.GetType(), Valid: iv})
	}
	for _, d := range ch.GetDeleted() {
		k := connectors.PayrollKind(d.GetKind())
		if d.GetKind() > 255 || !k.Valid() {
			return malformed(c.op, "a deletion of an unknown kind of record (%d)", d.GetKind())
		}
		c.deleted = append(c.deleted, connectors.PayrollRef{Kind: k, Key: d.GetKey()})
	}
	if ch.GetLast() {
		c.last, c.token, c.more = true, connectors.Token(ch.GetToken()), ch.GetMore()
	}
	return nil
}

// done checks that the stream ended properly.
func (c *payrollCollector) done() error {
	if !c.last {
		return malformed(c.op, "the stream ended without its last chunk")
	}
	if c.more && c.token == "" {
		return malformed(c.op, "a page that says more changes wait, without a token to fetch them")
	}
	return nil
}
