package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var ctx = context.Background()

func synthConfig() rules.Config {
	c := rules.DefaultConfig()
	c.Coupling = rules.CouplingConfig{Enabled: true, PayrollRoot: "U00001", Recursive: true}
	c.Leder.AssociationType = synth.ManagerMarker
	return c
}

func TestSynthMunicipalitySettlesInOneRun(t *testing.T) {
	m, _ := smallModel(t, 1)
	set, err := rules.New(synthConfig())
	require.NoError(t, err)
	res, err := set.Plan(m.Latest(), timeline.Since(today))
	require.NoError(t, err)
	t.Logf("changed %v, %d conflicts, %d unrelated", res.Changed, len(res.Conflicts), len(res.Unrelated))
	for _, c := range res.Conflicts {
		t.Log(c)
	}
	require.False(t, res.Changes.IsEmpty())
	_, err = m.Apply(ctx, res.Changes, orgmodel.Registration{Time: time.Now(), Actor: "rules"})
	require.NoError(t, err)
	again, err := set.Plan(m.Latest(), timeline.Since(today))
	require.NoError(t, err)
	assert.True(t, again.Changes.IsEmpty(), "a second run changes nothing:\n%s", again.Changes)
}
