package inventorytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var bg = context.Background()

// t0 is a time the stores keep to the microsecond.
var t0 = time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)

// Asset returns a new ready asset of the kind with the serial, and the
// entries of its registration and preparation.
func Asset(kind, serial string) (*inventory.Asset, []inventory.Entry) {
	a := &inventory.Asset{ID: uuid.New(), Kind: kind, Serial: serial, Status: inventory.Pending, Note: "indkøbt 2027", Version: 1}
	log := []inventory.Entry{{Asset: a.ID, At: t0, By: "it@sjolund.dk", Action: inventory.Add, To: inventory.Pending, Note: a.Note}}
	e, err := a.Apply(inventory.Change{Action: inventory.Prepare, At: t0, By: "it@sjolund.dk", Note: "klargjort"})
	if err != nil {
		panic(err)
	}
	return a, append(log, e)
}

// TestStore runs the suite on the stores open makes, one per test.
func TestStore(t *testing.T, open func(t *testing.T) inventory.Store) {
	t.Run("an asset comes back as stored", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("one serial per kind", func(t *testing.T) { testDuplicate(t, open(t)) })
	t.Run("updates are optimistic", func(t *testing.T) { testUpdate(t, open(t)) })
	t.Run("eight writers, no lost update", func(t *testing.T) { testRace(t, open(t)) })
	t.Run("queries", func(t *testing.T) { testList(t, open(t)) })
	t.Run("unknown assets", func(t *testing.T) { testUnknown(t, open(t)) })
	t.Run("bad assets are refused", func(t *testing.T) { testBad(t, open(t)) })
	t.Run("hand-out takes the lowest serial", func(t *testing.T) { testHandOut(t, open(t)) })
	t.Run("eight hand-outs racing for three assets", func(t *testing.T) { testHandOutRace(t, open(t)) })
	t.Run("offboarding returns everything", func(t *testing.T) { testReturnAll(t, open(t)) })
	t.Run("the report", func(t *testing.T) { testReport(t, open(t)) })
}

func testRoundTrip(t *testing.T, s inventory.Store) {
	a, log := Asset("pc", "PF3K9Z ÆØÅ")
	require.NoError(t, s.Add(bg, a, log))
	got, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	assertAsset(t, a, got)
	got.Note = "ændret"
	again, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "klargjort", again.Note, "what Get returns is a copy")

	prev := got.Version
	e, err := got.Apply(inventory.Change{Action: inventory.HandOut, At: t0.Add(time.Hour), By: "boarding", Holder: uuid.New(),
		Unit: uuid.New(), Order: uuid.New(), ExpectedReturn: timeline.MustDate(2027, 6, 30)})
	require.NoError(t, err)
	require.NoError(t, s.Update(bg, got, prev, []inventory.Entry{e}))
	deployed, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	assertAsset(t, got, deployed)

	open := deployed.Clone()
	prev = open.Version
	e2, err := open.Apply(inventory.Change{Action: inventory.Return, At: t0.Add(2 * time.Hour), By: "it"})
	require.NoError(t, err)
	e3, err := open.Apply(inventory.Change{Action: inventory.HandOut, At: t0.Add(3 * time.Hour), By: "it", Holder: uuid.New(), ExpectedReturn: timeline.Open})
	require.NoError(t, err)
	require.NoError(t, s.Update(bg, open, prev, []inventory.Entry{e2, e3}))
	got, err = s.Get(bg, a.ID)
	require.NoError(t, err)
	assert.Equal(t, timeline.Open, got.ExpectedReturn, "no day due back stays no day")
	assertAsset(t, open, got)

	h, err := s.History(bg, a.ID)
	require.NoError(t, err)
	assertHistory(t, append(log, e, e2, e3), h)
}

func testDuplicate(t *testing.T, s inventory.Store) {
	a, log := Asset("pc", "SN-1")
	require.NoError(t, s.Add(bg, a, log))
	twice, tlog := Asset("pc", "SN-1")
	err := s.Add(bg, twice, tlog)
	var de *inventory.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, a.ID, de.Existing, "the error names the asset registered")
	assert.Equal(t, "SN-1", de.Serial)
	_, err = s.Get(bg, twice.ID)
	assert.ErrorIs(t, err, inventory.ErrNotFound, "the duplicate is not stored")

	sameID, slog := Asset("pc", "SN-2")
	sameID.ID = a.ID
	for i := range slog {
		slog[i].Asset = a.ID
	}
	require.ErrorAs(t, s.Add(bg, sameID, slog), &de)
	assert.Equal(t, a.ID, de.Existing)

	phone, plog := Asset("phone", "SN-1")
	require.NoError(t, s.Add(bg, phone, plog), "another kind may have the serial")
	lower, llog := Asset("pc", "sn-1")
	require.NoError(t, s.Add(bg, lower, llog), "serials are compared byte by byte")
	all, err := s.List(bg, inventory.Query{})
	require.NoError(t, err)
	assert.Len(t, all, 3)
	h, err := s.History(bg, a.ID)
	require.NoError(t, err)
	assert.Len(t, h, len(log), "a refused Add writes no history")
}

