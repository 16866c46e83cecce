package statedb_test

import (
	"database/sql"
	"testing"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/pgtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/statedb"
)

func TestLinksAndTokens(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testLinksAndTokens(t, sqliteURL(t)) })
	t.Run("postgres", func(t *testing.T) { testLinksAndTokens(t, pgtest.DSN(t)) })
}

// testLinksAndTokens checks that links and tokens survive a reopen, per
// directory, with an account moved between persons and a link forgotten.
func testLinksAndTokens(t *testing.T, dsn string) {
	db := openDB(t, dsn, statedb.Options{})
	a, err := db.Links(ctx, "kommune.dk")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Links(ctx, "skole.kommune.dk")
	if err != nil {
		t.Fatal(err)
	}
	p1, p2, p3 := uuidFor(1), uuidFor(2), uuidFor(3)
	hostileDN := `CN=Ørsted\, Åse \+ \"x\" \<y\>;=*(),OU=Brugere,DC=kommune,DC=dk`
	a.Set(p1, "guid-1", hostileDN)
	a.Set(p2, "guid-2", "CN=b,DC=kommune,DC=dk")
	a.Set(p3, "guid-3", "CN=c,DC=kommune,DC=dk")
	a.Set(p3, "guid-2", "CN=b2,DC=kommune,DC=dk") // the account moves from p2 to p3
	a.Forget(p1)
	a.Set(p1, "guid-1b", hostileDN)
	b.Set(p1, "guid-9", "CN=z,DC=skole")
	if err := a.Err(); err != nil {
		t.Fatal(err)
	}
	ta, tb := db.Tokens("kommune.dk"), db.Tokens("skole.kommune.dk")
	if err := ta.Save(ctx, "usn:4711"); err != nil {
		t.Fatal(err)
	}
	if err := ta.Save(ctx, "usn:4712"); err != nil {
		t.Fatal(err)
	}
	check := func(when string, a, b *statedb.Links, ta, tb adsync.TokenStore) {
		t.Helper()
		want := map[string]struct {
			links  *statedb.Links
			person [16]byte
			id     connectors.ID
			dn     string
			linked bool
		}{
			"p1 in a": {a, p1, "guid-1b", hostileDN, true},
			"p2 in a": {a, p2, "", "", false},
			"p3 in a": {a, p3, "guid-2", "CN=b2,DC=kommune,DC=dk", true},
			"p1 in b": {b, p1, "guid-9", "CN=z,DC=skole", true},
		}
		for name, w := range want {
			id, ok := w.links.Link(w.person)
			dn, _ := w.links.AccountDN(w.person)
			if ok != w.linked || id != w.id || dn != w.dn {
				t.Errorf("%s: %s = %q %q %v, want %q %q %v", when, name, id, dn, ok, w.id, w.dn, w.linked)
			}
		}
		if owner, ok := a.Owner("guid-2"); !ok || owner != p3 {
			t.Errorf("%s: guid-2's owner = %v %v, want p3", when, owner, ok)
		}
		if _, ok := a.Owner("guid-1"); ok {
			t.Errorf("%s: a forgotten account still has an owner", when)
		}
		if a.Len() != 2 || b.Len() != 1 {
			t.Errorf("%s: %d and %d links, want 2 and 1", when, a.Len(), b.Len())
		}
		if tok, err := ta.Load(ctx); err != nil || tok != "usn:4712" {
			t.Errorf("%s: token %q %v", when, tok, err)
		}
		if tok, err := tb.Load(ctx); err != nil || tok != "" {
			t.Errorf("%s: another directory's token %q %v, want none", when, tok, err)
		}
	}
	check("before reopening", a, b, ta, tb)
	db.Close()
	db = openDB(t, dsn, statedb.Options{})
	a, _ = db.Links(ctx, "kommune.dk")
	b, _ = db.Links(ctx, "skole.kommune.dk")
	check("after reopening", a, b, db.Tokens("kommune.dk"), db.Tokens("skole.kommune.dk"))
	if _, err := db.Links(ctx, " "); err == nil {
		t.Error("Links of a directory without a name")
	}
}

// TestCheckpointSegments commits in many small steps with a checkpoint
// every few commits, and checks that the segments stay few (merged) and
// that a model opened through them equals one replayed from the log.
func TestCheckpointSegments(t *testing.T) {
	for _, dsn := range []string{sqliteURL(t), pgtest.DSN(t)} {
		db := openDB(t, dsn, statedb.Options{CheckpointEvery: 2})
		m := fillModel(t, db, 60)
		if _, err := db.Model().Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		var segments, covered int
		db.Read(ctx, func(tx *sql.Tx) error {
			return tx.QueryRow(`SELECT COUNT(*), COALESCE(MAX(last_commit), 0) FROM model_checkpoints`).Scan(&segments, &covered)
		})
		if segments == 0 || segments > 9 || covered != 60 {
			t.Fatalf("%d segments covering %d commits, want 1 to 9 covering 60", segments, covered)
		}
		db.Close()
		db = openDB(t, dsn, statedb.Options{})
		viaCheckpoint := fillModel(t, db, 0)
		replayed := fillStore(t, struct{ om.Store }{db.Model()}, 0)
		for _, got := range []*om.Model{viaCheckpoint, replayed} {
			if len(got.Registrations(1)) != 60 {
				t.Fatalf("%d registrations, want 60", len(got.Registrations(1)))
			}
			for o := range m.Latest().All(om.KindEngagement) {
				g, ok := got.Latest().Object(o.ID)
				if !ok || !g.Timeline.Equal(o.Timeline) {
					t.Fatalf("engagement %s differs", o.ID)
				}
			}
		}
		if a, b := viaCheckpoint.Registrations(1), replayed.Registrations(1); a[59].Time.UnixNano() != b[59].Time.UnixNano() || a[59].Actor != b[59].Actor {
			t.Fatal("the registrations differ")
		}
	}
}
