package inventory_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var bg = context.Background()

func newInventory(t *testing.T) (*inventory.Inventory, *inventory.MemStore) {
	t.Helper()
	s := inventory.NewMemStore()
	return &inventory.Inventory{Store: s, Now: func() time.Time { return t0 }}, s
}

func TestRegisterBadInput(t *testing.T) {
	inv, s := newInventory(t)
	for name, in := range map[string]struct{ kind, serial, by, note string }{
		"empty serial":       {"pc", "", "it", ""},
		"blank serial":       {"pc", " \t", "it", ""},
		"huge serial":        {"pc", strings.Repeat("S", inventory.MaxSerialBytes+1), "it", ""},
		"NUL in serial":      {"pc", "SN\x00", "it", ""},
		"newline in serial":  {"pc", "SN\r\n2", "it", ""},
		"DEL in serial":      {"pc", "SN\x7f", "it", ""},
		"invalid UTF-8":      {"pc", "SN-\xc3\x28", "it", ""},
		"serial with spaces": {"pc", "SN-1 ", "it", ""},
		"empty kind":         {"", "SN-1", "it", ""},
		"control in kind":    {"p\x1bc", "SN-1", "it", ""},
		"no actor":           {"pc", "SN-1", "", ""},
		"NUL in actor":       {"pc", "SN-1", "i\x00t", ""},
		"huge note":          {"pc", "SN-1", "it", strings.Repeat("n", inventory.MaxNoteBytes+1)},
		"control in note":    {"pc", "SN-1", "it", "ok\u009b"},
	} {
		_, err := inv.Register(bg, in.kind, in.serial, in.by, in.note)
		var ie *inventory.InvalidError
		require.ErrorAs(t, err, &ie, name)
		assert.NotContains(t, err.Error(), "\x00", "%s: the error does not quote the text", name)
	}
	all, err := s.List(bg, inventory.Query{})
	require.NoError(t, err)
	assert.Empty(t, all, "nothing stored")

	a, err := inv.Register(bg, "pc", "Æ-42 ü 漢字", "it", "ny levering")
	require.NoError(t, err, "serials in any script are fine")
	assert.Equal(t, inventory.Pending, a.Status)
	_, err = inv.Register(bg, "pc", "Æ-42 ü 漢字", "it", "")
	var de *inventory.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, a.ID, de.Existing)
}

func TestInvalidErrorMessage(t *testing.T) {
	inv, _ := newInventory(t)
	_, err := inv.Register(bg, "pc", "SN\x00", "it", "")
	assert.EqualError(t, err, "inventory: the serial holds the control character U+0000")
	_, err = inv.Register(bg, "pc", strings.Repeat("x", 200), "it", "")
	assert.EqualError(t, err, "inventory: the serial 200 bytes; the most is 128")
}

func TestCatalogueKinds(t *testing.T) {
	cat, err := catalogue.Parse("katalog.yaml", []byte(`
systems:
  - id: ad
    name: Active Directory
    kind: manual
    administrators: [it@sjolund.dk]
    resources:
      - {key: alle, name: Alle}
equipment:
  - {id: pc, name: Bærbar pc}
job_roles:
  - id: basis
    name: Basis
    items:
      - {equipment: pc}
`))
	require.NoError(t, err)
	inv, s := newInventory(t)
	inv.Catalogue = cat
	_, err = inv.Register(bg, "telefon", "SN-1", "it", "")
	var ie *inventory.InvalidError
	require.ErrorAs(t, err, &ie, "a kind the catalogue lacks")
	assert.Equal(t, "kind", ie.Field)
	_, err = inv.HandOut(bg, "telefon", uuid.New(), uuid.New(), uuid.Nil, timeline.Open, "boarding")
	require.ErrorAs(t, err, &ie)
	a, err := inv.Register(bg, "pc", "SN-1", "it", "")
	require.NoError(t, err)
	_, err = inv.HandOut(bg, "pc", uuid.New(), uuid.New(), uuid.Nil, timeline.Open, "boarding")
	assert.ErrorIs(t, err, inventory.ErrNoneReady, "a pending pc is not ready")
	_, err = inv.Do(bg, a.ID, inventory.Change{Action: inventory.Prepare, By: "it"})
	require.NoError(t, err)
	got, err := inv.HandOut(bg, "pc", uuid.New(), uuid.New(), uuid.Nil, timeline.Open, "boarding")
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	h, err := s.History(bg, a.ID)
	require.NoError(t, err)
	var acts []inventory.Action
	for _, e := range h {
		acts = append(acts, e.Action)
	}
	assert.Equal(t, []inventory.Action{inventory.Add, inventory.Prepare, inventory.HandOut}, acts)
}

