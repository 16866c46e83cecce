package adsync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
)

func TestDiffComparesAsADDoes(t *testing.T) {
	have := &connectors.Entry{Attributes: []connectors.Attribute{
		{Name: "title", Values: []string{"Lærer"}},
		{Name: "Manager", Values: []string{"cn=Dorte Ærø, ou=Kommune,dc=example,dc=org"}},
		{Name: "mail", Values: []string{"Bo.Ek@Kommune.dk"}},
		{Name: "proxyAddresses", Values: []string{"smtp:b@k.dk", "SMTP:bo.ek@kommune.dk"}},
		{Name: "department", Values: []string{"Skolen"}},
		{Name: "description", Values: []string{"old"}},
	}}
	want := []connectors.Attribute{
		{Name: "title", Values: []string{"lærer"}},                                         // case matters for display text
		{Name: "manager", Values: []string{"CN=Dorte Ærø,OU=Kommune,DC=example,DC=org"}},   // the same DN
		{Name: "mail", Values: []string{"bo.ek@kommune.dk"}},                               // the same address
		{Name: "proxyAddresses", Values: []string{"SMTP:bo.ek@kommune.dk", "smtp:b@k.dk"}}, // a set
		{Name: "department", Values: []string{"Skolen"}},                                   // equal
		{Name: "description"},                          // cleared
		{Name: "company", Values: []string{"Kommune"}}, // new
	}
	got := adsync.Diff(want, have)
	var names []string
	for _, c := range got {
		names = append(names, c.Attribute)
	}
	assert.Equal(t, []string{"title", "description", "company"}, names)
	assert.Equal(t, []string{"old"}, got[1].Old)
	assert.Empty(t, got[1].New)
	assert.Empty(t, adsync.Diff(want[1:5], have), "nothing to do twice")
}

func TestOURules(t *testing.T) {
	o := newOrg(t)
	m := mapping(t, map[string]string{"sn": "{{.Person.Surname}}"})
	data, err := adsync.DataFor(o.m.Latest().At(d("2026-06-01")), m, o.bo, nil)
	require.NoError(t, err)
	mirror := &adsync.OURule{Mode: "mirror", Base: "OU=Org,DC=example,DC=org"}
	require.NoError(t, mirror.Validate())
	dn, err := mirror.Target(data)
	require.NoError(t, err)
	assert.Equal(t, "OU=Skolen,OU=Kommune,OU=Org,DC=example,DC=org", dn)
	data.Unit.Name = "Løn, Personale"
	dn, err = mirror.Target(data)
	require.NoError(t, err)
	assert.Equal(t, `OU=Løn\, Personale,OU=Kommune,OU=Org,DC=example,DC=org`, dn, "a unit name with a comma is one OU")
	table := &adsync.OURule{Mode: "table", Single: "OU=Andre,DC=example,DC=org", Table: map[string]string{"2": "OU=Skoler,DC=example,DC=org"}}
	require.NoError(t, table.Validate())
	dn, _ = table.Target(data)
	assert.Equal(t, "OU=Skoler,DC=example,DC=org", dn)
	data.Unit.UserKey = "99"
	dn, _ = table.Target(data)
	assert.Equal(t, "OU=Andre,DC=example,DC=org", dn, "the fallback")
	for _, bad := range []adsync.OURule{{Mode: "tree"}, {Mode: "single"}, {Mode: "mirror", Base: "nope"}, {Mode: "table", Single: "OU=a,DC=b", Table: map[string]string{"1": "x"}}} {
		assert.Error(t, bad.Validate(), "%+v", bad)
	}
}
