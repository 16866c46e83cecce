package boarding_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// With an inventory, the desk's confirmation of a delivery hands out a
// ready pc to the person for the order (none ready: refused, nothing
// confirmed), and the offboarding's reclaim takes it back into stock.
func TestEquipmentComesFromTheInventoryAndGoesBack(t *testing.T) {
	r := newRig(t)
	inv := &inventory.Inventory{Store: inventory.NewMemStore(), Catalogue: r.e.Catalogue, Now: func() time.Time { return r.now }}
	r.e.Inventory = inv
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	o, person, eng, _ := r.onboarded(t, sub, true)
	pcTask := taskOf(o, isEquipment)

	_, err = r.e.Confirm(bg, "servicedesk@sjolund.dk", o.ID, pcTask.ID, boarding.LinkDone, "")
	assert.ErrorIs(t, err, inventory.ErrNoneReady)
	assert.Equal(t, boarding.Open, taskOf(r.get(t, o.ID), isEquipment).State, "nothing confirmed")

	a, err := inv.Register(bg, "pc", "PF-4711", "servicedesk@sjolund.dk", "")
	require.NoError(t, err)
	_, err = inv.Do(bg, a.ID, inventory.Change{Action: inventory.Prepare, By: "servicedesk@sjolund.dk"})
	require.NoError(t, err)
	o, err = r.e.Confirm(bg, "servicedesk@sjolund.dk", o.ID, pcTask.ID, boarding.LinkDone, "")
	require.NoError(t, err)
	assert.Equal(t, boarding.Done, taskOf(o, isEquipment).State)
	assert.Equal(t, []uuid.UUID{a.ID}, taskOf(o, isEquipment).Assets)
	held, err := inv.Outstanding(bg, person)
	require.NoError(t, err)
	require.Len(t, held, 1)
	assert.Equal(t, o.ID, held[0].Order)

	phone, err := inv.Register(bg, "pc", "PF-0815", "servicedesk@sjolund.dk", "")
	require.NoError(t, err)
	_, err = inv.Do(bg, phone.ID, inventory.Change{Action: inventory.Prepare, By: "servicedesk@sjolund.dk"})
	require.NoError(t, err)
	_, err = inv.HandOut(bg, "pc", person, r.school, uuid.Nil, timeline.Open, "servicedesk@sjolund.dk") // at the desk, without an order
	require.NoError(t, err)

	r.terminate(t, eng, timeline.MustDate(2027, 4, 1))
	r.events(t, sub)
	off := offboarding(t, r, person)
	require.Len(t, off, 1)
	r.now = r.now.AddDate(0, 3, 0)
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	off[0] = *r.get(t, off[0].ID)
	require.Equal(t, boarding.Active, off[0].State)
	_, err = r.e.Confirm(bg, "servicedesk@sjolund.dk", off[0].ID, taskOf(&off[0], isEquipment).ID, boarding.LinkDone, "")
	require.NoError(t, err)
	held, err = inv.Outstanding(bg, person)
	require.NoError(t, err)
	assert.Empty(t, held, "both pcs are back, the one handed out at the desk too")
	back, err := inv.Store.Get(bg, a.ID)
	require.NoError(t, err)
	assert.Equal(t, inventory.Ready, back.Status)
}
