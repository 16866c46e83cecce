package boarding_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestWhoMayOrderForWhichUnits(t *testing.T) {
	w := newWorld(t)
	r := &boarding.Rights{HR: []string{"hr@sjolund.dk"}, Delegates: []boarding.Delegation{
		{Delegate: "vikar@sjolund.dk", Manager: "soeren@sjolund.dk", From: timeline.MustDate(2027, 1, 1), To: timeline.MustDate(2027, 2, 1)},
	}}
	v, day := w.m.Latest(), w.today()
	ok := func(actor string, unit uuid.UUID) boarding.Permit {
		t.Helper()
		p, err := r.CanOrder(v, day, actor, unit)
		require.NoError(t, err, actor)
		return p
	}
	refused := func(actor string, unit uuid.UUID, day timeline.Date) string {
		t.Helper()
		_, err := r.CanOrder(v, day, actor, unit)
		var pe *boarding.PermissionError
		require.ErrorAs(t, err, &pe, actor)
		return pe.Error()
	}
	assert.Equal(t, "manager", ok("soeren@sjolund.dk", w.school).Via)
	assert.Equal(t, "manager", ok("SOE", w.school).Via, "by AD login, in any case")
	assert.Equal(t, "manager", ok("dorte@sjolund.dk", w.school).Via, "a manager above the unit")
	assert.Equal(t, "hr", ok("hr@sjolund.dk", w.care).Via)
	d := ok("vikar@sjolund.dk", w.school)
	assert.Equal(t, boarding.Permit{Via: "delegate", ActingFor: "soeren@sjolund.dk", NeedsAttest: true}, d)

	assert.Contains(t, refused("soeren@sjolund.dk", w.care, day), "soeren@sjolund.dk may not order for unit Ældreplejen")
	assert.Contains(t, refused("soeren@sjolund.dk", w.root, day), "neither its manager", "a manager does not order upwards")
	assert.Contains(t, refused("vikar@sjolund.dk", w.school, timeline.MustDate(2027, 2, 1)), "the delegation from soeren@sjolund.dk holds from 2027-01-01 until 2027-01-31")
	assert.Contains(t, refused("vikar@sjolund.dk", w.care, day), "neither")
	assert.Contains(t, refused("someone@else.dk", w.school, day), "neither")
	assert.Contains(t, refused("soeren@sjolund.dk", uuid.New(), day), "the unit does not exist")

	o := &boarding.Order{OnBehalfOf: "soeren@sjolund.dk"}
	assert.NoError(t, r.CanAttest("Soeren@sjolund.dk", o))
	assert.NoError(t, r.CanAttest("hr@sjolund.dk", o))
	assert.Error(t, r.CanAttest("vikar@sjolund.dk", o), "a delegate does not attest their own order")
}
