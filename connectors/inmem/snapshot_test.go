package inmem_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/stretchr/testify/require"
)

// snapOpts are the options of every twin in these tests; the page is
// small, so that change feeds page.
var snapOpts = inmem.Options{
	BaseDN:          "DC=example,DC=test",
	ExtraAttributes: []string{"extensionAttribute1"},
	ChangePageSize:  5,
}

// hostile is a name with every character that DNs and filters escape.
const hostile = `Spe,c+ial"\<>;=*() #name `

// world holds the ids of the objects that buildWorld makes.
type world struct {
	people, groups, sub, special, cyrillic, branch   connectors.ID
	alice, bob, carol, dave, eve, greek, han, arabic connectors.ID
	staff, admins, hostileGroup                      connectors.ID
	deletedDN                                        string
	pre                                              connectors.Token // taken midway, before the snapshot
}

// buildWorld fills a twin with OUs, accounts in every state, groups,
// references, a move, a deletion and hostile and non-Latin names.
func buildWorld(t testing.TB, d *inmem.Directory) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{}
	base := d.BaseDN()
	ou := func(name, parent string) connectors.ID {
		return mustCreate(t, d, "OU", name, parent, nil, []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}})
	}
	w.people = ou("People", base)
	w.groups = ou("Groups", base)
	w.special = ou(hostile, base)
	w.cyrillic = ou("Отдел продаж", base)
	w.sub = ou("Sub", dnOf(t, d, w.people))
	// A DC= entry: its RDN type is not in the schema.
	w.branch = mustCreate(t, d, "DC", "branch", base, nil, []connectors.Attribute{{Name: "objectClass", Values: []string{"container"}}})

	user := func(cn, sam, parent string, enabled bool, password string, extra ...connectors.Attribute) connectors.ID {
		attrs := append([]connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{sam}},
			{Name: "userPrincipalName", Values: []string{sam + "@example.test"}},
		}, extra...)
		return mustCreate(t, d, "CN", cn, parent, &connectors.CreateRequest{Enabled: enabled, Password: connectors.Secret(password)}, attrs)
	}
	people := dnOf(t, d, w.people)
	w.alice = user("Alice Andersen", "alice", people, true, "Passw0rd!",
		connectors.Attribute{Name: "title", Values: []string{"Chief"}},
		connectors.Attribute{Name: "extensionAttribute1", Values: []string{"x-1"}},
		connectors.Attribute{Name: "proxyAddresses", Values: []string{"SMTP:alice@example.test", "smtp:a@example.test"}})
	w.bob = user("Bob Berg", "bob", people, false, "", connectors.Attribute{Name: "manager", Values: []string{dnOf(t, d, w.alice)}})
	w.carol = user(`O'Brien, "Carol" + <Jr>; a=b *(x)\`, "carol", dnOf(t, d, w.special), false, "")
	require.NoError(t, d.SetPassword(ctx, w.carol, "Secr3t-pw"))
	w.dave = user("Dave Dahl", "dave", people, true, "Dave-2024")
	w.greek = user("Γιώργος Παπαδόπουλος", "giorgos", dnOf(t, d, w.cyrillic), false, "",
		connectors.Attribute{Name: "displayName", Values: []string{"Γιώργος"}})
	w.han = user("王小明", "wangxm", dnOf(t, d, w.cyrillic), true, "Pässwörd7",
		connectors.Attribute{Name: "userPrincipalName", Values: nil})
	w.arabic = user("محمد علي", "mali", people, false, "")

	group := func(cn string) connectors.ID {
		return mustCreate(t, d, "CN", cn, dnOf(t, d, w.groups), nil, []connectors.Attribute{{Name: "objectClass", Values: []string{"group"}}})
	}
	w.staff = group("Staff")
	w.admins = group("Admins")
	w.hostileGroup = group(hostile + " グループ")
	for _, m := range []connectors.ID{w.alice, w.bob, w.carol, w.admins, w.dave} {
		require.NoError(t, d.AddMember(ctx, w.staff, m))
	}
	require.NoError(t, d.AddMember(ctx, w.admins, w.alice))
	require.NoError(t, d.AddMember(ctx, w.hostileGroup, w.greek))
	require.NoError(t, d.AddMember(ctx, w.hostileGroup, w.han))

	w.pre = latest(t, d)

	// After the token: references, a move that they follow, a deletion.
	require.NoError(t, d.Modify(ctx, w.carol, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "manager", Values: []string{dnOf(t, d, w.alice)}},
		{Op: connectors.ModReplace, Name: "seeAlso", Values: []string{dnOf(t, d, w.bob), dnOf(t, d, w.staff)}},
	}))
	require.NoError(t, d.Modify(ctx, w.staff, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "managedBy", Values: []string{dnOf(t, d, w.dave)}},
		{Op: connectors.ModReplace, Name: "description", Values: []string{"Everyone <all>"}},
	}))
	_, err := d.Move(ctx, w.alice, connectors.MoveRequest{NewParent: dnOf(t, d, w.sub), NewName: "Alice A. Andersen"})
	require.NoError(t, err)
	w.eve = user("Eve Eriksen", "eve", people, false, "", connectors.Attribute{Name: "manager", Values: []string{dnOf(t, d, w.dave)}})
	require.NoError(t, d.AddMember(ctx, w.staff, w.eve))
	w.deletedDN = dnOf(t, d, w.eve)
	require.NoError(t, d.Delete(ctx, w.eve))
	require.NoError(t, d.SetEnabled(ctx, w.bob, true))
	return w
}

func mustCreate(t testing.TB, d *inmem.Directory, typ, name, parent string, req *connectors.CreateRequest, attrs []connectors.Attribute) connectors.ID {
	t.Helper()
	dn, err := connectors.JoinDN(typ, name, parent)
	require.NoError(t, err)
	r := connectors.CreateRequest{}
	if req != nil {
		r = *req
	}
	r.DN = dn
	for _, a := range attrs {
		if len(a.Values) > 0 {
			r.Attributes = append(r.Attributes, a)
		} else {
			for i := range r.Attributes {
				if strings.EqualFold(r.Attributes[i].Name, a.Name) {
					r.Attributes = append(r.Attributes[:i], r.Attributes[i+1:]...)
					break
				}
			}
		}
	}
	id, err := d.Create(context.Background(), r)
	require.NoError(t, err, dn)
	return id
}

func dnOf(t testing.TB, d *inmem.Directory, id connectors.ID) string {
	t.Helper()
	e, err := d.Read(context.Background(), id, []string{"cn"})
	require.NoError(t, err)
	return e.DN
}

func latest(t testing.TB, d *inmem.Directory) connectors.Token {
	t.Helper()
	tok, err := d.LatestToken(context.Background())
	require.NoError(t, err)
	return tok
}

func snapshot(t testing.TB, d *inmem.Directory) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, d.Snapshot(&buf))
	return buf.Bytes()
}

func restore(t testing.TB, snap []byte) *inmem.Directory {
	t.Helper()
	d, err := inmem.Restore(snapOpts, bytes.NewReader(snap))
	require.NoError(t, err)
	return d
}

// dump is everything a search shows: every entry, all its attributes, in
// the directory's order.
func dump(t testing.TB, d *inmem.Directory) []*connectors.Entry {
	t.Helper()
	var out []*connectors.Entry
	require.NoError(t, d.Search(context.Background(), connectors.SearchRequest{}, func(e *connectors.Entry) error {
		out = append(out, e)
		return nil
	}))
	return out
}

// feed reads the change feed from a token to its end, page by page.
func feed(t testing.TB, d *inmem.Directory, token connectors.Token, base string) []*connectors.ChangePage {
	t.Helper()
	var pages []*connectors.ChangePage
	for range 10000 {
		p, err := d.Changes(context.Background(), connectors.ChangesRequest{Token: token, BaseDN: base})
		require.NoError(t, err)
		pages = append(pages, p)
		token = p.Token
		if !p.More {
			return pages
		}
	}
	t.Fatal("the change feed never ends")
	return nil
}

// requireSame checks that two twins show the same state through the
// public API; rename maps ids of b's objects to a's where the two created
// objects independently.
func requireSame(t *testing.T, a, b *inmem.Directory, pre connectors.Token, rename map[connectors.ID]connectors.ID, bases ...string) {
	t.Helper()
	ctx := context.Background()
	re := func(id connectors.ID) connectors.ID {
		if x, ok := rename[id]; ok {
			return x
		}
		return id
	}
	da, db := dump(t, a), dump(t, b)
	for _, e := range db {
		e.ID = re(e.ID)
	}
	require.Equal(t, da, db, "searches")
	for _, e := range da {
		id := e.ID
		for k, v := range rename {
			if v == id {
				id = k
			}
		}
		ra, err := a.Read(ctx, e.ID, nil)
		require.NoError(t, err)
		rb, err := b.Read(ctx, id, nil)
		require.NoError(t, err)
		rb.ID = re(rb.ID)
		require.Equal(t, ra, rb, "read %s", e.DN)
		rb, err = b.ReadDN(ctx, strings.ToLower(e.DN), []string{"memberOf", "member", "directReports", "manager"})
		require.NoError(t, err)
		ra, err = a.ReadDN(ctx, e.DN, []string{"memberOf", "member", "directReports", "manager"})
		require.NoError(t, err)
		rb.ID = re(rb.ID)
		require.Equal(t, ra, rb, "read DN %s", e.DN)
	}
	require.Equal(t, latest(t, a), latest(t, b), "latest tokens")
	for _, from := range []connectors.Token{"", pre} {
		for _, base := range append([]string{""}, bases...) {
			fa, fb := feed(t, a, from, base), feed(t, b, from, base)
			for _, p := range fb {
				for i := range p.Changes {
					p.Changes[i].ID = re(p.Changes[i].ID)
				}
			}
			require.Equal(t, fa, fb, "change feeds from %q below %q", from, base)
		}
	}
}

func TestSnapshotRestore(t *testing.T) {
	ctx := context.Background()
	orig := inmem.MustNew(snapOpts)
	w := buildWorld(t, orig)
	snap := snapshot(t, orig)
	got := restore(t, snap)

	requireSame(t, orig, got, w.pre, nil, dnOf(t, orig, w.people), dnOf(t, orig, w.special))
	require.Equal(t, string(snap), string(snapshot(t, got)), "the restored twin snapshots to the same document")

	// The state, spot-checked through the public API.
	alice, err := got.Read(ctx, w.alice, nil)
	require.NoError(t, err)
	require.Equal(t, "CN=Alice A. Andersen,OU=Sub,OU=People,DC=example,DC=test", alice.DN)
	require.False(t, alice.Disabled)
	require.Equal(t, "x-1", alice.First("extensionAttribute1"))
	require.ElementsMatch(t, []string{dnOf(t, got, w.staff), dnOf(t, got, w.admins)}, alice.Get("memberOf"))
	require.ElementsMatch(t, []string{dnOf(t, got, w.bob), dnOf(t, got, w.carol)}, alice.Get("directReports"))
	bob, err := got.Read(ctx, w.bob, nil)
	require.NoError(t, err)
	require.Equal(t, alice.DN, bob.First("manager"), "the manager reference followed the move")
	require.False(t, bob.Disabled)
	carol, err := got.Read(ctx, w.carol, nil)
	require.NoError(t, err)
	require.True(t, carol.Disabled)
	require.Equal(t, `O'Brien, "Carol" + <Jr>; a=b *(x)\`, carol.First("cn"))
	require.Equal(t, []string{dnOf(t, got, w.bob), dnOf(t, got, w.staff)}, carol.Get("seeAlso"))
	staff, err := got.Read(ctx, w.staff, nil)
	require.NoError(t, err)
	require.Len(t, staff.Get("member"), 5, "the deleted member is gone, the others stay")
	_, err = got.Read(ctx, w.eve, nil)
	require.ErrorIs(t, err, connectors.NotFound)
	han, err := got.ReadDN(ctx, "cn=王小明,ou=Отдел продаж,"+got.BaseDN(), nil)
	require.NoError(t, err)
	require.Equal(t, w.han, han.ID)
	var found []connectors.ID
	require.NoError(t, got.Search(ctx, connectors.SearchRequest{Filter: connectors.Eq("cn", hostile+" グループ")}, func(e *connectors.Entry) error {
		found = append(found, e.ID)
		return nil
	}))
	require.Equal(t, []connectors.ID{w.hostileGroup}, found)

	// The feed from the pre-snapshot token: exactly the later changes.
	changed := map[connectors.ID]connectors.Change{}
	for _, p := range feed(t, got, w.pre, "") {
		for _, c := range p.Changes {
			changed[c.ID] = c
		}
	}
	require.Equal(t, map[connectors.ID]connectors.Change{
		w.carol: {ID: w.carol, DN: carol.DN},
		w.staff: {ID: w.staff, DN: staff.DN},
		w.alice: {ID: w.alice, DN: alice.DN},
		w.eve:   {ID: w.eve, DN: w.deletedDN, Deleted: true},
		w.bob:   {ID: w.bob, DN: bob.DN},
	}, changed)

	// The uniqueness indexes came back.
	_, err = got.Create(ctx, connectors.CreateRequest{DN: "CN=Other Alice," + got.BaseDN(), Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"ALICE"}}}})
	require.ErrorIs(t, err, connectors.AlreadyExists)
	_, err = got.Create(ctx, connectors.CreateRequest{DN: "CN=Other Bob," + got.BaseDN(), Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"bob2"}},
		{Name: "userPrincipalName", Values: []string{"Bob@Example.Test"}}}})
	require.ErrorIs(t, err, connectors.AlreadyExists)
	_, err = got.Create(ctx, connectors.CreateRequest{DN: "cn=bob berg,ou=people," + got.BaseDN(), Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}}})
	require.ErrorIs(t, err, connectors.AlreadyExists, "the DN index came back")

	// The same writes on both keep them in step.
	mid := latest(t, orig)
	rename := map[connectors.ID]connectors.ID{}
	for _, d := range []*inmem.Directory{orig, got} {
		require.NoError(t, d.Modify(ctx, w.bob, []connectors.Modification{
			{Op: connectors.ModReplace, Name: "title", Values: []string{"Βοηθός"}},
			{Op: connectors.ModReplace, Name: "manager", Values: []string{dnOf(t, d, w.dave)}}}))
		_, err := d.Move(ctx, w.dave, connectors.MoveRequest{NewParent: dnOf(t, d, w.special)})
		require.NoError(t, err)
		require.NoError(t, d.SetEnabled(ctx, w.alice, false))
		require.NoError(t, d.RemoveMember(ctx, w.staff, w.admins))
		require.NoError(t, d.AddMember(ctx, w.admins, w.greek))
		require.NoError(t, d.Delete(ctx, w.carol))
		_, err = d.Move(ctx, w.people, connectors.MoveRequest{NewName: "Staff, all"})
		require.NoError(t, err)
		id := mustCreate(t, d, "CN", "Frida", dnOf(t, d, w.sub), nil, []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"carol"}},
			{Name: "manager", Values: []string{dnOf(t, d, w.alice)}}})
		require.NoError(t, d.AddMember(ctx, w.hostileGroup, id))
		rename[id] = id
	}
	var ids []connectors.ID
	for id := range rename {
		ids = append(ids, id)
	}
	require.Len(t, ids, 2)
	newOrig, newGot := ids[0], ids[1]
	if _, err := orig.Read(ctx, newOrig, nil); err != nil {
		newOrig, newGot = newGot, newOrig
	}
	bases := []string{dnOf(t, orig, w.people), dnOf(t, orig, w.special), dnOf(t, orig, w.groups)}
	requireSame(t, orig, got, mid, map[connectors.ID]connectors.ID{newGot: newOrig}, bases...)
	requireSame(t, orig, got, w.pre, map[connectors.ID]connectors.ID{newGot: newOrig}, bases...)
}

