package inmem

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
)

// SnapshotFormat is the value of the "format" field of the documents that
// [Directory.Snapshot] writes and [Restore] reads. A later version of the
// format gets a new number; Restore refuses every format but this one.
//
// The document is one JSON object (written with an entry or a change a
// line; the comments here are not part of it):
//
//	{
//		"format":   "orgsync-inmem/1",
//		"baseDN":   "DC=example,DC=test",  // the naming context
//		"instance": "0123456789ab",        // in every change token
//		"seq":      42,                    // the last sequence number used
//		"entries": [                       // parents before children
//			{
//				"id":          "…",  // objectGUID, canonical UUID form
//				"dn":          "CN=…,DC=example,DC=test",
//				"created":     7,    // sequence number: the stable order
//				"account":     true, // objectClass user at creation
//				"disabled":    true, // accounts only
//				"passwordSet": true, // accounts only
//				"group":       true, // may have members
//				"attributes":  [{"name": "sAMAccountName", "values": ["…"]}],
//				"references":  [{"name": "manager", "ids": ["…"]}],
//				"members":     ["…"]
//			}
//		],
//		"changes": [                       // the change feed, oldest first
//			{"seq": 8, "id": "…", "dn": "…", "deleted": true}
//		]
//	}
//
// The naming context is an entry like any other. Attributes hold the
// stored values of attributes that are not DN-valued; DN-valued
// attributes (manager, managedBy, seeAlso) are references, by id, so that
// they follow their objects; a group's members are ids too, and memberOf
// and directReports are derived from them. The change feed is kept whole:
// each record is one write, with the DN the object had then, which the
// feed reports for deleted objects.
const SnapshotFormat = "orgsync-inmem/1"

// snapshotPrefix starts the format of every version of the snapshot.
const snapshotPrefix = "orgsync-inmem/"

// snapDoc is the snapshot document; see SnapshotFormat.
type snapDoc struct {
	Format   string       `json:"format"`
	BaseDN   string       `json:"baseDN"`
	Instance string       `json:"instance"`
	Seq      uint64       `json:"seq"`
	Entries  []snapEntry  `json:"entries"`
	Changes  []snapChange `json:"changes"`
}

type snapEntry struct {
	ID         connectors.ID   `json:"id"`
	DN         string          `json:"dn"`
	Created    uint64          `json:"created"`
	Account    bool            `json:"account,omitempty"`
	Disabled   bool            `json:"disabled,omitempty"`
	Password   bool            `json:"passwordSet,omitempty"`
	Group      bool            `json:"group,omitempty"`
	Attributes []snapAttr      `json:"attributes,omitempty"`
	References []snapRef       `json:"references,omitempty"`
	Members    []connectors.ID `json:"members,omitempty"`
}

type snapAttr struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

type snapRef struct {
	Name string          `json:"name"`
	IDs  []connectors.ID `json:"ids"`
}

type snapChange struct {
	Seq     uint64        `json:"seq"`
	ID      connectors.ID `json:"id"`
	DN      string        `json:"dn"`
	Deleted bool          `json:"deleted,omitempty"`
}

// Snapshot writes the directory's whole state to w as one JSON document
// (see [SnapshotFormat]): every entry with its objectGUID, DN, attributes,
// account flags, references and group members, and the change feed with
// its instance and sequence, so that [Restore] can rebuild a directory on
// which every token this one handed out resumes where it left off.
//
// It holds the read lock only while it copies the state, not while it
// writes, so the directory stays usable. It fails with an Invalid error if
// the directory is closed, and with the writer's error (of kind Other) if
// writing fails.
func (d *Directory) Snapshot(w io.Writer) error {
	doc, err := d.snapshot()
	if err != nil {
		return err
	}
	if err := doc.write(w); err != nil {
		return &connectors.Error{Kind: connectors.Other, Op: "snapshot", Err: err}
	}
	return nil
}

// write writes the document as indented JSON with each entry and each
// change on a line of its own, which keeps a big snapshot small and easy
// to search and compare.
func (doc *snapDoc) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "{\n\t\"format\": %s,\n\t\"baseDN\": %s,\n\t\"instance\": %s,\n\t\"seq\": %d,\n",
		compactJSON(doc.Format), compactJSON(doc.BaseDN), compactJSON(doc.Instance), doc.Seq)
	bw.WriteString("\t\"entries\": ")
	writeList(bw, doc.Entries)
	bw.WriteString(",\n\t\"changes\": ")
	writeList(bw, doc.Changes)
	bw.WriteString("\n}\n")
	return bw.Flush() // the first error of any write
}

