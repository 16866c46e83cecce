package adsync_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A temporary employee registered in Omada today (seed 000, feature 5)
// gets an engagement in the payroll unit through the intake, and the
// sync plans their account the same day: nobody waits for payroll.
func TestAVikarFromOmadaGetsAnAccountTheSameDay(t *testing.T) {
	f := newPlanFx(t)
	today := "2026-06-01"
	snap, err := intake.Identities("omada", &connectors.IdentitySnapshot{Identities: []connectors.Identity{{
		Key: "V1", GivenNames: "Vibeke", Surname: "Vikarsen", Unit: "2", JobTitle: "Vikar", Category: "Vikar",
		Valid: timeline.Since(d(today)),
	}}}, intake.IdentityOptions{TemporaryCategories: []string{"Vikar"}, Unit: func(key string) (uuid.UUID, bool) {
		ids := f.o.m.Latest().Lookup(orgmodel.KindUnit, key)
		if len(ids) != 1 {
			return uuid.Nil, false
		}
		return ids[0], true
	}})
	require.NoError(t, err)
	cs, _, err := orgmodel.Import(f.o.m.Latest(), snap, orgmodel.ImportOptions{Today: d(today)})
	require.NoError(t, err)
	_, err = f.o.m.Apply(ctx, cs, orgmodel.Registration{Time: time.Now(), Actor: "omada"})
	require.NoError(t, err)

	var vikar uuid.UUID
	g := f.o.m.Latest().At(d(today))
	for o := range f.o.m.Latest().All(orgmodel.KindPerson) {
		if p, ok := g.Person(o.ID); ok && p.GivenNames == "Vibeke" {
			vikar = o.ID
		}
	}
	require.NotEqual(t, uuid.Nil, vikar, "the vikar is a person in the model")
	p := f.plan(t, today, vikar)
	require.Empty(t, p.Errors)
	require.NotEmpty(t, p.Ops)
	assert.Equal(t, adsync.OpCreate, p.Ops[0].Kind, "an account on the first day")
	assert.Contains(t, p.Ops[0].DN, "OU=Skolen", "in the unit's OU")
}
