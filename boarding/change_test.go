package boarding_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A manager changes a teacher's job role to substitute (vikar): the
// order grants only what the person does not hold (nothing: Aula is in
// both), so it is refused as empty; changing to the teacher's role plus
// the care system gives the difference, and dropping the teacher's role
// revokes its items the new ones lack after the grace period.
func TestAChangeOfJobRoleOrdersTheDifference(t *testing.T) {
	r := newRig(t)
	r.e = engineWith(t, r.world, birthrightCatalogue)
	r.e.Catalogue.Birthrights = nil
	r.e.Rights.Equipment = []string{"servicedesk@sjolund.dk"}
	r.d.Engine = r.e
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)
	_, person, _, acct := r.onboarded(t, sub, false)

	day := timeline.MustDate(2027, 4, 1)
	req := boarding.Request{Key: "change-1", Kind: boarding.Change, Person: person, Unit: r.school, Roles: []string{"vikar"}, Drop: []string{"laerer"}, Start: day, Reason: "vikariat"}
	_, err = r.e.Place(bg, "soeren@sjolund.dk", req)
	var re *boarding.RequestError
	require.True(t, errorsAs(err, &re), "%v", err)
	assert.Equal(t, "roles", re.Field, "every item of the new role is held already")

	req.Roles = []string{"pleje"}
	o, err := r.e.Place(bg, "soeren@sjolund.dk", req)
	require.NoError(t, err)
	assert.Equal(t, boarding.Change, o.Kind)
	assert.Equal(t, []string{"grant nexus/sosu"}, items(*o))
	assert.Equal(t, boarding.Active, o.State, "an employee with an account: no contract to wait for")
	revokes := byKey(t, r, "change-1/revoke")
	require.Len(t, revokes, 1)
	assert.Equal(t, []string{"reclaim pc/", "revoke ad/laerere"}, items(revokes[0]))
	assert.Equal(t, day.AddDays(14), revokes[0].Start)

	again, err := r.e.Place(bg, "soeren@sjolund.dk", req)
	require.NoError(t, err)
	assert.Equal(t, o.ID, again.ID)
	assert.Len(t, byKey(t, r, "change-1"), 2, "placed twice: one order and its revoke")

	r.now = om.New(om.Options{}).Zone().Start(day.AddDays(14)).Add(9 * time.Hour)
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	r.dispatch(t)
	assert.False(t, r.member(t, laerere, acct))

	for _, bad := range []boarding.Request{
		{Key: "c2", Kind: boarding.Change, Unit: r.school, Roles: []string{"pleje"}, Start: day},
		{Key: "c3", Kind: boarding.Offboard, Person: person, Unit: r.school, Roles: []string{"pleje"}, Start: day},
		{Key: "c4", Person: person, Unit: r.school, Roles: []string{"pleje"}, Drop: []string{"laerer"}, Start: day},
		{Key: "c5", Kind: boarding.Change, Person: person, Unit: r.school, Roles: []string{"pleje"}, Drop: []string{"findes-ikke"}, Start: day},
		{Key: "c6", Kind: boarding.Change, Person: person, Unit: r.care, Roles: []string{"pleje"}, Start: day},
	} {
		_, err := r.e.Place(bg, "hr@sjolund.dk", bad)
		assert.True(t, errorsAs(err, &re), "%s: %v", bad.Key, err)
	}
}
