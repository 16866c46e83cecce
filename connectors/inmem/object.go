package inmem

import (
	"sort"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// object is one entry of the directory.
type object struct {
	id       connectors.ID
	rdn      connectors.RDN
	parent   *object
	children map[string]*object // by rdnKey
	created  uint64             // sequence number, for a stable order
	attrs    map[string]*connectors.Attribute
	account  bool // objectClass user: has the account flags below
	disabled bool
	password bool // a password has been set
	group    bool
	members  map[connectors.ID]*object // the group's members
	memberOf map[connectors.ID]*object // the groups this object is in
	// refs are the values of DN-syntax attributes (manager, …), as the
	// objects they name, so that they follow those objects through moves
	// and vanish with them, as in AD; referrers are the objects whose refs
	// name this one.
	refs      map[string][]*object
	referrers map[connectors.ID]*object
}

// rdnKey is an RDN's case-folded form, which keys the children maps.
func rdnKey(r connectors.RDN) string { return fold(r.Type) + "=" + fold(r.Value) }

func fold(s string) string { return connectors.FoldCase(s) }

// dn writes the object's DN, from its RDN up to the root's.
func (o *object) dn() string {
	var rdns []connectors.RDN
	for p := o; p.parent != nil; p = p.parent {
		rdns = append(rdns, p.rdn)
	}
	return connectors.FormatDN(rdns)
}

// dnIn is dn with the naming context appended.
func (d *Directory) dnOf(o *object) string {
	own := o.dn()
	base := d.baseDN
	if own == "" {
		return base
	}
	return own + "," + base
}

func (o *object) attr(name string) *connectors.Attribute { return o.attrs[strings.ToLower(name)] }

func (o *object) first(name string) string {
	if a := o.attr(name); a != nil && len(a.Values) > 0 {
		return a.Values[0]
	}
	return ""
}

// setAttr sets an attribute's values, removing it for none.
func (o *object) setAttr(def attrDef, values []string) {
	key := strings.ToLower(def.name)
	if len(values) == 0 {
		delete(o.attrs, key)
		return
	}
	o.attrs[key] = &connectors.Attribute{Name: def.name, Values: append([]string(nil), values...)}
}

// isUnder reports whether o is anc or below it.
func (o *object) isUnder(anc *object) bool {
	for p := o; p != nil; p = p.parent {
		if p == anc {
			return true
		}
	}
	return false
}

// sortedChildren returns the children in creation order, so that searches
// list entries in a stable order.
func (o *object) sortedChildren() []*object {
	cs := make([]*object, 0, len(o.children))
	for _, c := range o.children {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].created < cs[j].created })
	return cs
}

// computedNames are the attributes AD maintains itself, in the order the
// twin lists them.
var computedNames = []string{"distinguishedName", "name", "userAccountControl", "member", "memberOf", "directReports", "objectCategory"}

// computed returns the value of one attribute AD maintains itself (name in
// lower case), and false if the object has no such value.
func (d *Directory) computed(o *object, name string) (connectors.Attribute, bool) {
	var values []string
	switch name {
	case "distinguishedname":
		values = []string{d.dnOf(o)}
	case "name":
		if o.parent != nil {
			values = []string{o.rdn.Value}
		}
	case "useraccountcontrol":
		if o.account {
			uac := uacNormalAccount
			if o.disabled {
				uac |= uacAccountDisable
			}
			values = []string{strconv.Itoa(uac)}
		}
	case "member":
		values = d.dns(o.members)
	case "memberof":
		values = d.dns(o.memberOf)
	case "directreports":
		reports := map[connectors.ID]*object{}
		for _, r := range o.referrers {
			for _, m := range r.refs["manager"] {
				if m == o {
					reports[r.id] = r
				}
			}
		}
		values = d.dns(reports)
	case "objectcategory":
		if cat := d.category(o); cat != "" {
			values = []string{cat}
		}
	}
	if len(values) == 0 {
		return connectors.Attribute{}, false
	}
	def, _ := d.schema.lookup(name)
	return connectors.Attribute{Name: def.name, Values: values}, true
}

// The account flags the twin models (AD's userAccountControl bits).
const (
	uacAccountDisable = 0x2
	uacNormalAccount  = 0x200
)

func (d *Directory) dns(set map[connectors.ID]*object) []string {
	out := make([]string, 0, len(set))
	for _, o := range set {
		out = append(out, d.dnOf(o))
	}
	sort.Strings(out)
	return out
}

// category returns the object's objectCategory DN, from its most specific
// structural class.
func (d *Directory) category(o *object) string {
	cls := o.attr("objectClass")
	if cls == nil {
		return ""
	}
	for i := len(cls.Values) - 1; i >= 0; i-- {
		if cn, ok := categories[strings.ToLower(cls.Values[i])]; ok {
			return "CN=" + cn + ",CN=Schema,CN=Configuration," + d.baseDN
		}
	}
	return ""
}

// entry projects the object onto the requested attributes (all for none).
func (d *Directory) entry(o *object, want []string) *connectors.Entry {
	e := &connectors.Entry{ID: o.id, DN: d.dnOf(o), Disabled: o.account && o.disabled}
	all := len(want) == 0
	wanted := map[string]bool{}
	for _, w := range want {
		if w == "*" {
			all = true
		}
		wanted[strings.ToLower(w)] = true
	}
	add := func(a connectors.Attribute) {
		if all || wanted[strings.ToLower(a.Name)] {
			e.Attributes = append(e.Attributes, connectors.Attribute{Name: a.Name, Values: append([]string(nil), a.Values...)})
		}
	}
	keys := make([]string, 0, len(o.attrs)+len(o.refs))
	for k := range o.attrs {
		keys = append(keys, k)
	}
	for k := range o.refs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		def, _ := d.schema.lookup(k)
		add(connectors.Attribute{Name: def.name, Values: d.stored(o, def)})
	}
	for _, name := range computedNames {
		key := strings.ToLower(name)
		if !all && !wanted[key] {
			continue // not asked for: a big group's member list is costly
		}
		if a, ok := d.computed(o, key); ok {
			add(a)
		}
	}
	return e
}

// values returns every value of an attribute for filter matching, stored
// or computed.
func (d *Directory) values(o *object, name string) []string {
	if def, ok := d.schema.lookup(name); ok {
		if v := d.stored(o, def); len(v) > 0 {
			return v
		}
	}
	a, _ := d.computed(o, strings.ToLower(name))
	return a.Values
}

func lower(s string) string { return strings.ToLower(s) }