func testUpdate(t *testing.T, s inventory.Store) {
	a, log := Asset("pc", "SN-1")
	require.NoError(t, s.Add(bg, a, log))
	cur, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	prev := cur.Version
	e, err := cur.Apply(inventory.Change{Action: inventory.Break, At: t0.Add(time.Hour), By: "it", Note: "skærm knust"})
	require.NoError(t, err)
	require.NoError(t, s.Update(bg, cur, prev, []inventory.Entry{e}))

	stale := a.Clone() // as first read: an old version
	se, err := stale.Apply(inventory.Change{Action: inventory.Archive, At: t0, By: "x"})
	require.NoError(t, err)
	require.ErrorIs(t, s.Update(bg, stale, a.Version, []inventory.Entry{se}), inventory.ErrConflict)
	got, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	assert.Equal(t, inventory.Undeployable, got.Status, "a stale update stores nothing")

	renamed := got.Clone()
	renamed.Serial, renamed.Version = "SN-9", renamed.Version+1
	assert.ErrorIs(t, s.Update(bg, renamed, got.Version, nil), inventory.ErrFixed)
	same := got.Clone()
	assert.True(t, isInvalid(s.Update(bg, same, got.Version, nil)), "a change moves the version")
	bad := got.Clone()
	bad.Version++
	assert.True(t, isInvalid(s.Update(bg, bad, got.Version, []inventory.Entry{{Asset: a.ID, At: t0, By: "it\x00"}})), "entries are checked")
	got, _ = s.Get(bg, a.ID)
	assert.Equal(t, cur.Version, got.Version)
	h, _ := s.History(bg, a.ID)
	assertHistory(t, append(log, e), h)
}

func testRace(t *testing.T, s inventory.Store) {
	a, log := Asset("pc", "SN-1")
	require.NoError(t, s.Add(bg, a, log))
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			<-start
			cur, err := s.Get(bg, a.ID)
			if err != nil {
				errs[i] = err
				return
			}
			prev := cur.Version
			cur.Version++
			cur.Note = fmt.Sprintf("skriver %d", i)
			errs[i] = s.Update(bg, cur, prev, []inventory.Entry{{Asset: a.ID, At: t0, By: "w", Action: "edit", From: cur.Status, To: cur.Status, Note: cur.Note}})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, inventory.ErrConflict):
			t.Fatalf("a writer failed with %v, want nil or ErrConflict", err)
		}
	}
	assert.GreaterOrEqual(t, won, 1)
	got, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Version+won, got.Version, "each win moved the version once: no lost update")
	h, err := s.History(bg, a.ID)
	require.NoError(t, err)
	require.Len(t, h, len(log)+won, "only the winners' entries")
	assert.Equal(t, got.Note, h[len(h)-1].Note, "the last entry is the stored writer's")
}

