package rules

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// primary runs the Primary rule: on every day, one of a person's
// engagements is primary. An engagement the source or a person marked
// primary wins (two such on one day are a SeveralPrimaries conflict, and
// those days are left alone); otherwise the configured strategy picks.
// The rule marks every engagement it decides with PrimaryBy, primary or
// not.
func (ru *run) primary() {
	for _, p := range ru.subjectPersons() {
		ru.primaryOf(p)
	}
}

func (ru *run) primaryOf(person uuid.UUID) {
	engs := ru.engagementsOf(person)
	if len(engs) == 0 {
		return
	}
	mark := Provenance(Primary)
	cut := newCuts(ru.w.r)
	for _, e := range engs {
		cut.add(e.Timeline.Endpoints()...)
	}
	wants := make([]builder[orgmodel.Attrs], len(engs))
	type valid struct {
		i int
		x orgmodel.EngagementAttrs
	}
	for _, iv := range cut.pieces() {
		d := iv.From
		var on []valid
		var explicit []uuid.UUID
		for i, e := range engs {
			a, ok := e.Timeline.At(d)
			if !ok {
				continue
			}
			x := a.(orgmodel.EngagementAttrs)
			if x.Person != person {
				wants[i].set(iv, x) // another person's on these days: theirs to decide
				continue
			}
			on = append(on, valid{i, x})
			if x.Primary && x.PrimaryBy == "" {
				explicit = append(explicit, e.ID)
			}
		}
		if len(on) == 0 {
			continue
		}
		if len(explicit) > 1 {
			ru.conflict(Conflict{Rule: Primary, Kind: SeveralPrimaries, Person: person, Objects: explicit, When: iv,
				Detail: fmt.Sprintf("%s has %d engagements marked primary by hand or by the source; their primary marks are left as they are", ru.personName(person, d), len(explicit))})
			for _, v := range on {
				wants[v.i].set(iv, v.x)
			}
			continue
		}
		pick := on[0]
		if len(explicit) == 1 {
			for _, v := range on {
				if engs[v.i].ID == explicit[0] {
					pick = v
				}
			}
		} else {
			for _, v := range on[1:] {
				if ru.comparePrimary(v.x, engs[v.i].ID, pick.x, engs[pick.i].ID) < 0 {
					pick = v
				}
			}
		}
		for _, v := range on {
			x := v.x
			switch {
			case v.i == pick.i && len(explicit) == 1:
			case v.i == pick.i:
				x.Primary, x.PrimaryBy = true, mark
			default:
				x.Primary, x.PrimaryBy = false, mark
			}
			wants[v.i].set(iv, x)
		}
	}
	for i, e := range engs {
		ru.w.write(Primary, e, wants[i].timeline())
	}
}

// comparePrimary orders engagements by the strategy, most primary first;
// ties go to the lowest employment number, then the id.
func (ru *run) comparePrimary(a orgmodel.EngagementAttrs, aid uuid.UUID, b orgmodel.EngagementAttrs, bid uuid.UUID) int {
	var first int
	switch ru.cfg.Primary.Strategy {
	case "type-order":
		rank := func(t string) int {
			if i := slices.Index(ru.cfg.Primary.TypeOrder, t); i >= 0 {
				return i
			}
			return len(ru.cfg.Primary.TypeOrder)
		}
		first = cmp.Compare(rank(a.Type), rank(b.Type))
	default:
		first = cmp.Compare(b.Fraction, a.Fraction)
	}
	return cmp.Or(first, orgmodel.CompareEmploymentNumbers(a.EmploymentNumber, b.EmploymentNumber), bytes.Compare(aid[:], bid[:]))
}