// A token from before the snapshot, from a full read paged partway on the
// original, resumes on the restored twin with the same pages.
func TestRestoreResumesPartwayToken(t *testing.T) {
	orig := inmem.MustNew(snapOpts)
	buildWorld(t, orig)
	p, err := orig.Changes(context.Background(), connectors.ChangesRequest{})
	require.NoError(t, err)
	require.True(t, p.More, "the feed pages")
	got := restore(t, snapshot(t, orig))
	require.Equal(t, feed(t, orig, p.Token, ""), feed(t, got, p.Token, ""))

	_, err = got.Changes(context.Background(), connectors.ChangesRequest{Token: latest(t, inmem.MustNew(snapOpts))})
	require.ErrorIs(t, err, connectors.Invalid, "another twin's token is refused")
}

func TestSnapshotEmpty(t *testing.T) {
	orig := inmem.MustNew(inmem.Options{})
	snap := snapshot(t, orig)
	got, err := inmem.Restore(inmem.Options{}, bytes.NewReader(snap))
	require.NoError(t, err)
	requireSame(t, orig, got, "", nil)
	require.Contains(t, string(snap), `"format": "`+inmem.SnapshotFormat+`"`)
}

func TestSnapshotClosed(t *testing.T) {
	d := inmem.MustNew(snapOpts)
	require.NoError(t, d.Close())
	err := d.Snapshot(io.Discard)
	require.ErrorIs(t, err, connectors.Invalid)
}

