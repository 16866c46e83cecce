package plugin

import (
	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Payroll records cross the boundary in chunks, by column (see
// plugin.proto). sendPayroll cuts a snapshot or page into chunks;
// payrollCollector puts them together again and checks them. Manager
// roles (minor 3) travel in fields of their own, their deletions too, so
// that a host or plugin of an older minor ignores them: to it a source
// has no managers. Within a chunk, the deletions of managers come after
// the other deletions.

// chunkRecords is how many records a chunk holds at most.
const chunkRecords = 4000

// sendPayroll streams the records of a snapshot or page in chunks of at
// most chunkRecords records or about batchBytes bytes; the first chunk
// carries the counts, the last the token, more and last.
func sendPayroll(send func(*pb.PayrollChunk) error, units []connectors.PayrollUnit, persons []connectors.PayrollPerson,
	engs []connectors.PayrollEngagement, leaves []connectors.PayrollLeave, managers []connectors.PayrollManager, deleted []connectors.PayrollRef,
	token connectors.Token, more bool, skipped []connectors.SkippedRecord) error {
	ch := &pb.PayrollChunk{Counts: []uint32{
		uint32(len(units)), uint32(len(persons)), uint32(len(engs)), uint32(len(leaves)), uint32(len(deleted)), uint32(len(managers)),
	}}
	n, size := 0, 0
	// add counts a record into the chunk, and sends the chunk when full.
	add := func(bytes int) error {
		n, size = n+1, size+bytes+16
		if n < chunkRecords && size < batchBytes {
			return nil
		}
		err := send(ch)
		ch, n, size = &pb.PayrollChunk{}, 0, 0
		return err
	}
	for _, u := range units {
		if ch.Units == nil {
			ch.Units = &pb.PayrollUnits{Key: &pb.Strings{}, Parent: &pb.Strings{}, Name: &pb.Strings{}, Level: &pb.Strings{}, Type: &pb.Strings{}}
		}
		c := ch.Units
		put(c.Key, u.Key)
		put(c.Parent, u.Parent)
		put(c.Name, u.Name)
		put(c.Level, u.Level)
		put(c.Type, u.Type)
		c.ValidFrom, c.ValidTo = append(c.ValidFrom, int32(u.Valid.From)), append(c.ValidTo, int32(u.Valid.To))
		if err := add(len(u.Key) + len(u.Parent) + len(u.Name) + len(u.Level) + len(u.Type)); err != nil {
			return err
		}
	}
	for _, p := range persons {
		if ch.Persons == nil {
			ch.Persons = &pb.PayrollPersons{Key: &pb.Strings{}, NationalId: &pb.Strings{}, GivenNames: &pb.Strings{}, Surname: &pb.Strings{}}
		}
		c := ch.Persons
		put(c.Key, p.Key)
		put(c.NationalId, string(p.NationalID))
		put(c.GivenNames, p.GivenNames)
		put(c.Surname, p.Surname)
		c.ValidFrom, c.ValidTo = append(c.ValidFrom, int32(p.Valid.From)), append(c.ValidTo, int32(p.Valid.To))
		if err := add(len(p.Key) + len(p.NationalID) + len(p.GivenNames) + len(p.Surname)); err != nil {
			return err
		}
	}
	for _, e := range engs {
		if ch.Engagements == nil {
			ch.Engagements = &pb.PayrollEngagements{Key: &pb.Strings{}, Person: &pb.Strings{}, Unit: &pb.Strings{}, JobFunction: &pb.Strings{}, Type: &pb.Strings{}}
		}
		c := ch.Engagements
		put(c.Key, e.Key)
		put(c.Person, e.Person)
		put(c.Unit, e.Unit)
		put(c.JobFunction, e.JobFunction)
		put(c.Type, e.Type)
		c.Fraction = append(c.Fraction, e.Fraction)
		c.ValidFrom, c.ValidTo = append(c.ValidFrom, int32(e.Valid.From)), append(c.ValidTo, int32(e.Valid.To))
		if err := add(len(e.Key) + len(e.Person) + len(e.Unit) + len(e.JobFunction) + len(e.Type) + 8); err != nil {
			return err
		}
	}
	for _, l := range leaves {
		if ch.Leaves == nil {
			ch.Leaves = &pb.PayrollLeaves{Key: &pb.Strings{}, Engagement: &pb.Strings{}, Type: &pb.Strings{}}
		}
		c := ch.Leaves
		put(c.Key, l.Key)
		put(c.Engagement, l.Engagement)
		put(c.Type, l.Type)
		c.ValidFrom, c.ValidTo = append(c.ValidFrom, int32(l.Valid.From)), append(c.ValidTo, int32(l.Valid.To))
		if err := add(len(l.Key) + len(l.Engagement) + len(l.Type)); err != nil {
			return err
		}
	}
	for _, m := range managers {
		if ch.Managers == nil {
			ch.Managers = &pb.PayrollManagers{Key: &pb.Strings{}, Unit: &pb.Strings{}, Person: &pb.Strings{}, Engagement: &pb.Strings{}, Type: &pb.Strings{}, Level: &pb.Strings{}}
		}
		c := ch.Managers
		put(c.Key, m.Key)
		put(c.Unit, m.Unit)
		put(c.Person, m.Person)
		put(c.Engagement, m.Engagement)
		put(c.Type, m.Type)
		put(c.Level, m.Level)
		c.ValidFrom, c.ValidTo = append(c.ValidFrom, int32(m.Valid.From)), append(c.ValidTo, int32(m.Valid.To))
		if err := add(len(m.Key) + len(m.Unit) + len(m.Person) + len(m.Engagement) + len(m.Type) + len(m.Level)); err != nil {
			return err
		}
	}
	for _, d := range deleted {
		if d.Kind == connectors.PayrollManagerKind {
			ch.DeletedManagers = append(ch.DeletedManagers, d.Key)
		} else {
			ch.Deleted = append(ch.Deleted, &pb.PayrollRef{Kind: uint32(d.Kind), Key: d.Key})
		}
		if err := add(len(d.Key)); err != nil {
			return err
		}
	}
	ch.Token, ch.More, ch.Last = string(token), more, true
	ch.Skipped = toSkipped(skipped)
	return send(ch)
}

// toSkipped and fromSkipped carry skipped records across, capped.
func toSkipped(skipped []connectors.SkippedRecord) []*pb.Skipped {
	var out []*pb.Skipped
	for _, s := range connectors.CapSkipped(skipped) {
		out = append(out, &pb.Skipped{Where: s.Where, Kind: s.Kind, Key: s.Key, Field: s.Field, Problem: s.Problem})
	}
	return out
}

func fromSkipped(skipped []*pb.Skipped) []connectors.SkippedRecord {
	var out []connectors.SkippedRecord
	for _, s := range skipped {
		out = append(out, connectors.SkippedRecord{Where: s.GetWhere(), Kind: s.GetKind(), Key: s.GetKey(), Field: s.GetField(), Problem: s.GetProblem()})
	}
	return connectors.CapSkipped(out)
}

// payrollCollector puts a streamed snapshot or page back together.
type payrollCollector struct {
	op       string
	units    []connectors.PayrollUnit
	persons  []connectors.PayrollPerson
	engs     []connectors.PayrollEngagement
	leaves   []connectors.PayrollLeave
	managers []connectors.PayrollManager
	deleted  []connectors.PayrollRef
	skipped  []connectors.SkippedRecord
	token    connectors.Token
	more     bool
	last     bool
	chunks   int
}

// add takes one chunk; it refuses a chunk after the last, columns of
// different lengths and records whose days are not an interval.
func (c *payrollCollector) add(ch *pb.PayrollChunk) error {
	if c.last {
		return malformed(c.op, "a chunk after the last")
	}
	if n := ch.GetCounts(); len(n) >= 5 && c.chunks == 0 {
		// Allocate once, for the records the sender announced: a hint
		// only, bounded so that a hostile count cannot make the host
		// reserve more than some tens of megabytes up front.
		const most = 250_000
		c.units = make([]connectors.PayrollUnit, 0, min(n[0], most))
		c.persons = make([]connectors.PayrollPerson, 0, min(n[1], most))
		c.engs = make([]connectors.PayrollEngagement, 0, min(n[2], most))
		c.leaves = make([]connectors.PayrollLeave, 0, min(n[3], most))
		c.deleted = make([]connectors.PayrollRef, 0, min(n[4], most))
		if len(n) >= 6 && n[5] > 0 { // since minor 3; a source without managers gives nil
			c.managers = make([]connectors.PayrollManager, 0, min(n[5], most))
		}
	}
	c.chunks++
	if err := c.addUnits(ch.GetUnits()); err != nil {
		return err
	}
	if err := c.addPersons(ch.GetPersons()); err != nil {
		return err
	}
	if err := c.addEngagements(ch.GetEngagements()); err != nil {
		return err
	}
	if err := c.addLeaves(ch.GetLeaves()); err != nil {
		return err
	}
	if err := c.addManagers(ch.GetManagers()); err != nil {
		return err
	}
	for _, d := range ch.GetDeleted() {
		k := connectors.PayrollKind(d.GetKind())
		if d.GetKind() > 255 || !k.Valid() {
			return malformed(c.op, "a deletion of an unknown kind of record (%d)", d.GetKind())
		}
		c.deleted = append(c.deleted, connectors.PayrollRef{Kind: k, Key: d.GetKey()})
	}
	for _, key := range ch.GetDeletedManagers() {
		c.deleted = append(c.deleted, connectors.PayrollRef{Kind: connectors.PayrollManagerKind, Key: key})
	}
	if ch.GetLast() {
		c.last, c.token, c.more = true, connectors.Token(ch.GetToken()), ch.GetMore()
		c.skipped = fromSkipped(ch.GetSkipped())
	}
	return nil
}

// strings returns a column's strings, or the error that says it is
// malformed.
func (c *payrollCollector) strings(kind string, col *pb.Strings) ([]string, error) {
	ss, err := column(col)
	if err != nil {
		return nil, malformed(c.op, "a %s column of a chunk: %v", kind, err)
	}
	return ss, nil
}

// columns reads a chunk's string columns of one kind and checks that they
// and the other columns' lengths are one length, and returns it.
func (c *payrollCollector) columns(kind string, cols []*pb.Strings, into []*[]string, lens ...int) (int, error) {
	n := -1
	for i, col := range cols {
		ss, err := c.strings(kind, col)
		if err != nil {
			return 0, err
		}
		*into[i] = ss
		if n < 0 {
			n = len(ss)
		}
		lens = append(lens, len(ss))
	}
	for _, l := range lens {
		if l != n {
			return 0, malformed(c.op, "the %s columns of a chunk differ in length", kind)
		}
	}
	return max(n, 0), nil
}

// days checks a record's days.
func (c *payrollCollector) days(kind, key string, from, to int32) (timeline.Interval, error) {
	iv, err := fromInterval(from, to)
	if err != nil {
		return iv, malformed(c.op, "%s %q: %v", kind, clip(key, 64), err)
	}
	return iv, nil
}

// fromInterval checks a record's days from the other side: they must be
// an interval that holds a day.
func fromInterval(from, to int32) (timeline.Interval, error) {
	iv := timeline.Between(timeline.Date(from), timeline.Date(to))
	return iv, iv.Validate()
}

func (c *payrollCollector) addUnits(u *pb.PayrollUnits) error {
	if u == nil {
		return nil
	}
	var key, parent, name, level, typ []string
	n, err := c.columns("unit", []*pb.Strings{u.Key, u.Parent, u.Name, u.Level, u.Type},
		[]*[]string{&key, &parent, &name, &level, &typ}, len(u.ValidFrom), len(u.ValidTo))
	if err != nil {
		return err
	}
	for i := range n {
		iv, err := c.days("unit", key[i], u.ValidFrom[i], u.ValidTo[i])
		if err != nil {
			return err
		}
		c.units = append(c.units, connectors.PayrollUnit{Key: key[i], Parent: parent[i], Name: name[i], Level: level[i], Type: typ[i], Valid: iv})
	}
	return nil
}

func (c *payrollCollector) addPersons(p *pb.PayrollPersons) error {
	if p == nil {
		return nil
	}
	var key, nid, given, sur []string
	n, err := c.columns("person", []*pb.Strings{p.Key, p.NationalId, p.GivenNames, p.Surname},
		[]*[]string{&key, &nid, &given, &sur}, len(p.ValidFrom), len(p.ValidTo))
	if err != nil {
		return err
	}
	for i := range n {
		iv, err := c.days("person", key[i], p.ValidFrom[i], p.ValidTo[i])
		if err != nil {
			return err
		}
		c.persons = append(c.persons, connectors.PayrollPerson{Key: key[i], NationalID: connectors.NationalID(nid[i]), GivenNames: given[i], Surname: sur[i], Valid: iv})
	}
	return nil
}

func (c *payrollCollector) addEngagements(e *pb.PayrollEngagements) error {
	if e == nil {
		return nil
	}
	var key, person, unit, job, typ []string
	n, err := c.columns("engagement", []*pb.Strings{e.Key, e.Person, e.Unit, e.JobFunction, e.Type},
		[]*[]string{&key, &person, &unit, &job, &typ}, len(e.Fraction), len(e.ValidFrom), len(e.ValidTo))
	if err != nil {
		return err
	}
	for i := range n {
		iv, err := c.days("engagement", key[i], e.ValidFrom[i], e.ValidTo[i])
		if err != nil {
			return err
		}
		c.engs = append(c.engs, connectors.PayrollEngagement{Key: key[i], Person: person[i], Unit: unit[i], JobFunction: job[i], Type: typ[i], Fraction: e.Fraction[i], Valid: iv})
	}
	return nil
}

func (c *payrollCollector) addLeaves(l *pb.PayrollLeaves) error {
	if l == nil {
		return nil
	}
	var key, eng, typ []string
	n, err := c.columns("leave", []*pb.Strings{l.Key, l.Engagement, l.Type},
		[]*[]string{&key, &eng, &typ}, len(l.ValidFrom), len(l.ValidTo))
	if err != nil {
		return err
	}
	for i := range n {
		iv, err := c.days("leave", key[i], l.ValidFrom[i], l.ValidTo[i])
		if err != nil {
			return err
		}
		c.leaves = append(c.leaves, connectors.PayrollLeave{Key: key[i], Engagement: eng[i], Type: typ[i], Valid: iv})
	}
	return nil
}

func (c *payrollCollector) addManagers(m *pb.PayrollManagers) error {
	if m == nil {
		return nil
	}
	var key, unit, person, eng, typ, level []string
	n, err := c.columns("manager", []*pb.Strings{m.Key, m.Unit, m.Person, m.Engagement, m.Type, m.Level},
		[]*[]string{&key, &unit, &person, &eng, &typ, &level}, len(m.ValidFrom), len(m.ValidTo))
	if err != nil {
		return err
	}
	for i := range n {
		iv, err := c.days("manager", key[i], m.ValidFrom[i], m.ValidTo[i])
		if err != nil {
			return err
		}
		c.managers = append(c.managers, connectors.PayrollManager{Key: key[i], Unit: unit[i], Person: person[i], Engagement: eng[i],
			Type: typ[i], Level: level[i], Valid: iv})
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