func testList(t *testing.T, s inventory.Store) {
	person, unit := uuid.New(), uuid.New()
	var ids []uuid.UUID
	for _, k := range []struct{ kind, serial string }{{"pc", "B"}, {"phone", "A"}, {"pc", "A"}, {"pc", "a"}, {"card", "Z"}} {
		a, log := Asset(k.kind, k.serial)
		require.NoError(t, s.Add(bg, a, log))
		ids = append(ids, a.ID)
	}
	// ids by kind and serial: card Z, pc A, pc B, pc a, phone A.
	sorted := []uuid.UUID{ids[4], ids[2], ids[0], ids[3], ids[1]}
	hand := func(id uuid.UUID, holder, unit uuid.UUID) {
		a, err := s.Get(bg, id)
		require.NoError(t, err)
		prev := a.Version
		e, err := a.Apply(inventory.Change{Action: inventory.HandOut, At: t0, By: "b", Holder: holder, Unit: unit, ExpectedReturn: timeline.Open})
		require.NoError(t, err)
		require.NoError(t, s.Update(bg, a, prev, []inventory.Entry{e}))
	}
	hand(ids[0], person, unit)
	hand(ids[1], person, uuid.New())
	hand(ids[3], uuid.New(), unit)
	pick := func(q inventory.Query) []uuid.UUID {
		as, err := s.List(bg, q)
		require.NoError(t, err)
		var out []uuid.UUID
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	assert.Equal(t, sorted, pick(inventory.Query{}), "by kind, then serial, byte by byte")
	assert.Equal(t, []uuid.UUID{ids[2], ids[0], ids[3]}, pick(inventory.Query{Kinds: []string{"pc"}}))
	assert.Equal(t, []uuid.UUID{ids[4], ids[1]}, pick(inventory.Query{Kinds: []string{"phone", "card"}}))
	assert.Equal(t, []uuid.UUID{ids[4], ids[2]}, pick(inventory.Query{Statuses: []inventory.Status{inventory.Ready}}))
	assert.Equal(t, []uuid.UUID{ids[0], ids[1]}, pick(inventory.Query{Holder: person}))
	assert.Equal(t, []uuid.UUID{ids[0], ids[3]}, pick(inventory.Query{Unit: unit}))
	assert.Equal(t, []uuid.UUID{ids[0]}, pick(inventory.Query{Holder: person, Unit: unit, Kinds: []string{"pc"}, Statuses: []inventory.Status{inventory.Deployed}}))
	assert.Equal(t, sorted[:2], pick(inventory.Query{Limit: 2}))
	assert.Equal(t, []uuid.UUID{ids[2]}, pick(inventory.Query{Kinds: []string{"pc"}, Statuses: []inventory.Status{inventory.Ready}, Limit: 1}))
	assert.Empty(t, pick(inventory.Query{Holder: uuid.New()}))
	assert.Empty(t, pick(inventory.Query{Kinds: []string{"tablet"}}))
}

func testUnknown(t *testing.T, s inventory.Store) {
	_, err := s.Get(bg, uuid.New())
	assert.ErrorIs(t, err, inventory.ErrNotFound)
	_, err = s.History(bg, uuid.New())
	assert.ErrorIs(t, err, inventory.ErrNotFound)
	a, _ := Asset("pc", "SN")
	prev := a.Version
	a.Version++
	assert.ErrorIs(t, s.Update(bg, a, prev, nil), inventory.ErrNotFound)
}

// BadAssets are assets no store takes, by what is wrong with them.
func BadAssets() map[string]func(a *inventory.Asset) {
	return map[string]func(a *inventory.Asset){
		"no id":                func(a *inventory.Asset) { a.ID = uuid.Nil },
		"no kind":              func(a *inventory.Asset) { a.Kind = "" },
		"no serial":            func(a *inventory.Asset) { a.Serial = "" },
		"a blank serial":       func(a *inventory.Asset) { a.Serial = "   " },
		"a padded serial":      func(a *inventory.Asset) { a.Serial = " SN-1" },
		"a huge serial":        func(a *inventory.Asset) { a.Serial = strings.Repeat("9", inventory.MaxSerialBytes+1) },
		"a NUL":                func(a *inventory.Asset) { a.Serial = "SN\x001" },
		"a newline":            func(a *inventory.Asset) { a.Serial = "SN\n1" },
		"a C1 control":         func(a *inventory.Asset) { a.Serial = "SN\u00851" },
		"invalid UTF-8":        func(a *inventory.Asset) { a.Serial = "SN\xff1" },
		"a control in a kind":  func(a *inventory.Asset) { a.Kind = "pc\t" },
		"a NUL in a note":      func(a *inventory.Asset) { a.Note = "ok\x00" },
		"a huge note":          func(a *inventory.Asset) { a.Note = strings.Repeat("x", inventory.MaxNoteBytes+1) },
		"an unknown status":    func(a *inventory.Asset) { a.Status = "lost" },
		"version 0":            func(a *inventory.Asset) { a.Version = 0 },
		"deployed to no one":   func(a *inventory.Asset) { a.Status, a.HandedOut = inventory.Deployed, t0 },
		"a holder while ready": func(a *inventory.Asset) { a.Holder = uuid.New() },
	}
}

func testBad(t *testing.T, s inventory.Store) {
	for name, mod := range BadAssets() {
		a, log := Asset("pc", "SN-"+name)
		mod(a)
		for i := range log {
			log[i].Asset = a.ID
		}
		assert.True(t, isInvalid(s.Add(bg, a, log)), name)
	}
	a, log := Asset("pc", "SN-1")
	log[0].By = "it\x00"
	assert.True(t, isInvalid(s.Add(bg, a, log)), "a bad entry")
	all, err := s.List(bg, inventory.Query{})
	require.NoError(t, err)
	assert.Empty(t, all, "nothing stored")
}

func isInvalid(err error) bool {
	var ie *inventory.InvalidError
	return errors.As(err, &ie)
}

func utc(e inventory.Entry) inventory.Entry {
	e.At = e.At.UTC()
	return e
}

// assertAsset compares assets, times by instant.
func assertAsset(t *testing.T, want, got *inventory.Asset) {
	t.Helper()
	w, g := want.Clone(), got.Clone()
	w.HandedOut, g.HandedOut = w.HandedOut.UTC(), g.HandedOut.UTC()
	assert.Equal(t, w, g)
}

func assertHistory(t *testing.T, want, got []inventory.Entry) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, utc(want[i]), utc(got[i]), "entry %d", i)
	}
}
