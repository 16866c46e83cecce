package adsync_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
)

func TestConfigErrorsNameTheirKeys(t *testing.T) {
	cfg := adsync.Config{
		Base:     "not a dn",
		ChapelOU: "OU=Kapel,,",
		Mapping: adsync.Mapping{Attributes: map[string]string{
			"title": "{{.Primary.Nope}}", "department": "{{.Unit.Name}}",
		}, EnableDaysBefore: -1},
		ServiceMapping: &adsync.Mapping{Attributes: map[string]string{"description": "{{"}},
		Correlation:    adsync.Correlation{Anchor: "bad attr!", Rules: []adsync.Rule{{Attribute: "mail", Value: "{{.Person.Mail}}"}}},
		OU:             adsync.OURule{Mode: "table", Single: "OU=Ansatte,DC=example,DC=org", Table: map[string]string{"42": "nope"}},
		Groups:         []adsync.GroupRule{{Group: "CN=Alle,DC=example,DC=org"}, {Group: "Pædagoger"}},
		Drift:          "ignore",
	}
	err := cfg.Validate()
	require.Error(t, err)
	var keys []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *adsync.ConfigError
		require.True(t, errors.As(e, &ce), "%v is a *ConfigError", e)
		keys = append(keys, ce.Key)
	}
	assert.ElementsMatch(t, []string{
		"base", "chapel_ou", "mapping.attributes.title", "mapping.enable_days_before",
		"service_mapping.attributes.description", "correlation.anchor", "correlation.rules.0",
		"ou.table.42", "groups.1", "drift",
	}, keys)
	var me *adsync.MappingError
	assert.True(t, errors.As(err, &me), "a template's error is still a *MappingError")
	assert.Contains(t, err.Error(), "adsync: mapping.enable_days_before: must not be negative")

	_, err = adsync.NewEngine(cfg, nil, nil)
	assert.ErrorContains(t, err, "adsync: drift: ")
}
