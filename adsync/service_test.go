package adsync_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestServiceAccountsFollowTheirUnit(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	cfg := f.engConfig()
	cfg.ServiceMapping = &adsync.Mapping{Attributes: map[string]string{
		"department":  "{{.Unit.Name}}",
		"description": "Servicekonto for {{.Unit.Name}} ({{.Username}})",
	}}
	eng, err := adsync.NewEngine(cfg, f.dir, f.links)
	require.NoError(t, err)
	f.rec.Engine = eng
	f.rec.Chapel.People = &adsync.ChapelPeople{Engine: eng, Model: f.o.m}

	// A kiosk login made by hand, in the wrong OU, recorded for Skolen by
	// the identity source; and one the source knows but AD does not.
	kiosk, err := f.dir.Create(ctx, connectors.CreateRequest{DN: "CN=Kiosk,OU=Kommune," + orgBase, Enabled: true, Password: "Kiosk-Kode-2026!", Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"skolekiosk"}}}})
	require.NoError(t, err)
	var cs orgmodel.ChangeSet
	from := timeline.Since(d("2024-01-01"))
	cs.AddAs(uuid.New(), "skolekiosk", "omada", from, orgmodel.AccountAttrs{System: adsync.System, Username: "skolekiosk", ExternalID: string(kiosk), Unit: f.o.skolen})
	cs.AddAs(uuid.New(), "borte", "omada", from, orgmodel.AccountAttrs{System: adsync.System, Username: "borte", ExternalID: "00000000-0000-0000-0000-00000000beef", Unit: f.o.skolen})
	f.change(t, &cs)

	p, err := f.rec.Plan(ctx)
	require.NoError(t, err)
	require.Len(t, p.Accounts.Errors, 1, "the missing one, alone")
	assert.Contains(t, p.Accounts.Errors[0].Error(), "borte")
	rep, err := f.rec.Apply(ctx, p, "")
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Failed(), "the missing one")
	e, err := f.dir.Read(ctx, kiosk, []string{"department", "description"})
	require.NoError(t, err)
	assert.Equal(t, "CN=Kiosk,OU=Skolen,OU=Kommune,"+orgBase, e.DN)
	assert.Equal(t, "Skolen", e.First("department"))
	assert.Equal(t, "Servicekonto for Skolen (skolekiosk)", e.First("description"))
	assert.False(t, e.Disabled, "never disabled: the chapel leaves service accounts alone")

	// Skolen is renamed: its service account follows.
	var cs2 orgmodel.ChangeSet
	cs2.Update(f.o.skolen, timeline.Since(d("2026-01-01")), orgmodel.UnitPatch{Name: new("Østskolen")})
	f.change(t, &cs2)
	f.now = f.now.Add(time.Hour)
	_, err = f.rec.Reconcile(ctx)
	require.NoError(t, err)
	e, err = f.dir.Read(ctx, kiosk, []string{"department"})
	require.NoError(t, err)
	assert.Equal(t, "CN=Kiosk,OU=Østskolen,OU=Kommune,"+orgBase, e.DN)
	assert.Equal(t, "Østskolen", e.First("department"))
	p, err = f.rec.Plan(ctx)
	require.NoError(t, err)
	assert.Empty(t, p.Accounts.Ops, "settled")
	assert.Empty(t, p.Chapel.Actions())
}
