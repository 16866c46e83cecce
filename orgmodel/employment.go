package orgmodel

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Employment returns the days on which the person has an engagement, over
// all time as the view knows it: overlapping and back-to-back engagements
// count as one stretch. Whether someone is employed now or later, and the
// first day without an engagement after a leave, are read from it (the
// chapel and adsync ask exactly this).
func (v View) Employment(person uuid.UUID) timeline.Timeline[struct{}] {
	v.m.mu.RLock()
	defer v.m.mu.RUnlock()
	var out timeline.Timeline[struct{}]
	rec := v.m.records[person]
	for _, r := range rec.referrers(KindEngagement) {
		o := r.at(v.reg)
		if o == nil || o.Kind != KindEngagement {
			continue
		}
		for sp := range o.Timeline.All() {
			if a, ok := sp.Value.(EngagementAttrs); ok && a.Person == person {
				out = out.Set(sp.Interval, struct{}{})
			}
		}
	}
	return out
}