func TestSnapshotWriteError(t *testing.T) {
	d := inmem.MustNew(snapOpts)
	boom := errors.New("disk full")
	err := d.Snapshot(failingWriter{boom})
	require.ErrorIs(t, err, boom)
	require.Equal(t, connectors.Other, connectors.KindOf(err))
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// Snapshots taken while other goroutines write are each consistent.
func TestSnapshotConcurrent(t *testing.T) {
	ctx := context.Background()
	d := inmem.MustNew(snapOpts)
	w := buildWorld(t, d)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				select {
				case <-stop:
					return
				default:
				}
				dn, _ := connectors.JoinDN("CN", fmt.Sprintf("Worker %d-%d", g, i), "OU=Groups,"+d.BaseDN())
				id, err := d.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"group"}}}})
				if err != nil {
					t.Error(err)
					return
				}
				if err := d.AddMember(ctx, id, w.bob); err != nil {
					t.Error(err)
					return
				}
				if i%2 == 0 {
					if err := d.Delete(ctx, id); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	for range 20 {
		snap := snapshot(t, d)
		got := restore(t, snap)
		require.Equal(t, string(snap), string(snapshot(t, got)))
		_, err := d.Read(ctx, w.alice, nil) // the original stays usable
		require.NoError(t, err)
	}
	close(stop)
	wg.Wait()
	requireSame(t, d, restore(t, snapshot(t, d)), w.pre, nil)
}

