package boarding_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// birthrightCatalogue is testCatalogue with Nexus, a care role, and
// birthright rules: teachers at the school get the teacher's role,
// everyone in elder care (and below) the care role.
var birthrightCatalogue = strings.Replace(testCatalogue, "equipment:", `  - id: nexus
    name: Nexus
    kind: manual
    administrators: [nexus-support@sjolund.dk]
    resources:
      - {key: sosu, name: Social- og sundhedsassistent}
equipment:`, 1) + `  - id: pleje
    name: Pleje
    items:
      - {system: aula, resource: laerer}
      - {system: nexus, resource: sosu}
birthrights:
  - {job_role: laerer, unit: "300", titles: {include: [lærer]}}
  - {job_role: pleje, unit: "400", inherit: true}
`

func byKey(t *testing.T, r *rig, prefix string) []boarding.Order {
	t.Helper()
	all, err := r.e.Store.List(bg, boarding.Query{})
	require.NoError(t, err)
	return slices.DeleteFunc(all, func(o boarding.Order) bool { return !strings.HasPrefix(o.Key, prefix) })
}

func items(o boarding.Order) []string {
	var out []string
	for _, t := range o.Tasks {
		out = append(out, string(t.Action)+" "+t.Item.System+t.Item.Equipment+"/"+t.Item.Resource)
	}
	slices.Sort(out)
	return out
}

// A teacher hired at the school gets the teacher's role by birthright,
// without an order; when they move to elder care, the care role's new
// items are granted on the day and the teacher's own items revoked when
// the grace period is over; what both roles have stays.
func TestBirthrightsAndAMover(t *testing.T) {
	r := newRig(t)
	r.e = engineWith(t, r.world, birthrightCatalogue)
	r.e.Rights.Equipment = []string{"servicedesk@sjolund.dk"}
	r.d.Engine = r.e
	sub, err := r.m.Subscribe("boarding")
	require.NoError(t, err)

	person, eng := r.hire(t)
	r.events(t, sub)
	got := byKey(t, r, "birthright/")
	require.Len(t, got, 1, "the birthright gives an order nobody placed")
	o := got[0]
	assert.Equal(t, "orgsync boarding", o.OrderedBy)
	assert.Equal(t, boarding.Parked, o.State, "waiting for the AD account")
	assert.Equal(t, []string{"deliver pc/", "grant ad/laerere", "grant aula/laerer"}, items(o))

	acct := r.account(t, person)
	r.events(t, sub)
	require.Equal(t, boarding.Active, r.get(t, o.ID).State)
	r.dispatch(t)
	o = *r.get(t, o.ID)
	for _, task := range o.Tasks {
		if !task.Integrated {
			who := "aula-admin@sjolund.dk"
			if task.Item.IsEquipment() {
				who = "servicedesk@sjolund.dk"
			}
			_, err := r.e.Confirm(bg, who, o.ID, task.ID, boarding.LinkDone, "")
			require.NoError(t, err)
		}
	}
	require.Equal(t, boarding.Fulfilled, r.get(t, o.ID).State)
	require.True(t, r.member(t, laerere, acct))

	moveDay := timeline.MustDate(2027, 5, 1)
	var cs om.ChangeSet
	cs.Set(eng, timeline.Since(moveDay), om.EngagementAttrs{Person: person, Unit: r.care, JobFunction: "SOSU-assistent", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	r.apply(t, &cs)
	r.events(t, sub)
	r.events(t, sub)
	moves := byKey(t, r, "move/")
	require.Len(t, moves, 2, "one order granting, one revoking, however often the event comes")
	grant, revoke := moves[0], moves[1]
	assert.Equal(t, boarding.Change, grant.Kind)
	assert.Equal(t, []string{"grant nexus/sosu"}, items(grant), "Aula is in both roles: kept")
	assert.Equal(t, []string{"reclaim pc/", "revoke ad/laerere"}, items(revoke))
	assert.Equal(t, moveDay.AddDays(14), revoke.Start)
	assert.Equal(t, boarding.Active, grant.State, "ready for the move")
	assert.Equal(t, boarding.Parked, revoke.State, "the old items stay through the grace period")

	r.now = om.New(om.Options{}).Zone().Start(moveDay.AddDays(13)).Add(9 * time.Hour)
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Equal(t, boarding.Parked, r.get(t, revoke.ID).State)
	r.now = r.now.Add(24 * time.Hour)
	_, err = r.e.Sweep(bg)
	require.NoError(t, err)
	assert.Equal(t, boarding.Active, r.get(t, revoke.ID).State)
	r.dispatch(t)
	assert.False(t, r.member(t, laerere, acct), "the teacher's group goes after the grace period")
	assert.Len(t, mailTo(r.mails(t), "nexus-support@sjolund.dk", "grant"), 1)
}
