package username

import (
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// LoadHistory adds to idx every username that an account of the IT system
// (say "Active Directory") has had in the org model, past, present and
// future: a name valid on day today or later is held (it may belong to an
// account being prepared or one in the chapel); a name whose every span
// ended before today is historical, released when its last span ended,
// and the reuse policy decides whether it can be given out again. Deleted
// accounts are not in the model's latest view; load from an earlier view
// to include them.
func LoadHistory(view orgmodel.View, system string, zone timeline.Zone, today timeline.Date, idx *Index) int {
	n := 0
	for o := range view.All(orgmodel.KindAccount) {
		last := map[string]timeline.Date{} // username → end of its last span
		person := map[string]uuid.UUID{}
		for sp := range o.Timeline.All() {
			a := sp.Value.(orgmodel.AccountAttrs)
			if a.System != system || a.Username == "" {
				continue
			}
			if end, ok := last[a.Username]; !ok || sp.To > end {
				last[a.Username] = sp.To
			}
			person[a.Username] = a.Person
		}
		for name, end := range last {
			h := Holding{Where: InHistory, Holder: o.ID.String()}
			if p := person[name]; p != uuid.Nil {
				h.Person = p.String()
			}
			if end != timeline.Open && end <= today {
				h.Released = zone.Start(end)
			}
			idx.Add(name, h)
			n++
		}
	}
	return n
}
