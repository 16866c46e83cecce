package connectortest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func date(y int, m time.Month, d int) timeline.Date { return timeline.MustDate(y, m, d) }

// Keys and names of the payroll data below, for the tests that change it.
var (
	longKey = strings.Repeat("K", connectors.MaxKeyBytes)

	// specials holds what LDAP escapes in DNs and filters.
	specials = `#Jensen, Hansen + Co "A" \ <B>; =*()`
	scripts  = "Σχολείο · Школа · مدرسة · 学校 · 🏫 · Sámi Áŋŋel · Ærø Øster Åsa"
)

// payrollV1 returns a payroll system's state with history rows, names in
// several scripts, LDAP's special characters, fields as long as
// CheckPayroll allows and national ids in several forms. It is valid.
func payrollV1() *connectors.PayrollSnapshot {
	since := timeline.Since
	between := timeline.Between
	y2000 := date(2000, 1, 1)
	return &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "ROOT", Name: "Hjørring Kommune", Level: "Kommune", Valid: since(y2000)},
			{Key: "SKOLE", Parent: "ROOT", Name: "Skolen", Level: "NY3-niveau", Type: "Skole", Valid: between(date(2010, 1, 1), date(2026, 3, 1))},
			{Key: "SKOLE", Parent: "ROOT", Name: "Skolen ved Søen", Level: "NY3-niveau", Type: "Skole", Valid: since(date(2026, 3, 1))},
			{Key: "SPECIAL", Parent: "ROOT", Name: specials, Level: specials, Type: specials, Valid: since(y2000)},
			{Key: "SCRIPTS", Parent: "SKOLE", Name: scripts, Level: "Afdelings-niveau", Valid: since(date(2020, 1, 1))},
			{Key: longKey, Parent: "ROOT", Name: strings.Repeat("æ", connectors.MaxFieldBytes/2),
				Level: strings.Repeat("L", connectors.MaxFieldBytes), Type: strings.Repeat("ü", connectors.MaxFieldBytes/2), Valid: since(y2000)},
			{Key: "LEDER", Parent: "SKOLE", Name: "Skolen ved Søen_leder", Valid: since(date(2026, 3, 1))},
			{Key: "PARENT-CHANGE", Parent: "ROOT", Name: "Flyttet", Valid: between(y2000, date(2015, 1, 1))},
			{Key: "PARENT-CHANGE", Parent: "SPECIAL", Name: "Flyttet", Valid: since(date(2015, 1, 1))},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "0101901234", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen", Valid: between(y2000, date(2020, 6, 1))},
			{Key: "0101901234", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen-Østergård", Valid: since(date(2020, 6, 1))},
			{Key: "P-SE", NationalID: "19900101-1234", GivenNames: "Åsa", Surname: "Öberg", Valid: since(y2000)},
			{Key: "P-SE-OLD", NationalID: "900101+1234", GivenNames: "Gösta", Surname: "Ek", Valid: since(y2000)},
			{Key: "P-DASH", NationalID: "020290-1234", GivenNames: "Mette", Surname: "Frederiksen", Valid: since(y2000)},
			{Key: "P-GR", NationalID: "0303901234", GivenNames: "Γιώργος", Surname: "Παπαδόπουλος", Valid: since(y2000)},
			{Key: "P-RU", NationalID: "0404901234", GivenNames: "Ольга", Surname: "Смирнова", Valid: since(y2000)},
			{Key: "P-AR", NationalID: "0505901234", GivenNames: "فاطمة", Surname: "الزهراء", Valid: since(y2000)},
			{Key: "P-ZH", NationalID: "0606901234", Surname: "王", Valid: since(y2000)},
			{Key: "P-LDAP", NationalID: "0707901234", GivenNames: `Anne, "Bee"`, Surname: `O'Hara + <Co>\;=*()#`, Valid: since(y2000)},
			{Key: "P-LONG", NationalID: "0808901234", GivenNames: strings.Repeat("Ø", connectors.MaxFieldBytes/2), Surname: strings.Repeat("s", connectors.MaxFieldBytes), Valid: since(y2000)},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "E1", Person: "0101901234", Unit: "SKOLE", JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, Valid: between(date(2010, 8, 1), date(2024, 8, 1))},
			{Key: "E1", Person: "0101901234", Unit: "SKOLE", JobFunction: "Viceskoleleder", Type: "Månedsløn", Fraction: 0.8, Valid: since(date(2024, 8, 1))},
			{Key: "E2", Person: "P-SE", Unit: "SPECIAL", JobFunction: specials, Type: "Timeløn", Fraction: 0.37, Valid: between(date(2020, 1, 1), date(2025, 7, 1))},
			{Key: "E3", Person: "P-GR", Unit: "SCRIPTS", JobFunction: scripts, Fraction: 0, Valid: since(date(2026, 1, 1))},
			{Key: "E4", Person: "P-LDAP", Unit: longKey, JobFunction: strings.Repeat("j", connectors.MaxFieldBytes), Fraction: 1.0 / 3, Valid: since(y2000)},
			{Key: "E5", Person: "P-AR", Unit: "ROOT", Fraction: 0.5, Valid: since(y2000)},
			{Key: "E6", Person: "P-ZH", Unit: "SKOLE", JobFunction: "Pædagog", Fraction: 0.75, Valid: since(date(2015, 1, 1))},
			{Key: "E7", Person: "P-RU", Unit: "LEDER", JobFunction: "Skoleleder", Fraction: 1, Valid: since(date(2026, 3, 1))},
			{Key: "E8", Person: "P-SE-OLD", Unit: "PARENT-CHANGE", Fraction: 1, Valid: since(y2000)},
			{Key: "E9", Person: "P-DASH", Unit: "ROOT", Fraction: 1, Valid: since(y2000)},
			{Key: "E10", Person: "P-LONG", Unit: "ROOT", Fraction: 1, Valid: since(y2000)},
		},
		Leaves: []connectors.PayrollLeave{
			{Key: "L1", Engagement: "E1", Type: "Barsel", Valid: between(date(2024, 3, 1), date(2024, 9, 1))},
			{Key: "L2", Engagement: "E2", Type: "Tjenestefri", Valid: between(date(2022, 1, 1), date(2022, 2, 1))},
			{Key: "L3", Engagement: "E1", Type: specials, Valid: since(date(2030, 1, 1))},
		},
		// Managers as OPUS marks them (keyed by the engagement, over an
		// engagement row's days, the position as the type), and one that
		// names only the person, with history.
		Managers: []connectors.PayrollManager{
			{Key: "E1", Unit: "SKOLE", Person: "0101901234", Engagement: "E1", Type: "Viceskoleleder", Level: "1.02", Valid: since(date(2024, 8, 1))},
			{Key: "E7", Unit: "LEDER", Person: "P-RU", Engagement: "E7", Type: "Skoleleder", Level: "2.01", Valid: since(date(2026, 3, 1))},
			{Key: "E9", Unit: "ROOT", Person: "P-DASH", Engagement: "E9", Valid: since(y2000)},
			{Key: "M-PERSON", Unit: "SPECIAL", Person: "P-GR", Type: specials, Level: scripts, Valid: between(date(2021, 1, 1), date(2023, 1, 1))},
			{Key: "M-PERSON", Unit: "SPECIAL", Person: "P-GR", Type: specials, Level: "3", Valid: since(date(2023, 1, 1))},
		},
	}
}