// edit decodes a snapshot, lets fn change it and encodes it again.
func edit(t *testing.T, snap []byte, fn func(doc map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(snap))
	dec.UseNumber()
	var doc map[string]any
	require.NoError(t, dec.Decode(&doc))
	fn(doc)
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

func entries(doc map[string]any) []any { return doc["entries"].([]any) }

// entryOf finds the entry with an id in a decoded snapshot.
func entryOf(doc map[string]any, id connectors.ID) map[string]any {
	for _, e := range entries(doc) {
		if m := e.(map[string]any); m["id"] == string(id) {
			return m
		}
	}
	panic("no entry " + id)
}

func TestRestoreRefuses(t *testing.T) {
	orig := inmem.MustNew(snapOpts)
	w := buildWorld(t, orig)
	snap := snapshot(t, orig)
	const unknown = "00000000-0000-4000-8000-000000000000"
	cases := []struct {
		name string
		doc  []byte
		opts *inmem.Options
		kind connectors.Kind
		msg  string
	}{
		{name: "empty", doc: nil, kind: connectors.Invalid, msg: "empty"},
		{name: "not JSON", doc: []byte("\x00\xffgarbage"), kind: connectors.Invalid, msg: "not valid JSON"},
		{name: "broken", doc: []byte(`{"format": "orgsync-inmem/1", "entries": [}`), kind: connectors.Invalid, msg: "not valid JSON"},
		{name: "truncated", doc: snap[:len(snap)/2], kind: connectors.Invalid, msg: "truncated"},
		{name: "trailing data", doc: append(append([]byte(nil), snap...), "{}"...), kind: connectors.Invalid, msg: "not valid JSON"},
		{name: "an array", doc: []byte(`[1, 2]`), kind: connectors.Invalid, msg: "not a snapshot"},
		{name: "null", doc: []byte(`null`), kind: connectors.Invalid, msg: "no format"},
		{name: "no format", doc: []byte(`{"entries": []}`), kind: connectors.Invalid, msg: "no format"},
		{name: "foreign", doc: []byte(`{"format": "orgsync-payroll/1"}`), kind: connectors.Invalid, msg: "not a snapshot"},
		{name: "format not a string", doc: []byte(`{"format": 1}`), kind: connectors.Invalid, msg: "not a snapshot"},
		{name: "newer version", doc: edit(t, snap, func(doc map[string]any) { doc["format"] = "orgsync-inmem/2" }),
			kind: connectors.Invalid, msg: "not supported"},
		{name: "unknown field", doc: edit(t, snap, func(doc map[string]any) { doc["extra"] = true }),
			kind: connectors.Invalid, msg: "unknown field"},
		{name: "wrong type", doc: edit(t, snap, func(doc map[string]any) { doc["seq"] = "many" }),
			kind: connectors.Invalid, msg: "malformed"},
		{name: "other base DN", doc: snap, opts: &inmem.Options{BaseDN: "DC=other,DC=test", ExtraAttributes: snapOpts.ExtraAttributes},
			kind: connectors.Configuration, msg: "naming context"},
		{name: "base DN is a sub-DN", doc: snap, opts: &inmem.Options{BaseDN: "DC=test", ExtraAttributes: snapOpts.ExtraAttributes},
			kind: connectors.Configuration, msg: "naming context"},
		{name: "extra attribute missing", doc: snap, opts: &inmem.Options{BaseDN: snapOpts.BaseDN},
			kind: connectors.Configuration, msg: "extensionAttribute1"},
		{name: "bad instance", doc: edit(t, snap, func(doc map[string]any) { doc["instance"] = "a:b" }),
			kind: connectors.Invalid, msg: "instance"},
		{name: "no root", doc: edit(t, snap, func(doc map[string]any) { doc["entries"] = entries(doc)[1:] }),
			kind: connectors.Invalid, msg: "no entry for the naming context"},
		{name: "duplicate id", doc: edit(t, snap, func(doc map[string]any) { entryOf(doc, w.bob)["id"] = string(w.alice) }),
			kind: connectors.Invalid, msg: "two entries have the id"},
		{name: "duplicate DN", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["dn"] = strings.ToUpper(entryOf(doc, w.dave)["dn"].(string))
		}), kind: connectors.Invalid, msg: "two entries have the DN"},
		{name: "non-canonical id", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["id"] = strings.ToUpper(string(w.bob))
		}), kind: connectors.Invalid, msg: "canonical"},
		{name: "parent missing", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["dn"] = "CN=Bob,OU=Nowhere," + orig.BaseDN()
		}), kind: connectors.Invalid, msg: "parent"},
		{name: "outside the naming context", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["dn"] = "CN=Bob,DC=elsewhere"
		}), kind: connectors.Invalid, msg: "not in the naming context"},
		{name: "not a DN", doc: edit(t, snap, func(doc map[string]any) { entryOf(doc, w.bob)["dn"] = "Bob" }),
			kind: connectors.Invalid, msg: "DN"},
		{name: "unknown member", doc: edit(t, snap, func(doc map[string]any) {
			g := entryOf(doc, w.staff)
			g["members"] = append(g["members"].([]any), unknown)
		}), kind: connectors.Invalid, msg: "not in the snapshot"},
		{name: "member twice", doc: edit(t, snap, func(doc map[string]any) {
			g := entryOf(doc, w.staff)
			g["members"] = append(g["members"].([]any), string(w.alice))
		}), kind: connectors.Invalid, msg: "twice"},
		{name: "members of a non-group", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["members"] = []any{string(w.alice)}
		}), kind: connectors.Invalid, msg: "not a group"},
		{name: "unknown reference", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["references"] = []any{map[string]any{"name": "manager", "ids": []any{unknown}}}
		}), kind: connectors.Invalid, msg: "not in the snapshot"},
		{name: "reference not DN-valued", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["references"] = []any{map[string]any{"name": "title", "ids": []any{string(w.alice)}}}
		}), kind: connectors.Invalid, msg: "belongs in attributes"},
		{name: "DN-valued attribute", doc: edit(t, snap, func(doc map[string]any) {
			e := entryOf(doc, w.bob)
			e["attributes"] = append(e["attributes"].([]any), map[string]any{"name": "seeAlso", "values": []any{orig.BaseDN()}})
		}), kind: connectors.Invalid, msg: "belongs in references"},
		{name: "two values of a single-valued attribute", doc: edit(t, snap, func(doc map[string]any) {
			e := entryOf(doc, w.bob)
			e["attributes"] = append(e["attributes"].([]any), map[string]any{"name": "title", "values": []any{"a", "b"}})
		}), kind: connectors.Invalid, msg: "single-valued"},
		{name: "value too long", doc: edit(t, snap, func(doc map[string]any) {
			e := entryOf(doc, w.bob)
			e["attributes"] = append(e["attributes"].([]any), map[string]any{"name": "initials", "values": []any{"ABCDEFG"}})
		}), kind: connectors.Invalid, msg: "longer"},
		{name: "attribute twice", doc: edit(t, snap, func(doc map[string]any) {
			e := entryOf(doc, w.bob)
			e["attributes"] = append(e["attributes"].([]any), map[string]any{"name": "SAMACCOUNTNAME", "values": []any{"bobby"}})
		}), kind: connectors.Invalid, msg: "twice"},
		{name: "no objectClass", doc: edit(t, snap, func(doc map[string]any) { entryOf(doc, w.staff)["attributes"] = nil }),
			kind: connectors.Invalid, msg: "objectClass"},
		{name: "sAMAccountName taken", doc: edit(t, snap, func(doc map[string]any) {
			for _, a := range entryOf(doc, w.bob)["attributes"].([]any) {
				if a := a.(map[string]any); a["name"] == "sAMAccountName" {
					a["values"] = []any{"ALICE"}
				}
			}
		}), kind: connectors.Invalid, msg: "already in use"},
		{name: "disabled non-account", doc: edit(t, snap, func(doc map[string]any) { entryOf(doc, w.staff)["disabled"] = true }),
			kind: connectors.Invalid, msg: "only accounts"},
		{name: "creation number twice", doc: edit(t, snap, func(doc map[string]any) {
			entryOf(doc, w.bob)["created"] = entryOf(doc, w.alice)["created"]
		}), kind: connectors.Invalid, msg: "creation number"},
		{name: "creation after the sequence", doc: edit(t, snap, func(doc map[string]any) { entryOf(doc, w.bob)["created"] = 1 << 40 }),
			kind: connectors.Invalid, msg: "creation number"},
		{name: "changes out of order", doc: edit(t, snap, func(doc map[string]any) {
			cs := doc["changes"].([]any)
			cs[1], cs[2] = cs[2], cs[1]
		}), kind: connectors.Invalid, msg: "sequence number"},
		{name: "change after the sequence", doc: edit(t, snap, func(doc map[string]any) {
			cs := doc["changes"].([]any)
			last, _ := cs[len(cs)-1].(map[string]any)["seq"].(json.Number).Int64()
			doc["seq"] = last - 1
		}),
			kind: connectors.Invalid, msg: "after the snapshot"},
		{name: "change of an unknown object", doc: edit(t, snap, func(doc map[string]any) {
			cs := doc["changes"].([]any)
			cs[len(cs)-1].(map[string]any)["id"] = unknown
		}), kind: connectors.Invalid, msg: "neither"},
		{name: "entry deleted", doc: edit(t, snap, func(doc map[string]any) {
			cs := doc["changes"].([]any)
			c := cs[len(cs)-1].(map[string]any) // bob's SetEnabled
			c["deleted"] = true
		}), kind: connectors.Invalid, msg: "deleted but is in the snapshot"},
		{name: "entry with no change", doc: edit(t, snap, func(doc map[string]any) {
			var kept []any
			for _, c := range doc["changes"].([]any) {
				if c.(map[string]any)["id"] != string(w.arabic) {
					kept = append(kept, c)
				}
			}
			doc["changes"] = kept
		}), kind: connectors.Invalid, msg: "no change"},
		{name: "change outside the naming context", doc: edit(t, snap, func(doc map[string]any) {
			doc["changes"].([]any)[0].(map[string]any)["dn"] = "DC=elsewhere"
		}), kind: connectors.Invalid, msg: "not in the naming context"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := snapOpts
			if tc.opts != nil {
				opts = *tc.opts
			}
			d, err := inmem.Restore(opts, bytes.NewReader(tc.doc))
			require.Nil(t, d)
			require.Error(t, err)
			require.Equal(t, tc.kind, connectors.KindOf(err), "%v", err)
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "restore", ce.Op)
			require.Contains(t, err.Error(), tc.msg)
		})
	}

	t.Run("read error", func(t *testing.T) {
		boom := errors.New("connection reset")
		_, err := inmem.Restore(snapOpts, iotest.ErrReader(boom))
		require.ErrorIs(t, err, boom)
		require.Equal(t, connectors.Other, connectors.KindOf(err))
	})
	t.Run("truncated stream", func(t *testing.T) {
		r := io.MultiReader(bytes.NewReader(snap[:100]), iotest.ErrReader(io.ErrUnexpectedEOF))
		_, err := inmem.Restore(snapOpts, r)
		require.Equal(t, connectors.Invalid, connectors.KindOf(err), "%v", err)
	})
	t.Run("bad options", func(t *testing.T) {
		_, err := inmem.Restore(inmem.Options{BaseDN: "not a DN"}, bytes.NewReader(snap))
		require.ErrorIs(t, err, connectors.Invalid)
	})
	t.Run("base DN in other case", func(t *testing.T) {
		opts := snapOpts
		opts.BaseDN = "dc=EXAMPLE,dc=Test"
		d, err := inmem.Restore(opts, bytes.NewReader(snap))
		require.NoError(t, err)
		e, err := d.Read(context.Background(), w.bob, nil)
		require.NoError(t, err)
		require.True(t, connectors.EqualDN(dnOf(t, orig, w.bob), e.DN))
	})
}

