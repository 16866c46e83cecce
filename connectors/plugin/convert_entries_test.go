package plugin

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// sampleEntries have what entries can have: no attributes, an attribute
// without values, values with NUL and bytes that are not UTF-8, names in
// any case, one name in several entries.
var sampleEntries = []connectors.Entry{
	{ID: "a", DN: "CN=Åse,DC=x"},
	{ID: "b", DN: "CN=b,DC=x", Disabled: true, Attributes: []connectors.Attribute{
		{Name: "objectGUID", Values: []string{"\x00\xff\xfe binary"}},
		{Name: "member"},
		{Name: "sn", Values: []string{"Ærø", "李", ""}},
	}},
	{ID: "c", DN: "CN=c,DC=x", Attributes: []connectors.Attribute{{Name: "SN", Values: []string{"x"}}, {Name: "sn", Values: []string{"y"}}}},
}

func encode(t testing.TB, es []connectors.Entry) *pb.Entries {
	b := newEntryBatch()
	for i := range es {
		b.add(&es[i])
	}
	// Through the wire format, as the host receives it.
	raw, err := proto.Marshal(b.msg)
	require.NoError(t, err)
	var m pb.Entries
	require.NoError(t, proto.Unmarshal(raw, &m))
	return &m
}

func TestEntriesRoundTrip(t *testing.T) {
	got, err := decodeEntries("search", encode(t, sampleEntries))
	require.NoError(t, err)
	assert.Equal(t, sampleEntries, got)

	// An entry's slices are its own: appending to one does not reach
	// the next.
	got[1].Attributes[2].Values = append(got[1].Attributes[2].Values, "more")
	got[1].Attributes = append(got[1].Attributes, connectors.Attribute{Name: "extra"})
	assert.Equal(t, sampleEntries[2], got[2])
}

func TestMalformedEntries(t *testing.T) {
	for name, edit := range map[string]func(*pb.Entries){
		"an id missing":               func(m *pb.Entries) { m.Id.Len = m.Id.Len[1:]; m.Id.Data = m.Id.Data[1:] },
		"a flag missing":              func(m *pb.Entries) { m.Disabled = m.Disabled[1:] },
		"an attribute count too high": func(m *pb.Entries) { m.Attributes[0] = 9 },
		"a value count too high":      func(m *pb.Entries) { m.Values[0] = 9 },
		"a name index out of range":   func(m *pb.Entries) { m.Name[0] = 99 },
		"an empty name":               func(m *pb.Entries) { m.Names[0] = "" },
		"a name that is not UTF-8":    func(m *pb.Entries) { m.Names[0] = "\xff" },
		"value lengths past the data": func(m *pb.Entries) { m.Value.Len[0] = 1 << 30 },
		"data past the lengths":       func(m *pb.Entries) { m.Value.Data = append(m.Value.Data, 'x') },
		"an empty id":                 func(m *pb.Entries) { m.Id.Data = m.Id.Data[1:]; m.Id.Len[0] = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			m := encode(t, sampleEntries)
			edit(m)
			_, err := decodeEntries("search", m)
			assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
		})
	}
}

// Whatever bytes a plugin sends as a batch of entries, the host decodes
// them into entries with ids, DNs and named attributes, or refuses them.
func FuzzEntries(f *testing.F) {
	b := newEntryBatch()
	for i := range sampleEntries {
		b.add(&sampleEntries[i])
	}
	raw, err := proto.Marshal(b.msg)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var m pb.Entries
		if proto.Unmarshal(raw, &m) != nil {
			return
		}
		es, err := decodeEntries("fuzz", &m)
		if err != nil {
			return
		}
		for _, e := range es {
			if e.ID == "" || e.DN == "" {
				t.Fatalf("an entry without an id or DN: %+v", e)
			}
			for _, a := range e.Attributes {
				if a.Name == "" {
					t.Fatalf("an attribute without a name in %+v", e)
				}
			}
		}
	})
}
