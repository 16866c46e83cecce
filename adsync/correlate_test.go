package adsync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
)

const staff = "OU=Staff,DC=example,DC=org"

func twin(t *testing.T) *inmem.Directory {
	t.Helper()
	dir, err := inmem.New(inmem.Options{BaseDN: "DC=example,DC=org"})
	require.NoError(t, err)
	_, err = dir.Create(ctx, connectors.CreateRequest{DN: staff, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	require.NoError(t, err)
	return dir
}

func user(t *testing.T, dir *inmem.Directory, name string, attrs ...connectors.Attribute) connectors.ID {
	t.Helper()
	id, err := dir.Create(ctx, connectors.CreateRequest{DN: "CN=" + name + "," + staff, Attributes: append([]connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{name}},
	}, attrs...)})
	require.NoError(t, err)
	return id
}

func TestCorrelation(t *testing.T) {
	o := newOrg(t)
	g := o.m.Latest().At(d("2026-06-01"))
	m := mapping(t, map[string]string{"sn": "{{.Person.Surname}}"})
	data, err := adsync.DataFor(g, m, o.bo, nil)
	require.NoError(t, err)
	c := &adsync.Correlation{Rules: []adsync.Rule{{Attribute: "employeeNumber", Value: "{{.Primary.EmploymentNumber}}"}}}
	require.NoError(t, c.Compile())

	dir := twin(t)
	got, err := c.Correlate(ctx, dir, staff, "", data, nil)
	require.NoError(t, err)
	assert.Equal(t, adsync.Unmatched, got.Outcome, "nothing there: create")

	legacy := user(t, dir, "boek", connectors.Attribute{Name: "employeeNumber", Values: []string{"00042"}})
	got, err = c.Correlate(ctx, dir, staff, "", data, nil)
	require.NoError(t, err)
	assert.Equal(t, adsync.Unlinked, got.Outcome, "found by the rule")
	assert.Equal(t, "employeeNumber", got.By)
	assert.Equal(t, legacy, got.Entry.ID)

	anchored := user(t, dir, "boek2", connectors.Attribute{Name: "adminDisplayName", Values: []string{o.bo.String()}})
	got, err = c.Correlate(ctx, dir, staff, "", data, nil)
	require.NoError(t, err)
	assert.Equal(t, anchored, got.Entry.ID, "the anchor comes before the rules: an account created before a crash is found")
	assert.Equal(t, "anchor", got.By)

	got, err = c.Correlate(ctx, dir, staff, legacy, data, nil)
	require.NoError(t, err)
	assert.Equal(t, adsync.Linked, got.Outcome, "the stored link comes first")
	assert.Equal(t, legacy, got.Entry.ID)

	require.NoError(t, dir.Delete(ctx, legacy))
	got, err = c.Correlate(ctx, dir, staff, legacy, data, nil)
	require.NoError(t, err)
	assert.Equal(t, adsync.Unlinked, got.Outcome, "a stale link falls through")
	assert.Equal(t, anchored, got.Entry.ID)

	user(t, dir, "boek3", connectors.Attribute{Name: "adminDisplayName", Values: []string{o.bo.String()}})
	got, err = c.Correlate(ctx, dir, staff, "", data, nil)
	require.NoError(t, err)
	assert.Equal(t, adsync.Disputed, got.Outcome, "two accounts claim the person: reported, never acted on")
	assert.Len(t, got.Candidates, 2)
}

func TestCorrelationRulesAreCheckedAtLoad(t *testing.T) {
	c := &adsync.Correlation{Rules: []adsync.Rule{{Attribute: "mail", Value: "{{.Person.Mail}}"}, {Attribute: "bad attr", Value: "x"}}}
	err := c.Compile()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rule 1 (mail)")
	assert.Contains(t, err.Error(), "rule 2")
}