// payrollV2 is payrollV1 a day later: SKOLE is renamed from a date (a new
// history row), E6 moves to another unit from a date, a person is hired
// (P-NEW, with E-NEW), engagement E7 (and with it its manager role) and
// leave L3 are deleted, manager E1's level changes and manager E9's role
// ends. The records that change are in changedV2; the ones deleted in
// deletedV2.
func payrollV2() *connectors.PayrollSnapshot {
	s := payrollV1()
	renamed := date(2027, 8, 1)
	for i, u := range s.Units {
		if u.Key == "SKOLE" && u.Valid.IsOpen() {
			s.Units[i].Valid.To = renamed
			u.Name, u.Valid = "Søskolen", timeline.Since(renamed)
			s.Units = append(s.Units, u)
			break
		}
	}
	moved := date(2026, 8, 1)
	for i, e := range s.Engagements {
		if e.Key == "E6" {
			s.Engagements[i].Valid.To = moved
			e.Unit, e.Valid = "SCRIPTS", timeline.Since(moved)
			s.Engagements = append(s.Engagements, e)
			break
		}
	}
	s.Persons = append(s.Persons, connectors.PayrollPerson{Key: "P-NEW", NationalID: "0909901234", GivenNames: "Ny", Surname: "Medarbejder", Valid: timeline.Since(date(2026, 9, 1))})
	s.Engagements = slices.DeleteFunc(s.Engagements, func(e connectors.PayrollEngagement) bool { return e.Key == "E7" })
	s.Engagements = append(s.Engagements, connectors.PayrollEngagement{Key: "E-NEW", Person: "P-NEW", Unit: "SKOLE", JobFunction: "Lærer", Fraction: 1, Valid: timeline.Since(date(2026, 9, 1))})
	s.Leaves = slices.DeleteFunc(s.Leaves, func(l connectors.PayrollLeave) bool { return l.Key == "L3" })
	s.Managers = slices.DeleteFunc(s.Managers, func(m connectors.PayrollManager) bool { return m.Key == "E7" })
	for i, m := range s.Managers {
		switch m.Key {
		case "E1":
			s.Managers[i].Level = "1.01"
		case "E9":
			s.Managers[i].Valid.To = date(2026, 10, 1)
		}
	}
	return s
}

