package username_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

func TestHistoricalUsernamesFromTheOrgModel(t *testing.T) {
	d := timeline.MustParseDate
	m := orgmodel.New(orgmodel.Options{})
	var cs orgmodel.ChangeSet
	from := timeline.Since(d("2020-01-01"))
	u := cs.Add("1", from, orgmodel.UnitAttrs{Name: "Kommune"})
	jens1 := cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Jens", Surname: "Hansen"})
	jens2 := cs.Add("", from, orgmodel.PersonAttrs{GivenNames: "Jens", Surname: "Hansen"})
	// Jens 1 had jeha until 2024, then left; Jens 2 has jeha2 now; a
	// third account will get jeha3 next month.
	cs.Add("", timeline.Between(d("2020-01-01"), d("2024-01-01")), orgmodel.AccountAttrs{System: "Active Directory", Username: "jeha", Person: jens1})
	cs.Add("", from, orgmodel.AccountAttrs{System: "Active Directory", Username: "jeha2", Person: jens2})
	cs.Add("", timeline.Since(d("2026-12-01")), orgmodel.AccountAttrs{System: "Active Directory", Username: "jeha3", Unit: u})
	cs.Add("", from, orgmodel.AccountAttrs{System: "OPUS", Username: "jeha4", Person: jens2})
	_, err := m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "test"})
	require.NoError(t, err)

	zone := timeline.DefaultZone()
	today := d("2026-11-22")
	idx := username.NewIndex()
	assert.Equal(t, 3, username.LoadHistory(m.Latest(), "Active Directory", zone, today, idx))
	cfg := username.Config{Patterns: []string{"FFLL", "FFLLX"}, Reuse: username.ReuseSamePerson}
	g, err := username.New(cfg, []username.Taken{idx}, username.WithClock(func() time.Time { return zone.Start(today) }))
	require.NoError(t, err)
	r, err := g.Generate(ctx, username.Request{Name: jens, Person: jens1.String()})
	require.NoError(t, err)
	assert.Equal(t, "jeha", r.Username, "a returning employee gets their old name")
	r, err = g.Generate(ctx, username.Request{Name: jens, Person: "someone else", Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "jeha4", r.Username, "another system's names do not count; the future account's does")
	reasons := map[string]string{}
	for _, rj := range r.Rejected {
		reasons[rj.Candidate] = rj.Reason
	}
	assert.Contains(t, reasons["jeha"], "held before by another person")
	assert.Contains(t, reasons["jeha2"], "taken in history")
	assert.Contains(t, reasons["jeha3"], "taken in history", "an account valid from next month holds its name")
}