func TestHandOutBadInput(t *testing.T) {
	inv, s := newInventory(t)
	a, err := inv.Register(bg, "pc", "SN-1", "it", "")
	require.NoError(t, err)
	_, err = inv.Do(bg, a.ID, inventory.Change{Action: inventory.Prepare, By: "it"})
	require.NoError(t, err)
	var ie *inventory.InvalidError
	_, err = inv.HandOut(bg, "pc", uuid.New(), uuid.Nil, uuid.Nil, timeline.Open, "")
	require.ErrorAs(t, err, &ie, "no actor")
	_, err = inv.HandOut(bg, "pc", uuid.New(), uuid.Nil, uuid.Nil, timeline.Date(-1<<30), "it")
	require.ErrorAs(t, err, &ie, "no day")
	var te *inventory.TransitionError
	_, err = inv.HandOut(bg, "pc", uuid.Nil, uuid.Nil, uuid.Nil, timeline.Open, "it")
	require.ErrorAs(t, err, &te, "to no one")
	got, err := s.Get(bg, a.ID)
	require.NoError(t, err)
	assert.Equal(t, inventory.Ready, got.Status, "still in stock")
	_, err = inv.Outstanding(bg, uuid.Nil)
	require.ErrorAs(t, err, &ie)
	_, err = inv.Do(bg, uuid.New(), inventory.Change{Action: inventory.Prepare, By: "it"})
	assert.ErrorIs(t, err, inventory.ErrNotFound)
}

func TestNoneReadyError(t *testing.T) {
	inv, _ := newInventory(t)
	_, err := inv.HandOut(bg, "adgangskort", uuid.New(), uuid.New(), uuid.Nil, timeline.Open, "boarding")
	assert.EqualError(t, err, "inventory: no adgangskort is ready to hand out")
	assert.True(t, errors.Is(err, inventory.ErrNoneReady))
}

// conflicting is a store whose first n updates lose a race.
type conflicting struct {
	inventory.Store
	n int
}

func (c *conflicting) Update(ctx context.Context, a *inventory.Asset, prev int, log []inventory.Entry) error {
	if c.n > 0 {
		c.n--
		return inventory.ErrConflict
	}
	return c.Store.Update(ctx, a, prev, log)
}

func TestDoRetriesAndGivesUp(t *testing.T) {
	inv, s := newInventory(t)
	a, err := inv.Register(bg, "pc", "SN-1", "it", "")
	require.NoError(t, err)
	inv.Store = &conflicting{Store: s, n: 3}
	got, err := inv.Do(bg, a.ID, inventory.Change{Action: inventory.Prepare, By: "it"})
	require.NoError(t, err, "three losses, then a win")
	assert.Equal(t, 2, got.Version)
	inv.Store = &conflicting{Store: s, n: 1000}
	_, err = inv.Do(bg, a.ID, inventory.Change{Action: inventory.Archive, By: "it"})
	assert.ErrorIs(t, err, inventory.ErrConflict)
	_, err = inv.HandOut(bg, "pc", uuid.New(), uuid.Nil, uuid.Nil, timeline.Open, "it")
	assert.ErrorIs(t, err, inventory.ErrConflict)
}

func TestAssetJSON(t *testing.T) {
	due := timeline.MustDate(2027, 6, 30)
	id, holder := uuid.MustParse("a0000000-0000-0000-0000-000000000001"), uuid.MustParse("b0000000-0000-0000-0000-000000000002")
	a := inventory.Asset{ID: id, Kind: "pc", Serial: "SN-1", Status: inventory.Deployed, Holder: holder, HandedOut: t0, ExpectedReturn: due, Version: 3}
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"a0000000-0000-0000-0000-000000000001","kind":"pc","serial":"SN-1","status":"deployed",
		"holder":"b0000000-0000-0000-0000-000000000002","handed_out":"2027-01-15T09:30:00Z","expected_return":"2027-06-30","version":3}`, string(b))
	var back inventory.Asset
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, a, back)

	a.ExpectedReturn = timeline.Open
	b, err = json.Marshal(&a)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "expected_return")
	back = inventory.Asset{}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, timeline.Open, back.ExpectedReturn)

	ready := inventory.Asset{ID: id, Kind: "pc", Serial: "SN-1", Status: inventory.Ready, Version: 1}
	b, err = json.Marshal(ready)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"a0000000-0000-0000-0000-000000000001","kind":"pc","serial":"SN-1","status":"ready","version":1}`, string(b))
	back = inventory.Asset{}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, ready, back)
	assert.Error(t, json.Unmarshal([]byte(`{"expected_return":"2027-02-30"}`), &back))
}