var (
	changedV2 = []connectors.PayrollRef{
		{Kind: connectors.PayrollUnitKind, Key: "SKOLE"},
		{Kind: connectors.PayrollPersonKind, Key: "P-NEW"},
		{Kind: connectors.PayrollEngagementKind, Key: "E6"},
		{Kind: connectors.PayrollEngagementKind, Key: "E-NEW"},
		{Kind: connectors.PayrollManagerKind, Key: "E1"},
		{Kind: connectors.PayrollManagerKind, Key: "E9"},
	}
	deletedV2 = []connectors.PayrollRef{
		{Kind: connectors.PayrollEngagementKind, Key: "E7"},
		{Kind: connectors.PayrollLeaveKind, Key: "L3"},
		{Kind: connectors.PayrollManagerKind, Key: "E7"},
	}
)

// bulkPayroll returns n units, each with a person, an engagement and a
// leave, under one root: 4n+1 records. version changes every name, so two
// versions differ in all but the root.
func bulkPayroll(n int, version string) *connectors.PayrollSnapshot {
	since := timeline.Since(date(2000, 1, 1))
	s := &connectors.PayrollSnapshot{Units: []connectors.PayrollUnit{{Key: "ROOT", Name: "Kommune", Valid: since}}}
	for i := range n {
		k := fmt.Sprintf("%04d", i)
		s.Units = append(s.Units, connectors.PayrollUnit{Key: "U" + k, Parent: "ROOT", Name: "Enhed " + k + version, Valid: since})
		s.Persons = append(s.Persons, connectors.PayrollPerson{Key: "P" + k, NationalID: connectors.NationalID("0101" + k[2:] + "12" + k[:2]),
			GivenNames: "Person", Surname: k + version, Valid: since})
		s.Engagements = append(s.Engagements, connectors.PayrollEngagement{Key: "E" + k, Person: "P" + k, Unit: "U" + k,
			JobFunction: "Job " + version, Fraction: 1, Valid: since})
		s.Leaves = append(s.Leaves, connectors.PayrollLeave{Key: "L" + k, Engagement: "E" + k, Type: "Orlov " + version,
			Valid: timeline.Between(date(2020, 1, 1), date(2020, 2, 1))})
	}
	return s
}

// clonePayroll returns a copy of s that shares no array with it.
func clonePayroll(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	return &connectors.PayrollSnapshot{
		Units:       slices.Clone(s.Units),
		Persons:     slices.Clone(s.Persons),
		Engagements: slices.Clone(s.Engagements),
		Leaves:      slices.Clone(s.Leaves),
		Managers:    slices.Clone(s.Managers),
		Token:       s.Token,
	}
}

// canonical returns a copy of s's rows in one order, so that two
// snapshots compare as sets of rows; the Token is left out.
func canonical(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	c := clonePayroll(s)
	c.Token = ""
	slices.SortFunc(c.Units, func(a, b connectors.PayrollUnit) int {
		return cmp.Or(byRow(a.Key, a.Valid, b.Key, b.Valid), cmp.Compare(a.Parent, b.Parent), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Level, b.Level), cmp.Compare(a.Type, b.Type))
	})
	slices.SortFunc(c.Persons, func(a, b connectors.PayrollPerson) int {
		return cmp.Or(byRow(a.Key, a.Valid, b.Key, b.Valid), cmp.Compare(a.NationalID, b.NationalID),
			cmp.Compare(a.GivenNames, b.GivenNames), cmp.Compare(a.Surname, b.Surname))
	})
	slices.SortFunc(c.Engagements, func(a, b connectors.PayrollEngagement) int {
		return cmp.Or(byRow(a.Key, a.Valid, b.Key, b.Valid), cmp.Compare(a.Person, b.Person), cmp.Compare(a.Unit, b.Unit),
			cmp.Compare(a.JobFunction, b.JobFunction), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Fraction, b.Fraction))
	})
	slices.SortFunc(c.Leaves, func(a, b connectors.PayrollLeave) int {
		return cmp.Or(byRow(a.Key, a.Valid, b.Key, b.Valid), cmp.Compare(a.Engagement, b.Engagement), cmp.Compare(a.Type, b.Type))
	})
	slices.SortFunc(c.Managers, func(a, b connectors.PayrollManager) int {
		return cmp.Or(byRow(a.Key, a.Valid, b.Key, b.Valid), cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Person, b.Person),
			cmp.Compare(a.Engagement, b.Engagement), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Level, b.Level))
	})
	// nil and empty lists are the same set.
	if c.Units == nil {
		c.Units = []connectors.PayrollUnit{}
	}
	if c.Persons == nil {
		c.Persons = []connectors.PayrollPerson{}
	}
	if c.Engagements == nil {
		c.Engagements = []connectors.PayrollEngagement{}
	}
	if c.Leaves == nil {
		c.Leaves = []connectors.PayrollLeave{}
	}
	if c.Managers == nil {
		c.Managers = []connectors.PayrollManager{}
	}
	return c
}

func byRow(ka string, va timeline.Interval, kb string, vb timeline.Interval) int {
	return cmp.Or(cmp.Compare(ka, kb), cmp.Compare(va.From, vb.From), cmp.Compare(va.To, vb.To))
}
