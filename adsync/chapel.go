package adsync

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ChapelPeople tells the chapel about the person behind an account, from
// the org model through the engine's links: this is how adsync hands
// leavers to the chapel. A person is employed while they have an
// engagement on the day or one that starts within the mapping's
// preparation window (EnableDaysBefore), as the engine sees it; a person
// whose next engagement starts later is returning, and their account
// waits in the chapel, undeleted; a leaver left on the first day after
// their last engagement, in that engagement's unit. A
// returning person's account goes back to the OU the engine's OU rule
// gives them. An account the model records for a unit is a service
// account, which the chapel leaves alone.
type ChapelPeople struct {
	// Engine supplies the links and the OU rule.
	Engine *Engine
	// Model is the org model.
	Model *orgmodel.Model

	mu       sync.Mutex
	seq      uint64                 // the registration services was read at
	services map[connectors.ID]bool // accounts the model records for units
}

// Person says what the model knows at instant now of the person account
// a belongs to.
func (p *ChapelPeople) Person(_ context.Context, a chapel.Account, now time.Time) (chapel.Person, error) {
	v := p.Model.Latest()
	id := connectors.ID(a.ID)
	person, ok := p.Engine.links.Owner(id)
	if !ok {
		return chapel.Person{Known: p.isService(v, id), Service: p.isService(v, id)}, nil
	}
	day := p.Model.Zone().Date(now)
	emp := v.Employment(person)
	out := chapel.Person{Known: true}
	// The first stretch of employment that has not ended: the person is
	// employed if it has begun or begins within the preparation window
	// (the engine enables accounts then, and so does the chapel), and is
	// returning if it begins later.
	window := day.AddDays(p.Engine.cfg.Mapping.EnableDaysBefore)
	var lastEnd timeline.Date
	hasPast := false
	for sp := range emp.All() {
		if sp.To <= day {
			lastEnd, hasPast = sp.To, true
			continue
		}
		if sp.From <= window {
			out.Employed = true
			if d, err := DataFor(v.At(max(day, sp.From)), &p.Engine.cfg.Mapping, person, p.Engine.links); err == nil {
				if ou, err := p.Engine.cfg.OU.Target(d); err == nil {
					out.ReturnOU = ou
				}
			}
			return out, nil
		}
		out.Returning, out.ReturnsOn = true, sp.From
		break
	}
	if !hasPast {
		// Never employed before (a hire undone, or one who has not
		// started): the account is not wanted from today.
		out.LeftOn = day
		return out, nil
	}
	out.LeftOn = lastEnd
	last := v.At(lastEnd.AddDays(-1))
	if e, ok := last.PrimaryEngagement(person); ok {
		if u, ok := last.Unit(e.Unit); ok {
			out.Unit = u.UserKey
		}
	}
	return out, nil
}

// isService reports whether the model records the account for a unit.
func (p *ChapelPeople) isService(v orgmodel.View, id connectors.ID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.services == nil || p.seq != v.Registration().Seq {
		p.services = map[connectors.ID]bool{}
		p.seq = v.Registration().Seq
		for o := range v.All(orgmodel.KindAccount) {
			for sp := range o.Timeline.All() {
				if a, ok := sp.Value.(orgmodel.AccountAttrs); ok && a.System == System && a.Unit != uuid.Nil && a.ExternalID != "" {
					p.services[connectors.ID(a.ExternalID)] = true
				}
			}
		}
	}
	return p.services[id]
}

var _ chapel.People = (*ChapelPeople)(nil)
