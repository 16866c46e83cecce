package notify

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Uncoupled returns the PayrollUnitUncoupled notices for the payroll units
// a rules run found with engagements and no relation to an administrative
// unit (rules.Result.Unrelated), as the model now knows them. A unit is
// notified once until it or one of its relations is registered anew: the
// key holds the latest registration of the unit and its related-units
// links, so a daily rules run does not mail the same gap every day, and a
// relation added and removed again alerts again.
func (rs *Rules) Uncoupled(m *orgmodel.Model, found []rules.Unrelated) []Notice {
	if !rs.Fires(PayrollUnitUncoupled) || len(found) == 0 {
		return nil
	}
	v := m.Latest()
	var out []Notice
	for _, u := range found {
		seq := latestRegistration(m, u.Unit)
		for _, o := range v.PointingAt(u.Unit, orgmodel.KindRelatedUnits) {
			seq = max(seq, latestRegistration(m, o.ID))
		}
		if seq == 0 {
			continue // not in the model (a stale result)
		}
		reg, today := regContext(m, seq)
		day := today
		if len(u.When) > 0 {
			day = max(u.When[0].From, today)
			if u.When[0].To != timeline.Open && u.When[0].To <= day {
				day = u.When[0].From
			}
		}
		f := finding{trigger: PayrollUnitUncoupled, object: u.Unit, suffix: fmt.Sprintf("r%d", seq), view: v, day: day,
			unit: u.Unit, data: baseData(reg, day)}
		f.data.Unit = newDescribe(v, day).unit(u.Unit)
		if f.data.Unit.Name == "" {
			f.data.Unit.Name = u.Name
		}
		for _, iv := range u.When {
			f.data.Periods = append(f.data.Periods, period(iv))
		}
		out = append(out, rs.notices(f)...)
	}
	return out
}

// latestRegistration returns the registration of an object's latest
// version, 0 if the id is unknown.
func latestRegistration(m *orgmodel.Model, id uuid.UUID) uint64 {
	h := m.History(id)
	if len(h) == 0 {
		return 0
	}
	return h[len(h)-1].Registration.Seq
}

// period writes an interval's days as "2027-01-01–2027-03-31", or
// "2027-01-01–" for one without an end.
func period(iv timeline.Interval) string {
	if iv.To == timeline.Open {
		return iv.From.String() + "–"
	}
	return iv.From.String() + "–" + (iv.To - 1).String()
}