func writeList[T any](bw *bufio.Writer, items []T) {
	if len(items) == 0 {
		bw.WriteString("[]")
		return
	}
	bw.WriteString("[")
	for i, it := range items {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n\t\t")
		bw.Write(compactJSON(it))
	}
	bw.WriteString("\n\t]")
}

// compactJSON encodes a value of the document's types (which cannot fail)
// on one line, leaving <, > and & as they are.
func compactJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // strings, numbers and booleans always encode
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// snapshot copies the state into a document, under the read lock.
func (d *Directory) snapshot() (*snapDoc, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(context.Background(), "snapshot", ""); err != nil {
		return nil, err
	}
	doc := &snapDoc{
		Format:   SnapshotFormat,
		BaseDN:   d.baseDN,
		Instance: d.instance,
		Seq:      d.seq,
		Entries:  make([]snapEntry, 0, len(d.byID)),
		Changes:  make([]snapChange, len(d.log)),
	}
	// Parents before children, siblings in creation order.
	stack := []*object{d.root}
	for len(stack) > 0 {
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		doc.Entries = append(doc.Entries, d.snapEntry(o))
		cs := o.sortedChildren()
		slices.Reverse(cs)
		stack = append(stack, cs...)
	}
	for i, r := range d.log {
		doc.Changes[i] = snapChange{Seq: r.seq, ID: r.id, DN: r.dn, Deleted: r.deleted}
	}
	return doc, nil
}

func (d *Directory) snapEntry(o *object) snapEntry {
	e := snapEntry{
		ID:       o.id,
		DN:       d.dnOf(o),
		Created:  o.created,
		Account:  o.account,
		Disabled: o.account && o.disabled, // the flag means nothing on others
		Password: o.password,
		Group:    o.group,
	}
	for _, k := range sortedKeys(o.attrs) {
		if k == "" {
			// The RDN's attribute when its type is not in the schema:
			// Restore sets it again from the DN, as Create does.
			continue
		}
		a := o.attrs[k]
		e.Attributes = append(e.Attributes, snapAttr{Name: a.Name, Values: slices.Clone(a.Values)})
	}
	for _, k := range sortedKeys(o.refs) {
		def, _ := d.schema.lookup(k)
		ref := snapRef{Name: def.name, IDs: make([]connectors.ID, len(o.refs[k]))}
		for i, t := range o.refs[k] {
			ref.IDs[i] = t.id
		}
		e.References = append(e.References, ref)
	}
	for id := range o.members {
		e.Members = append(e.Members, id)
	}
	slices.Sort(e.Members)
	return e
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Restore returns a directory with the state that [Directory.Snapshot]
// wrote to r: the same objectGUIDs, DNs, attributes, account flags, group
// memberships, references, order and change feed, so that a token from the
// snapshotted directory (taken before the snapshot) resumes on the
// restored one with exactly the changes made after it, there and here.
//
// opts configure the restored directory as they would configure New: its
// BaseDN must name the snapshot's naming context, and ExtraAttributes must
// include every extra attribute the snapshot's entries hold; the snapshot
// does not carry options.
//
// The restored directory keeps the snapshot's instance, so that old tokens
// stay valid on it; two directories restored from one snapshot therefore
// accept each other's tokens, and only one of them should go on.
//
// Restore checks the whole document and builds nothing from one it refuses.
// A document that is not JSON, is truncated, is not a snapshot, has another
// format version, or is not consistent (two entries with one id or DN, an
// entry whose parent is missing, a reference, member or change of an
// unknown object, values the schema refuses, two accounts with one
// sAMAccountName or userPrincipalName, a change feed out of order) is
// refused with an Invalid error; a snapshot of another naming context, or
// one holding an attribute that opts do not add to the schema, with a
// Configuration error; a failure to read r is returned with kind Other.
func Restore(opts Options, r io.Reader) (*Directory, error) {
	d, err := New(opts)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, restoreErr("the snapshot is truncated: %v", err)
		}
		return nil, &connectors.Error{Kind: connectors.Other, Op: "restore", Err: err}
	}
	doc, err := decodeSnapshot(data)
	if err != nil {
		return nil, err
	}
	if err := d.load(doc); err != nil {
		return nil, err
	}
	return d, nil
}

