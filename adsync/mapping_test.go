package adsync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	d   = timeline.MustParseDate
	ctx = context.Background()
)

func mapping(t *testing.T, attrs map[string]string) *adsync.Mapping {
	t.Helper()
	m := &adsync.Mapping{Attributes: attrs, EnableDaysBefore: 7}
	require.NoError(t, m.Compile())
	return m
}

func TestMappingErrorsAtLoad(t *testing.T) {
	m := &adsync.Mapping{Attributes: map[string]string{
		"title":          "{{.Primary.JobTitle}}", // no such field
		"department":     "{{.Unit.Name",          // does not parse
		"sAMAccountName": "{{.Person.Surname}}",   // the generator's
		"bad name":       "x",                     // not an attribute
		"company":        "{{frobnicate .}}",      // no such function
		"sn":             "{{.Person.Surname}}",   // fine
		"employeeID":     "{{cpr .}}",             // explicit CPR: allowed
		"info":           "line one\n{{.Nope}}",   // field on line 2
	}}
	err := m.Compile()
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"mapping of title", "JobTitle",
		"mapping of department",
		"mapping of sAMAccountName: not mappable",
		"bad name",
		"mapping of company", "frobnicate",
		"mapping of info", "info:2",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "mapping of sn")
	assert.NotContains(t, msg, "mapping of employeeID")
	var me *adsync.MappingError
	assert.True(t, errors.As(err, &me))
}

// org is a small municipality: Kommune ⊃ Skolen; Dorte manages the
// Kommune, Bo teaches at Skolen, Eva starts at Skolen in five days.
type org struct {
	m                 *orgmodel.Model
	kommune, skolen   uuid.UUID
	dorte, bo, eva, x uuid.UUID
}

func newOrg(t *testing.T) *org {
	t.Helper()
	o := &org{m: orgmodel.New(orgmodel.Options{})}
	var cs orgmodel.ChangeSet
	from := timeline.Since(d("2024-01-01"))
	o.kommune = cs.Add("1", from, orgmodel.UnitAttrs{Name: "Kommune", Level: "NY2-niveau"})
	o.skolen = cs.Add("2", from, orgmodel.UnitAttrs{Name: "Skolen", Parent: o.kommune, Level: "NY1-niveau"})
	o.dorte = cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Dorte", Surname: "Ærø"})
	o.bo = cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Bo Erik", Surname: "Ek", NationalID: orgmodel.MustParseCPR("0101901234", orgmodel.CPROptions{})})
	o.eva = cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Eva", Surname: "Lund"})
	o.x = cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "X", Surname: "Y"})
	dj := cs.Add("1", from, orgmodel.EngagementAttrs{Person: o.dorte, Unit: o.kommune, JobFunction: "Direktør", Fraction: 1})
	cs.Add("2", from, orgmodel.EngagementAttrs{Person: o.bo, Unit: o.skolen, JobFunction: "Lærer", EmploymentNumber: "00042", Fraction: 1})
	cs.Add("3", timeline.Since(d("2026-06-06")), orgmodel.EngagementAttrs{Person: o.eva, Unit: o.skolen, JobFunction: "Pædagog", Fraction: 1})
	cs.Add("M", from, orgmodel.ManagerAttrs{Unit: o.kommune, Person: o.dorte, Engagement: dj})
	_, err := o.m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)
	return o
}

type dns map[uuid.UUID]string

func (m dns) AccountDN(p uuid.UUID) (string, bool) { dn, ok := m[p]; return dn, ok }

func TestDesiredState(t *testing.T) {
	o := newOrg(t)
	m := mapping(t, map[string]string{
		"givenName":      "{{.Person.GivenNames}}",
		"sn":             "{{.Person.Surname}}",
		"displayName":    "{{.Person.GivenNames}} {{.Person.Surname}}",
		"title":          "{{.Primary.JobFunction}}",
		"department":     "{{.Unit.Name}}",
		"company":        "{{(root .).Name}}",
		"division":       "{{(level . \"NY2-niveau\").Name}}",
		"manager":        "{{.ManagerDN}}",
		"employeeNumber": "{{.Primary.EmploymentNumber}}",
		"initials":       "{{initials .Person.GivenNames}}",
		"description":    "{{default \"(ingen)\" .Person.NicknameGivenNames}}",
	})
	g := o.m.Latest().At(d("2026-06-01"))
	got, err := adsync.DesiredFor(g, m, o.bo, dns{o.dorte: "CN=Dorte Ærø,OU=Kommune,DC=example,DC=org"})
	require.NoError(t, err)
	assert.Equal(t, o.skolen, got.Unit)
	want := map[string]string{
		"givenName": "Bo Erik", "sn": "Ek", "displayName": "Bo Erik Ek", "title": "Lærer",
		"department": "Skolen", "company": "Kommune", "division": "Kommune",
		"manager": "CN=Dorte Ærø,OU=Kommune,DC=example,DC=org", "employeeNumber": "00042", "initials": "BE",
		"description": "(ingen)",
	}
	for _, a := range got.Attributes {
		require.Len(t, a.Values, 1, a.Name)
		assert.Equal(t, want[a.Name], a.Values[0], a.Name)
	}
	assert.Len(t, got.Attributes, len(want))
	for _, a := range got.Attributes {
		assert.NotContains(t, a.Values[0], "1234", "no CPR unless mapped")
	}

	// The manager has no account yet: the attribute is cleared, not
	// guessed.
	got, err = adsync.DesiredFor(g, m, o.bo, dns{})
	require.NoError(t, err)
	for _, a := range got.Attributes {
		if a.Name == "manager" {
			assert.Empty(t, a.Values)
		}
	}
}

func TestFutureHiresAndPersonsWithoutEngagements(t *testing.T) {
	o := newOrg(t)
	m := mapping(t, map[string]string{"title": "{{.Primary.JobFunction}}", "employeeID": "{{cpr .}}"})
	g := o.m.Latest().At(d("2026-06-01"))
	got, err := adsync.DesiredFor(g, m, o.eva, nil)
	require.NoError(t, err, "starts in five days, within the seven-day window")
	assert.Equal(t, "Pædagog", got.Attributes[1].Values[0])
	_, err = adsync.DesiredFor(o.m.Latest().At(d("2026-05-01")), m, o.eva, nil)
	assert.ErrorIs(t, err, adsync.ErrNoEngagement, "too early")
	_, err = adsync.DesiredFor(g, m, o.x, nil)
	assert.ErrorIs(t, err, adsync.ErrNoEngagement)
	// The CPR reaches AD only through the explicit cpr function.
	got, err = adsync.DesiredFor(g, m, o.bo, nil)
	require.NoError(t, err)
	assert.Equal(t, connectors.Attribute{Name: "employeeID", Values: []string{"0101901234"}}, got.Attributes[0])
}
