package connectors_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgsync/orgsync/connectors"
)

func TestEntryHasComparesAsADDoes(t *testing.T) {
	e := &connectors.Entry{Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"top", "person", "organizationalPerson", "User"}},
		{Name: "sn", Values: []string{"Ærø"}},
	}}
	assert.True(t, e.Has("OBJECTCLASS", "user"), "attribute names and values fold")
	assert.True(t, e.Has("sn", "æRØ"), "beyond ASCII")
	assert.False(t, e.Has("objectClass", "computer"))
	assert.False(t, e.Has("objectClass", "use"), "whole values only")
	assert.False(t, e.Has("mail", ""), "an absent attribute has no values, not an empty one")
}
