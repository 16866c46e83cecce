package inventory_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var t0 = time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)

// allowed is the transition table as the issue writes it.
var allowed = map[inventory.Status]map[inventory.Action]inventory.Status{
	inventory.Pending:      {inventory.Prepare: inventory.Ready, inventory.Archive: inventory.Archived},
	inventory.Ready:        {inventory.HandOut: inventory.Deployed, inventory.Break: inventory.Undeployable, inventory.Archive: inventory.Archived},
	inventory.Deployed:     {inventory.Return: inventory.Ready, inventory.Break: inventory.Undeployable},
	inventory.Undeployable: {inventory.Repair: inventory.Ready, inventory.Archive: inventory.Archived},
	inventory.Archived:     {},
}

func TestNextEveryPair(t *testing.T) {
	n := 0
	for _, from := range inventory.Statuses {
		for _, a := range slices.Concat(inventory.Actions, []inventory.Action{inventory.Add, "steal"}) {
			got, err := inventory.Next(from, a)
			want, ok := allowed[from][a]
			if ok {
				n++
				require.NoError(t, err, "%s by %s", from, a)
				assert.Equal(t, want, got, "%s by %s", from, a)
				continue
			}
			var te *inventory.TransitionError
			require.ErrorAs(t, err, &te, "%s by %s is refused", from, a)
			assert.Equal(t, from, te.From)
			assert.Equal(t, a, te.Action)
			assert.Equal(t, from, got, "a refusal stays where it was")
		}
	}
	assert.Equal(t, 9, n, "nine transitions allowed")
	_, err := inventory.Next("lost", inventory.Prepare)
	assert.ErrorContains(t, err, "status is unknown")
	_, err = inventory.Next(inventory.Deployed, inventory.Archive)
	assert.ErrorContains(t, err, "returned before it is archived")
	_, err = inventory.Next(inventory.Archived, inventory.Repair)
	assert.ErrorContains(t, err, "for good")
	assert.True(t, inventory.Archived.Terminal())
	for _, s := range inventory.Statuses[:4] {
		assert.False(t, s.Terminal(), s)
	}
}

// at returns an asset in the status, as Apply leaves it.
func at(t *testing.T, s inventory.Status) *inventory.Asset {
	t.Helper()
	a := &inventory.Asset{ID: uuid.New(), Kind: "pc", Serial: "SN-1", Status: inventory.Pending, Version: 1}
	path := map[inventory.Status][]inventory.Action{
		inventory.Ready:        {inventory.Prepare},
		inventory.Deployed:     {inventory.Prepare, inventory.HandOut},
		inventory.Undeployable: {inventory.Prepare, inventory.Break},
		inventory.Archived:     {inventory.Archive},
	}[s]
	for _, act := range path {
		_, err := a.Apply(inventory.Change{Action: act, At: t0, By: "it", Note: "fordi", Holder: uuid.New(), ExpectedReturn: timeline.Open})
		require.NoError(t, err)
	}
	require.Equal(t, s, a.Status)
	return a
}

func TestApplyEveryPair(t *testing.T) {
	for _, from := range inventory.Statuses {
		for _, act := range inventory.Actions {
			a := at(t, from)
			before := *a
			holder := uuid.New()
			e, err := a.Apply(inventory.Change{Action: act, At: t0.Add(time.Hour), By: "it", Note: "fordi", Holder: holder, ExpectedReturn: timeline.Open})
			want, ok := allowed[from][act]
			if !ok {
				var te *inventory.TransitionError
				require.ErrorAs(t, err, &te, "%s by %s", from, act)
				assert.Equal(t, a.ID, te.Asset, "the error names the asset")
				assert.Equal(t, before, *a, "a refused change changes nothing")
				continue
			}
			require.NoError(t, err, "%s by %s", from, act)
			assert.Equal(t, want, a.Status)
			assert.Equal(t, before.Version+1, a.Version)
			assert.Equal(t, inventory.Entry{Asset: a.ID, At: t0.Add(time.Hour), By: "it", Action: act, From: from, To: want,
				Holder: map[bool]uuid.UUID{true: holder, false: before.Holder}[want == inventory.Deployed], Note: "fordi"}, e)
			assert.NoError(t, inventory.CheckAsset(a), "Apply leaves a storable asset")
		}
	}
}

func TestApplyNeeds(t *testing.T) {
	ready := at(t, inventory.Ready)
	before := *ready
	_, err := ready.Apply(inventory.Change{Action: inventory.HandOut, At: t0, By: "it", ExpectedReturn: timeline.Open})
	var te *inventory.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, te.Reason, "the person")
	_, err = ready.Apply(inventory.Change{Action: inventory.Break, At: t0, By: "it", Note: "  "})
	require.ErrorAs(t, err, &te, "a break needs a reason")
	assert.Contains(t, te.Reason, "reason")
	var ie *inventory.InvalidError
	_, err = ready.Apply(inventory.Change{Action: inventory.Prepare, By: "it"})
	require.ErrorAs(t, err, &ie, "no time")
	_, err = ready.Apply(inventory.Change{Action: inventory.Archive, At: t0})
	require.ErrorAs(t, err, &ie, "no actor")
	_, err = ready.Apply(inventory.Change{Action: inventory.Archive, At: t0, By: "it", Note: "bad\x00"})
	require.ErrorAs(t, err, &ie, "a NUL in the note")
	_, err = ready.Apply(inventory.Change{Action: inventory.HandOut, At: t0, By: "it", Holder: uuid.New(), ExpectedReturn: timeline.Date(-1 << 30)})
	require.ErrorAs(t, err, &ie, "an expected return that is no day")
	assert.Equal(t, before, *ready, "nothing changed")
}

func TestApplyHandOutAndBack(t *testing.T) {
	a := at(t, inventory.Ready)
	person, unit, order := uuid.New(), uuid.New(), uuid.New()
	due := timeline.MustDate(2027, 6, 30)
	cph := time.FixedZone("CET", 3600)
	_, err := a.Apply(inventory.Change{Action: inventory.HandOut, At: t0.In(cph), By: "boarding", Holder: person, Unit: unit, Order: order, ExpectedReturn: due})
	require.NoError(t, err)
	assert.Equal(t, person, a.Holder)
	assert.Equal(t, unit, a.Unit)
	assert.Equal(t, order, a.Order)
	assert.Equal(t, due, a.ExpectedReturn)
	assert.Equal(t, t0, a.HandedOut, "kept in UTC")

	e, err := a.Apply(inventory.Change{Action: inventory.Break, At: t0.Add(time.Hour), By: "it", Note: "tabt på gulvet"})
	require.NoError(t, err)
	assert.Equal(t, person, e.Holder, "the history says who had it")
	assert.Equal(t, order, e.Order)
	assert.Equal(t, inventory.Asset{ID: a.ID, Kind: "pc", Serial: "SN-1", Status: inventory.Undeployable, Note: "tabt på gulvet", Version: 4}, *a,
		"a broken asset is held by no one")
}

func TestTransitionErrorMessage(t *testing.T) {
	a := at(t, inventory.Archived)
	_, err := a.Apply(inventory.Change{Action: inventory.Repair, At: t0, By: "it"})
	assert.EqualError(t, err, "inventory: cannot repair an asset that is archived ("+a.ID.String()+"): an archived asset is out of the register for good")
	assert.False(t, errors.Is(err, inventory.ErrConflict))
}