const restoreOp = "restore"

func restoreErr(format string, args ...any) error {
	return connectors.Errorf(connectors.Invalid, restoreOp, format, args...)
}

// decodeSnapshot parses a document and checks that it is a snapshot in
// this version's format, with no fields the format does not have.
func decodeSnapshot(data []byte) (*snapDoc, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, restoreErr("the snapshot is empty")
	}
	var head struct {
		Format *string `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, restoreErr("the snapshot is not valid JSON (damaged or truncated): %v", err)
		}
		return nil, restoreErr("the document is not a snapshot of the in-memory directory: %v", err)
	}
	switch {
	case head.Format == nil:
		return nil, restoreErr("the document is not a snapshot of the in-memory directory: it has no format")
	case !strings.HasPrefix(*head.Format, snapshotPrefix):
		return nil, restoreErr("the document is not a snapshot of the in-memory directory: its format is %q", clip(*head.Format))
	case *head.Format != SnapshotFormat:
		return nil, restoreErr("the snapshot's format %q is not supported; this version reads %q", clip(*head.Format), SnapshotFormat)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	doc := new(snapDoc)
	if err := dec.Decode(doc); err != nil {
		return nil, restoreErr("the snapshot is malformed: %v", err)
	}
	return doc, nil
}

// load replaces the state of d, a directory fresh from New, with the
// document's, after checking it.
func (d *Directory) load(doc *snapDoc) error {
	base, err := connectors.ParseDN(doc.BaseDN)
	if err != nil {
		return restoreErr("the snapshot's base DN: %v", err)
	}
	if len(base) != len(d.baseRDNs) || d.split(base) != 0 {
		return connectors.Errorf(connectors.Configuration, restoreOp,
			"the snapshot is of the naming context %q, not this directory's %q", clip(doc.BaseDN), d.baseDN)
	}
	if !validInstance(doc.Instance) {
		return restoreErr("the snapshot's instance %q is not 1 to 64 lower-case hexadecimal digits", clip(doc.Instance))
	}
	d.instance, d.seq = doc.Instance, doc.Seq
	d.root, d.log = nil, nil
	d.byID = make(map[connectors.ID]*object, len(doc.Entries))
	d.sam, d.upn = map[string]*object{}, map[string]*object{}

	// The objects, each under its DN's key, and then linked to parents.
	objs := make([]*object, len(doc.Entries))
	byKey := make(map[string]*object, len(doc.Entries))
	parentKey := make([]string, len(doc.Entries))
	created := make(map[uint64]bool, len(doc.Entries))
	for i, e := range doc.Entries {
		if !canonicalID(e.ID) {
			return restoreErr("entry %q: %q is not an object id (a UUID in canonical form)", clip(e.DN), clip(string(e.ID)))
		}
		if d.byID[e.ID] != nil {
			return restoreErr("two entries have the id %s", e.ID)
		}
		rdns, err := connectors.ParseDN(e.DN)
		if err != nil {
			return restoreErr("entry %s: %v", e.ID, err)
		}
		split := d.split(rdns)
		if split < 0 {
			return restoreErr("entry %s: %q is not in the naming context %q", e.ID, clip(e.DN), d.baseDN)
		}
		key := dnKey(rdns[:split])
		if byKey[key] != nil {
			return restoreErr("two entries have the DN %q", clip(e.DN))
		}
		if e.Created == 0 || e.Created > doc.Seq {
			return restoreErr("entry %q: its creation number %d is not between 1 and the snapshot's sequence %d", clip(e.DN), e.Created, doc.Seq)
		}
		if created[e.Created] {
			return restoreErr("entry %q: another entry has the creation number %d", clip(e.DN), e.Created)
		}
		created[e.Created] = true
		if !e.Account && (e.Disabled || e.Password) {
			return restoreErr("entry %q: only accounts are disabled or have passwords", clip(e.DN))
		}
		if !e.Group && len(e.Members) > 0 {
			return restoreErr("entry %q: it has members but is not a group", clip(e.DN))
		}
		o := &object{
			id:        e.ID,
			created:   e.Created,
			children:  map[string]*object{},
			attrs:     map[string]*connectors.Attribute{},
			account:   e.Account,
			disabled:  e.Disabled,
			password:  e.Password,
			group:     e.Group,
			members:   map[connectors.ID]*object{},
			memberOf:  map[connectors.ID]*object{},
			refs:      map[string][]*object{},
			referrers: map[connectors.ID]*object{},
		}
		if split == 0 {
			d.root = o
		} else {
			o.rdn = rdns[0]
			parentKey[i] = dnKey(rdns[1:split])
		}
		objs[i], byKey[key], d.byID[e.ID] = o, o, o
	}
	if d.root == nil {
		return restoreErr("the snapshot has no entry for the naming context %q", d.baseDN)
	}
	for i, o := range objs {
		if o == d.root {
			continue
		}
		p := byKey[parentKey[i]]
		if p == nil {
			return restoreErr("entry %q: its parent is not in the snapshot", clip(doc.Entries[i].DN))
		}
		o.parent = p
		p.children[rdnKey(o.rdn)] = o
	}

	// Attributes, references and members, now that every object exists.
	for i, e := range doc.Entries {
		o := objs[i]
		dn := d.dnOf(o)
		if err := d.loadAttributes(o, dn, e.Attributes); err != nil {
			return err
		}
		if err := d.loadReferences(o, dn, e.References); err != nil {
			return err
		}
		for _, id := range e.Members {
			m := d.byID[id]
			if m == nil {
				return restoreErr("group %q: its member %q is not in the snapshot", clip(dn), clip(string(id)))
			}
			if o.members[id] != nil {
				return restoreErr("group %q: the member %s is listed twice", clip(dn), id)
			}
			o.members[id], m.memberOf[o.id] = m, o
		}
	}
	// The uniqueness indexes, in creation order (any order would do).
	sorted := slices.Clone(objs)
	slices.SortFunc(sorted, func(a, b *object) int { return cmp.Compare(a.created, b.created) })
	for _, o := range sorted {
		var names []connectors.Attribute
		for _, n := range []string{"sAMAccountName", "userPrincipalName"} {
			if v := o.first(n); v != "" {
				names = append(names, connectors.Attribute{Name: n, Values: []string{v}})
			}
		}
		if err := d.checkUnique(restoreOp, d.dnOf(o), o, names); err != nil {
			return restoreErr("%v", errors.Unwrap(err))
		}
		d.index(o)
	}
	return d.loadChanges(doc)
}

// loadAttributes sets an object's stored attributes, checked as Create and
// Modify check them. The RDN's attribute is exempt from the checks of
// values: Create and Move set it from the DN.
func (d *Directory) loadAttributes(o *object, dn string, attrs []snapAttr) error {
	for _, a := range attrs {
		def, ok := d.schema.lookup(a.Name)
		if !ok {
			return connectors.Errorf(connectors.Configuration, restoreOp,
				"entry %q: attribute %q is not in the schema (add it to Options.ExtraAttributes)", clip(dn), clip(a.Name))
		}
		key := lower(def.name)
		if o.attrs[key] != nil {
			return restoreErr("entry %q: attribute %s is listed twice", clip(dn), def.name)
		}
		if len(a.Values) == 0 {
			return restoreErr("entry %q: attribute %s has no values", clip(dn), def.name)
		}
		for _, v := range a.Values {
			if v == "" {
				return restoreErr("entry %q: attribute %s has an empty value", clip(dn), def.name)
			}
		}
		isRDN := o.parent != nil && lower(o.rdn.Type) == key
		switch {
		case def.single && len(a.Values) > 1:
			return restoreErr("entry %q: attribute %s is single-valued", clip(dn), def.name)
		case isRDN:
		case def.syntax == syntaxDN:
			return restoreErr("entry %q: attribute %s names objects and belongs in references", clip(dn), def.name)
		default:
			if _, err := d.checkValues(restoreOp, dn, def, a.Values); err != nil {
				return restoreErr("entry %q: %v", clip(dn), errors.Unwrap(err))
			}
		}
		o.setAttr(def, a.Values)
	}
	if o.parent != nil {
		if _, ok := d.schema.lookup(o.rdn.Type); !ok {
			o.setAttr(attrDef{}, []string{o.rdn.Value}) // as Create does
		}
	}
	if o.attr("objectClass") == nil {
		return restoreErr("entry %q has no objectClass", clip(dn))
	}
	return nil
}

// loadReferences sets an object's DN-valued attributes.
func (d *Directory) loadReferences(o *object, dn string, refs []snapRef) error {
	for _, r := range refs {
		def, ok := d.schema.lookup(r.Name)
		if !ok {
			return connectors.Errorf(connectors.Configuration, restoreOp,
				"entry %q: attribute %q is not in the schema (add it to Options.ExtraAttributes)", clip(dn), clip(r.Name))
		}
		key := lower(def.name)
		switch {
		case def.syntax != syntaxDN:
			return restoreErr("entry %q: attribute %s does not name objects and belongs in attributes", clip(dn), def.name)
		case o.refs[key] != nil:
			return restoreErr("entry %q: attribute %s is listed twice", clip(dn), def.name)
		case len(r.IDs) == 0:
			return restoreErr("entry %q: attribute %s has no values", clip(dn), def.name)
		case def.single && len(r.IDs) > 1:
			return restoreErr("entry %q: attribute %s is single-valued", clip(dn), def.name)
		}
		ts := make([]*object, len(r.IDs))
		for i, id := range r.IDs {
			if ts[i] = d.byID[id]; ts[i] == nil {
				return restoreErr("entry %q: attribute %s names %q, which is not in the snapshot", clip(dn), def.name, clip(string(id)))
			}
		}
		o.refs[key] = ts
		for _, t := range ts {
			t.referrers[o.id] = o
		}
	}
	return nil
}

// loadChanges sets the change feed: records in order, none after the
// snapshot's sequence, each of an entry there or of one deleted, and a
// record of every entry there.
func (d *Directory) loadChanges(doc *snapDoc) error {
	d.log = make([]record, len(doc.Changes))
	deleted := map[connectors.ID]bool{} // by the last record of each id
	var last uint64
	for i, c := range doc.Changes {
		if c.Seq <= last || c.Seq > doc.Seq {
			return restoreErr("change %d: its sequence number %d does not follow %d or is after the snapshot's %d", i, c.Seq, last, doc.Seq)
		}
		last = c.Seq
		if !canonicalID(c.ID) {
			return restoreErr("change %d: %q is not an object id (a UUID in canonical form)", c.Seq, clip(string(c.ID)))
		}
		rdns, err := connectors.ParseDN(c.DN)
		if err != nil {
			return restoreErr("change %d: %v", c.Seq, err)
		}
		if d.split(rdns) < 0 {
			return restoreErr("change %d: %q is not in the naming context %q", c.Seq, clip(c.DN), d.baseDN)
		}
		if deleted[c.ID] {
			return restoreErr("change %d: %s changes after its deletion", c.Seq, c.ID)
		}
		live := d.byID[c.ID] != nil
		if live && c.Deleted {
			return restoreErr("change %d: entry %s is deleted but is in the snapshot", c.Seq, c.ID)
		}
		deleted[c.ID] = c.Deleted
		d.log[i] = record{seq: c.Seq, id: c.ID, dn: c.DN, deleted: c.Deleted}
	}
	for id, del := range deleted {
		if !del && d.byID[id] == nil {
			return restoreErr("the change feed names %s, which is neither in the snapshot nor deleted", id)
		}
	}
	for _, e := range doc.Entries {
		if _, ok := deleted[e.ID]; !ok {
			return restoreErr("entry %q has no change in the change feed", clip(e.DN))
		}
	}
	return nil
}

// split returns how many RDNs of a DN lie below the naming context, or -1
// for a DN outside it.
func (d *Directory) split(rdns []connectors.RDN) int {
	split := len(rdns) - len(d.baseRDNs)
	if split < 0 {
		return -1
	}
	for i, r := range rdns[split:] {
		if rdnKey(r) != rdnKey(d.baseRDNs[i]) {
			return -1
		}
	}
	return split
}

// dnKey is a DN's case-folded form, which tells whether two DNs name one
// entry.
func dnKey(rdns []connectors.RDN) string {
	folded := make([]connectors.RDN, len(rdns))
	for i, r := range rdns {
		folded[i] = connectors.RDN{Type: fold(r.Type), Value: fold(r.Value)}
	}
	return connectors.FormatDN(folded)
}

func canonicalID(id connectors.ID) bool {
	u, err := uuid.Parse(string(id))
	return err == nil && u.String() == string(id)
}

func validInstance(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
