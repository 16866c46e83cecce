package storetest

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// hostile is text a store must keep byte for byte: Danish and Swedish
// letters, other scripts, LDAP's special characters and a NUL.
const hostile = "Åse Øster-Ærø, Ängel \"Ω\" <ß>; a=b+c\\d*(e)#日本 \x00end"

// hostileText is hostile without the NUL: text the model checks before it
// reaches a store (keys, a registration's actor and note, subscriber
// names) holds no control characters, so a store may keep it in a text
// column (PostgreSQL's cannot hold NUL). Attributes may hold anything.
const hostileText = "Åse Øster-Ærø, Ängel \"Ω\" <ß>; a=b+c\\d*(e)#日本"

var day = timeline.MustParseDate

// richCommits returns commits that hold every kind of object with every
// attribute set, a deletion, a commit of scheduled events only and an
// empty one, numbered from the registration and event after regs and
// events.
func richCommits(regs, events uint64) []om.Commit {
	at := time.Date(2026, 12, 6, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))
	cpr := om.MustParseCPR("0101901234", om.CPROptions{})
	fictive := om.MustParseCPR("6101901235", om.CPROptions{AllowFictive: true})
	person, unit, parent := uuid.New(), uuid.New(), uuid.New()
	eng, unit2 := uuid.New(), uuid.New()
	iv := timeline.Interval{From: day("2024-01-01"), To: day("2025-03-01")}
	open := timeline.Since(day("2025-03-01"))
	two := func(a, b om.Attrs) timeline.Timeline[om.Attrs] {
		return timeline.MustNew(timeline.Span[om.Attrs]{Interval: iv, Value: a}, timeline.Span[om.Attrs]{Interval: open, Value: b})
	}
	obj := func(id uuid.UUID, key string, tl timeline.Timeline[om.Attrs]) om.Object {
		return om.Object{ID: id, Kind: tl.Span(0).Value.Kind(), UserKey: key, Source: "sd-" + key, Timeline: tl}
	}
	objs := []om.Object{
		obj(person, "P1", two(
			om.PersonAttrs{GivenNames: "Anne Sofie", Surname: "Møller-Hansen", NicknameGivenNames: "Sofie", NicknameSurname: "Møller", NationalID: cpr},
			om.PersonAttrs{GivenNames: hostile, Surname: "林", NationalID: fictive})),
		obj(unit, "U1", two(
			om.UnitAttrs{Name: "Ældreplejen", Parent: parent, Type: "Afdeling", Level: "NY3-niveau", Hierarchy: "linjeorg"},
			om.UnitAttrs{Name: hostile, Type: "Institution"})),
		obj(eng, "12345", two(
			om.EngagementAttrs{Person: person, Unit: unit, EmploymentNumber: "12345", JobFunction: "Sygeplejerske", Type: "Månedsløn", Fraction: 0.37, Primary: true, PrimaryBy: "rules/primary", SourceUnit: unit2, PlacedBy: "rules/coupling"},
			om.EngagementAttrs{Person: person, Unit: unit2, Fraction: 1})),
		obj(uuid.New(), "L1", two(
			om.ManagerAttrs{Unit: unit, Person: person, Engagement: eng, Type: "Leder", Level: "Niveau 1", Responsibilities: om.NewKeys("Personale", "Økonomi", hostileText)},
			om.ManagerAttrs{Unit: unit, Type: "Leder"})),
		obj(uuid.New(), "A1", two(
			om.AssociationAttrs{Person: person, Unit: unit, Type: "Tillidsrepræsentant"},
			om.AssociationAttrs{Person: person, Unit: unit2})),
		obj(uuid.New(), "R1", two(
			om.RelatedUnitsAttrs{Units: [2]uuid.UUID{unit, unit2}},
			om.RelatedUnitsAttrs{Units: [2]uuid.UUID{unit2, parent}})),
		obj(uuid.New(), "ad1", two(
			om.AccountAttrs{System: "Active Directory", Username: "anmo", ExternalID: "3f1c0e4a-guid", Person: person, Engagement: eng},
			om.AccountAttrs{System: "Active Directory", Username: "robot1", Unit: unit})),
		obj(uuid.New(), "e1", two(
			om.AddressAttrs{Type: "EMAIL", Value: "anne@kommune.dk", Person: person, Engagement: eng},
			om.AddressAttrs{Type: "PHONE", Value: "+45 12 34 56 78", Unit: unit})),
		obj(uuid.New(), "o1", two(
			om.LeaveAttrs{Person: person, Engagement: eng, Type: "Barsel"},
			om.LeaveAttrs{Person: person, Engagement: eng, Type: hostile})),
		// Nothing but an id and a kind: every optional field zero.
		{ID: uuid.New(), Kind: om.KindUnit, Timeline: timeline.Of[om.Attrs](open, om.UnitAttrs{Name: "x"})},
	}
	reg1 := om.Registration{Seq: regs + 1, Time: at, Actor: "sd-import", Note: hostileText}
	var c1 om.Commit
	c1.Registration = &reg1
	for i, o := range objs {
		c1.Versions = append(c1.Versions, om.Version{Registration: reg1, Object: o})
		c1.Events = append(c1.Events, om.Event{Seq: events + uint64(i) + 1, Type: om.EventRegistered, Kind: o.Kind, ID: o.ID, Owner: person, OwnerKind: om.KindPerson, Registration: reg1.Seq})
	}
	events += uint64(len(objs))
	reg2 := om.Registration{Seq: regs + 2, Time: at.Add(time.Hour), Actor: "jane@kommune.dk"}
	c2 := om.Commit{Registration: &reg2, Versions: []om.Version{
		{Registration: reg2, Deleted: true, Object: om.Object{ID: objs[4].ID, Kind: om.KindAssociation}},
		{Registration: reg2, Object: obj(unit, "U1", timeline.Of[om.Attrs](open, om.UnitAttrs{Name: "Ældre og Sundhed"}))},
	}, Events: []om.Event{
		{Seq: events + 1, Type: om.EventRegistered, Kind: om.KindAssociation, ID: objs[4].ID, Owner: person, OwnerKind: om.KindPerson, Registration: reg2.Seq},
		{Seq: events + 2, Type: om.EventRegistered, Kind: om.KindUnit, ID: unit, Owner: unit, OwnerKind: om.KindUnit, Registration: reg2.Seq},
	}}
	events += 2
	c3 := om.Commit{Events: []om.Event{
		{Seq: events + 1, Type: om.EventStarted, Kind: om.KindEngagement, ID: eng, Owner: person, OwnerKind: om.KindPerson, Registration: reg2.Seq, Day: day("2025-03-01")},
		{Seq: events + 2, Type: om.EventEnded, Kind: om.KindLeave, ID: objs[8].ID, Owner: person, OwnerKind: om.KindPerson, Registration: reg2.Seq, Day: day("2025-03-01")},
		{Seq: events + 3, Type: om.EventChanged, Kind: om.KindUnit, ID: unit, Owner: unit, OwnerKind: om.KindUnit, Registration: reg2.Seq, Day: day("2025-03-02")},
	}, Scheduled: day("2025-03-02")}
	c4 := om.Commit{Scheduled: day("2025-03-03")} // a day with nothing to fire
	return []om.Commit{c1, c2, c3, c4}
}

// bulkCommit returns a commit of n new units with one event each.
func bulkCommit(reg, event uint64, n int) om.Commit {
	r := om.Registration{Seq: reg, Time: time.Unix(1700000000+int64(reg), 0), Actor: fmt.Sprintf("bulk-%d", reg)}
	c := om.Commit{Registration: &r}
	for i := range n {
		o := om.Object{ID: uuid.New(), Kind: om.KindUnit, UserKey: fmt.Sprintf("B%d-%d", reg, i), Timeline: timeline.Of[om.Attrs](timeline.Since(day("2024-01-01")), om.UnitAttrs{Name: fmt.Sprintf("Enhed %d", i)})}
		c.Versions = append(c.Versions, om.Version{Registration: r, Object: o})
		c.Events = append(c.Events, om.Event{Seq: event + uint64(i), Type: om.EventRegistered, Kind: om.KindUnit, ID: o.ID, Owner: o.ID, OwnerKind: om.KindUnit, Registration: reg})
	}
	return c
}
