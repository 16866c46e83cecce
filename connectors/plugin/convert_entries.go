package plugin

import (
	"errors"
	"unicode/utf8"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// entryBatch fills one Entries message, by column (see plugin.proto).
type entryBatch struct {
	msg   *pb.Entries
	names map[string]uint32 // attribute name → its index in msg.Names
	n     int
	size  int
}

func newEntryBatch() *entryBatch {
	return &entryBatch{
		msg:   &pb.Entries{Id: &pb.Strings{}, Dn: &pb.Strings{}, Value: &pb.Strings{}},
		names: map[string]uint32{},
	}
}

// add appends an entry to the batch.
func (b *entryBatch) add(e *connectors.Entry) {
	m := b.msg
	put(m.Id, string(e.ID))
	put(m.Dn, e.DN)
	m.Disabled = append(m.Disabled, e.Disabled)
	m.Attributes = append(m.Attributes, uint32(len(e.Attributes)))
	b.size += len(e.ID) + len(e.DN) + 8
	for _, a := range e.Attributes {
		idx, ok := b.names[a.Name]
		if !ok {
			idx = uint32(len(m.Names))
			b.names[a.Name] = idx
			m.Names = append(m.Names, a.Name)
		}
		m.Name = append(m.Name, idx)
		m.Values = append(m.Values, uint32(len(a.Values)))
		for _, v := range a.Values {
			put(m.Value, v)
			b.size += len(v) + 2
		}
		b.size += 4
	}
	b.n++
}

// put appends s to a column of strings.
func put(c *pb.Strings, s string) {
	c.Data = append(c.Data, s...)
	c.Len = append(c.Len, uint32(len(s)))
}

// column returns a column's strings. They share one allocation, made once
// for the column: the values of a message are read in one piece.
func column(col *pb.Strings) ([]string, error) {
	data := string(col.GetData())
	out := make([]string, len(col.GetLen()))
	off := 0
	for i, n := range col.GetLen() {
		if uint64(off)+uint64(n) > uint64(len(data)) {
			return nil, errors.New("a column is shorter than its lengths say")
		}
		out[i] = data[off : off+int(n)]
		off += int(n)
	}
	if off != len(data) {
		return nil, errors.New("a column is longer than its lengths say")
	}
	return out, nil
}

// decodeEntries checks a batch of entries from a plugin and returns them:
// every column as long as the others say, every entry with an id and a
// DN, every attribute with a name. The entries share a few allocations.
func decodeEntries(op string, m *pb.Entries) ([]connectors.Entry, error) {
	bad := func(format string, args ...any) error { return malformed(op, "a batch of entries: "+format, args...) }
	ids, err := column(m.GetId())
	if err != nil {
		return nil, bad("ids: %v", err)
	}
	dns, err := column(m.GetDn())
	if err != nil {
		return nil, bad("DNs: %v", err)
	}
	values, err := column(m.GetValue())
	if err != nil {
		return nil, bad("values: %v", err)
	}
	n := len(ids)
	if len(dns) != n || len(m.GetDisabled()) != n || len(m.GetAttributes()) != n {
		return nil, bad("%d ids, %d DNs, %d flags and %d attribute counts", n, len(dns), len(m.GetDisabled()), len(m.GetAttributes()))
	}
	total := uint64(0)
	for _, k := range m.GetAttributes() {
		total += uint64(k)
	}
	if total != uint64(len(m.GetName())) || total != uint64(len(m.GetValues())) {
		return nil, bad("%d attributes counted, %d names and %d value counts", total, len(m.GetName()), len(m.GetValues()))
	}
	nv := uint64(0)
	for _, k := range m.GetValues() {
		nv += uint64(k)
	}
	if nv != uint64(len(values)) {
		return nil, bad("%d values counted, %d sent", nv, len(values))
	}
	for _, name := range m.GetNames() {
		if name == "" || !utf8.ValidString(name) {
			return nil, bad("an attribute without a valid name")
		}
	}
	entries := make([]connectors.Entry, n)
	attrs := make([]connectors.Attribute, total)
	j, v := 0, 0
	for i := range n {
		if ids[i] == "" || dns[i] == "" {
			return nil, malformed(op, "an entry without an id or a DN (id %q, DN %q)", ids[i], dns[i])
		}
		k := int(m.Attributes[i])
		e := &entries[i]
		e.ID, e.DN, e.Disabled = connectors.ID(ids[i]), dns[i], m.Disabled[i]
		if k > 0 {
			e.Attributes = attrs[j : j+k : j+k]
		}
		for a := range k {
			idx := m.Name[j+a]
			if int(idx) >= len(m.Names) {
				return nil, bad("attribute name %d of %d", idx, len(m.Names))
			}
			c := int(m.Values[j+a])
			e.Attributes[a].Name = m.Names[idx]
			if c > 0 {
				e.Attributes[a].Values = values[v : v+c : v+c]
			}
			v += c
		}
		j += k
	}
	return entries, nil
}