// The conformance suite, on twins that were snapshotted and restored: the
// suite's base and other content came through a restore.
func TestConformanceRestored(t *testing.T) {
	connectortest.TestDirectory(t, func(t *testing.T) connectortest.Fixture {
		opts := inmem.Options{ExtraAttributes: snapOpts.ExtraAttributes, ChangePageSize: 7}
		orig := inmem.MustNew(opts)
		buildWorld(t, orig)
		dn, err := connectors.JoinDN("OU", t.Name(), orig.BaseDN())
		require.NoError(t, err)
		id := mustCreate(t, orig, "OU", t.Name(), orig.BaseDN(), nil, []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}})
		var buf bytes.Buffer
		require.NoError(t, orig.Snapshot(&buf))
		require.NoError(t, orig.Close())
		d, err := inmem.Restore(opts, &buf)
		require.NoError(t, err)
		t.Cleanup(func() { removeTree(t, d, id) })
		return connectortest.Fixture{Dir: d, Base: dn, Domain: "example.test"}
	})
}

// FuzzRestore checks that Restore never panics and that whatever it
// accepts snapshots again to a document that restores to the same state.
func FuzzRestore(f *testing.F) {
	empty := inmem.MustNew(snapOpts)
	f.Add(snapshot(f, empty))
	rich := inmem.MustNew(snapOpts)
	buildWorld(f, rich)
	s := snapshot(f, rich)
	f.Add(s)
	var compact bytes.Buffer
	if err := json.Compact(&compact, s); err != nil {
		f.Fatal(err)
	}
	f.Add(compact.Bytes())
	small := inmem.MustNew(snapOpts)
	g := mustCreate(f, small, "CN", "G", small.BaseDN(), nil, []connectors.Attribute{{Name: "objectClass", Values: []string{"group"}}})
	u := mustCreate(f, small, "CN", `U,+"\<>;=`, small.BaseDN(), nil, []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"u"}},
		{Name: "manager", Values: []string{"CN=G," + small.BaseDN()}}})
	if err := small.AddMember(context.Background(), g, u); err != nil {
		f.Fatal(err)
	}
	f.Add(snapshot(f, small))
	f.Add([]byte(`{"format":"orgsync-inmem/1"}`))
	f.Add([]byte(`{"format":"orgsync-inmem/2"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := inmem.Restore(snapOpts, bytes.NewReader(doc))
		if err != nil {
			if k := connectors.KindOf(err); k != connectors.Invalid && k != connectors.Configuration {
				t.Fatalf("kind %v: %v", k, err)
			}
			return
		}
		var s1, s2 bytes.Buffer
		if err := d.Snapshot(&s1); err != nil {
			t.Fatal(err)
		}
		d2, err := inmem.Restore(snapOpts, bytes.NewReader(s1.Bytes()))
		if err != nil {
			t.Fatalf("an accepted snapshot, snapshotted again, is refused: %v\n%s", err, s1.Bytes())
		}
		if err := d2.Snapshot(&s2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(s1.Bytes(), s2.Bytes()) {
			t.Fatalf("snapshots differ:\n%s\n%s", s1.Bytes(), s2.Bytes())
		}
		require.Equal(t, dump(t, d), dump(t, d2))
		require.Equal(t, feed(t, d, "", ""), feed(t, d2, "", ""))
	})
}

// A twin saved and restored, as a demo keeps it between runs: the restored
// twin has the same objects, and a token from before the save resumes.
func ExampleRestore() {
	ctx := context.Background()
	opts := inmem.Options{BaseDN: "DC=example,DC=org"}
	dir := inmem.MustNew(opts)
	token, _ := dir.LatestToken(ctx)
	id, _ := dir.Create(ctx, connectors.CreateRequest{
		DN:         "CN=Karina Jensen,DC=example,DC=org",
		Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"kaje"}}},
	})

	var saved bytes.Buffer
	if err := dir.Snapshot(&saved); err != nil {
		panic(err)
	}
	restored, err := inmem.Restore(opts, &saved)
	if err != nil {
		panic(err)
	}
	e, _ := restored.Read(ctx, id, []string{"sAMAccountName"})
	fmt.Println(e.DN, e.First("sAMAccountName"))
	page, _ := restored.Changes(ctx, connectors.ChangesRequest{Token: token})
	for _, c := range page.Changes {
		fmt.Println("changed:", c.DN, c.ID == id)
	}
	// Output:
	// CN=Karina Jensen,DC=example,DC=org kaje
	// changed: CN=Karina Jensen,DC=example,DC=org true
}

// Leaving out any one entry or change of a real snapshot gives a document
// that Restore refuses as Invalid or, if it accepts it, one that
// snapshots again to itself.
func TestRestoreEachOmission(t *testing.T) {
	orig := inmem.MustNew(snapOpts)
	buildWorld(t, orig)
	snap := snapshot(t, orig)
	check := func(what string, doc []byte) {
		t.Helper()
		d, err := inmem.Restore(snapOpts, bytes.NewReader(doc))
		if err != nil {
			require.Equal(t, connectors.Invalid, connectors.KindOf(err), "%s: %v", what, err)
			return
		}
		s1 := snapshot(t, d)
		require.Equal(t, string(s1), string(snapshot(t, restore(t, s1))), what)
	}
	accepted := 0
	for _, list := range []string{"entries", "changes"} {
		var count int
		edit(t, snap, func(doc map[string]any) { count = len(doc[list].([]any)) })
		for i := range count {
			doc := edit(t, snap, func(doc map[string]any) {
				l := doc[list].([]any)
				doc[list] = append(l[:i:i], l[i+1:]...)
			})
			if _, err := inmem.Restore(snapOpts, bytes.NewReader(doc)); err == nil {
				accepted++
			}
			check(fmt.Sprintf("without %s[%d]", list, i), doc)
		}
	}
	require.Positive(t, accepted, "some changes can go: an object's earlier changes")
}
