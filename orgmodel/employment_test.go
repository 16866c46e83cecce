package orgmodel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func TestEmployment(t *testing.T) {
	f := newFixture(t)
	// Emma leaves A1 at the end of March, comes back to A2 in June with
	// two overlapping engagements; Frederik is untouched.
	var cs om.ChangeSet
	cs.Terminate(f.engE, d("2024-04-01"))
	cs.Add("E2", timeline.Between(d("2024-06-01"), d("2024-09-01")), om.EngagementAttrs{Person: f.emma, Unit: f.a2, EmploymentNumber: "2"})
	cs.Add("E3", timeline.Since(d("2024-08-01")), om.EngagementAttrs{Person: f.emma, Unit: f.a1, EmploymentNumber: "3"})
	f.apply(t, &cs)

	got := f.m.Latest().Employment(f.emma)
	assert.Equal(t, []timeline.Interval{
		timeline.Between(jan2024, d("2024-04-01")),
		timeline.Since(d("2024-06-01")),
	}, intervals(got))
	assert.Equal(t, []timeline.Interval{timeline.Since(jan2024)}, intervals(f.m.Latest().Employment(f.fre)))
	assert.Empty(t, intervals(f.m.Latest().Employment(f.a1)), "a unit has no employment")
}

func intervals(tl timeline.Timeline[struct{}]) []timeline.Interval {
	var out []timeline.Interval
	for sp := range tl.All() {
		out = append(out, sp.Interval)
	}
	return out
}
