package rules_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestConfigErrorsNameTheirKeys(t *testing.T) {
	c := rules.DefaultConfig()
	c.Leder.Choose = []string{"latest-start", "oldest", "latest-start", "earliest-start"}
	c.Leder.Vacant = "sometimes"
	c.Leder.Suffix = "_leder\x00"
	c.Leder.Levels = map[string]string{"NY1-niveau": "Niveau\n1"}
	c.Validity.Action = "terminate"
	c.Coupling.Enabled = true
	c.Primary.Strategy = "type-order"
	_, err := rules.New(c)
	require.Error(t, err)
	var keys []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *rules.ConfigError
		require.True(t, errors.As(e, &ce), "%v", e)
		keys = append(keys, ce.Key)
	}
	assert.ElementsMatch(t, []string{"leder.suffix", "leder.choose.1", "leder.choose.2", "leder.choose", "leder.vacant", "leder.levels.NY1-niveau",
		"validity.action", "coupling.payroll_root", "primary.type_order"}, keys)
	_, err = rules.New(rules.DefaultConfig())
	assert.NoError(t, err, "the defaults are valid")
}

func TestPlanNamesAConfiguredUnitItCannotFind(t *testing.T) {
	m, _ := smallModel(t, 1)
	c := synthConfig()
	c.Coupling.UnknownUnit = "no-such-unit"
	set, err := rules.New(c)
	require.NoError(t, err)
	_, err = set.Plan(m.Latest(), timeline.Since(today))
	var ce *rules.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "coupling.unknown_unit", ce.Key)
	_, err = set.Plan(m.Latest(), timeline.Between(today, today))
	assert.Error(t, err, "an empty range")
}
