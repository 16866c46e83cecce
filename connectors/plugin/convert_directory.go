package plugin

import (
	"unicode/utf8"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// The conversions between package connectors' types and the wire types.
// The to* functions run on the sending side, the from* functions on the
// receiving side; the latter check what the contract promises, because the
// other side is another program.

func toValues(vs []string) [][]byte {
	if len(vs) == 0 {
		return nil
	}
	out := make([][]byte, len(vs))
	for i, v := range vs {
		out[i] = []byte(v)
	}
	return out
}

func fromValues(vs [][]byte) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func toAttributes(as []connectors.Attribute) []*pb.Attribute {
	out := make([]*pb.Attribute, len(as))
	for i, a := range as {
		out[i] = &pb.Attribute{Name: a.Name, Values: toValues(a.Values)}
	}
	return out
}

func fromAttributes(as []*pb.Attribute) []connectors.Attribute {
	if len(as) == 0 {
		return nil
	}
	out := make([]connectors.Attribute, len(as))
	for i, a := range as {
		out[i] = connectors.Attribute{Name: a.GetName(), Values: fromValues(a.GetValues())}
	}
	return out
}

func toEntry(e *connectors.Entry) *pb.Entry {
	return &pb.Entry{Id: string(e.ID), Dn: e.DN, Disabled: e.Disabled, Attributes: toAttributes(e.Attributes)}
}

// fromEntry checks and converts an entry from a plugin: every entry has an
// id and a DN, and names each attribute once.
func fromEntry(op string, e *pb.Entry) (*connectors.Entry, error) {
	if e.GetId() == "" || e.GetDn() == "" {
		return nil, malformed(op, "an entry without an id or a DN (id %q, DN %q)", e.GetId(), e.GetDn())
	}
	for _, a := range e.GetAttributes() {
		if a.GetName() == "" || !utf8.ValidString(a.GetName()) {
			return nil, malformed(op, "entry %s has an attribute without a valid name", e.GetId())
		}
	}
	return &connectors.Entry{ID: connectors.ID(e.GetId()), DN: e.GetDn(), Disabled: e.GetDisabled(), Attributes: fromAttributes(e.GetAttributes())}, nil
}

func toFilter(f connectors.Filter) *pb.Filter {
	out := &pb.Filter{
		Op:      uint32(f.Op),
		Attr:    f.Attr,
		Value:   []byte(f.Value),
		Initial: []byte(f.Initial),
		Any:     toValues(f.Any),
		Final:   []byte(f.Final),
	}
	for _, s := range f.Sub {
		out.Sub = append(out.Sub, toFilter(s))
	}
	return out
}

// maxFilterDepth bounds the nesting of a filter from the host, so that a
// hostile message cannot exhaust the plugin's stack.
const maxFilterDepth = 64

func fromFilter(f *pb.Filter, depth int) (connectors.Filter, bool) {
	if f == nil {
		return connectors.Filter{}, true
	}
	if depth > maxFilterDepth || f.GetOp() > 255 {
		return connectors.Filter{}, false
	}
	out := connectors.Filter{
		Op:      connectors.FilterOp(f.GetOp()),
		Attr:    f.GetAttr(),
		Value:   string(f.GetValue()),
		Initial: string(f.GetInitial()),
		Any:     fromValues(f.GetAny()),
		Final:   string(f.GetFinal()),
	}
	for _, s := range f.GetSub() {
		sub, ok := fromFilter(s, depth+1)
		if !ok {
			return connectors.Filter{}, false
		}
		out.Sub = append(out.Sub, sub)
	}
	return out, true
}

func toMods(ms []connectors.Modification) []*pb.Modification {
	out := make([]*pb.Modification, len(ms))
	for i, m := range ms {
		out[i] = &pb.Modification{Op: uint32(m.Op), Name: m.Name, Values: toValues(m.Values)}
	}
	return out
}

func fromMods(ms []*pb.Modification) ([]connectors.Modification, bool) {
	out := make([]connectors.Modification, len(ms))
	for i, m := range ms {
		if m.GetOp() > uint32(connectors.ModDelete) {
			return nil, false
		}
		out[i] = connectors.Modification{Op: connectors.ModOp(m.GetOp()), Name: m.GetName(), Values: fromValues(m.GetValues())}
	}
	return out, true
}

func toChangePage(p *connectors.ChangePage) *pb.ChangePage {
	out := &pb.ChangePage{Token: string(p.Token), More: p.More, Changes: make([]*pb.Change, len(p.Changes))}
	for i, c := range p.Changes {
		out.Changes[i] = &pb.Change{Id: string(c.ID), Dn: c.DN, Deleted: c.Deleted}
	}
	return out
}

func fromChangePage(op string, p *pb.ChangePage) (*connectors.ChangePage, error) {
	out := &connectors.ChangePage{Token: connectors.Token(p.GetToken()), More: p.GetMore()}
	if len(p.GetChanges()) > 0 {
		out.Changes = make([]connectors.Change, len(p.GetChanges()))
	}
	for i, c := range p.GetChanges() {
		if c.GetId() == "" {
			return nil, malformed(op, "a change without an object id")
		}
		out.Changes[i] = connectors.Change{ID: connectors.ID(c.GetId()), DN: c.GetDn(), Deleted: c.GetDeleted()}
	}
	if out.More && out.Token == "" {
		return nil, malformed(op, "a page that says more changes wait, without a token to fetch them")
	}
	return out, nil
}
