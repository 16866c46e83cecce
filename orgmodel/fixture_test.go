package orgmodel_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	d       = timeline.MustParseDate
	jan2024 = d("2024-01-01")
	ctx     = context.Background()
)

// fx is a small municipality:
//
//	Kommune (root)               manager: Dorte (direktør)
//	├── Forvaltning A            manager: Lars, engaged here
//	│   ├── Afdeling A1          Emma engaged here; no manager
//	│   └── Afdeling A2          Frederik engaged here; vacant role
//	└── Forvaltning B
//
// everything valid from 2024-01-01 on.
type fx struct {
	m                      *om.Model
	clock                  time.Time
	kommune, a, a1, a2, b  uuid.UUID
	dorte, lars, emma, fre uuid.UUID
	engD, engL, engE, engF uuid.UUID
	mgrD, mgrL, mgrA2      uuid.UUID
}

func newFixture(t *testing.T) *fx {
	t.Helper()
	return newFixtureOn(t, om.New(om.Options{}))
}

func newFixtureOn(t *testing.T, m *om.Model) *fx {
	t.Helper()
	f := &fx{m: m, clock: time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)}
	var cs om.ChangeSet
	all := timeline.Since(jan2024)
	unit := func(key, name string, parent uuid.UUID, level string) uuid.UUID {
		return cs.Add(key, all, om.UnitAttrs{Name: name, Parent: parent, Level: level})
	}
	f.kommune = unit("1", "Kommune", uuid.Nil, "NY6-niveau")
	f.a = unit("10", "Forvaltning A", f.kommune, "NY5-niveau")
	f.b = unit("20", "Forvaltning B", f.kommune, "NY5-niveau")
	f.a1 = unit("11", "Afdeling A1", f.a, "Afdelings-niveau")
	f.a2 = unit("12", "Afdeling A2", f.a, "Afdelings-niveau")
	person := func(given, sur, cpr string) uuid.UUID {
		return cs.Add("", all, om.PersonAttrs{GivenNames: given, Surname: sur, NationalID: om.MustParseCPR(cpr, om.CPROptions{})})
	}
	f.dorte = person("Dorte", "Ærø", "0101701234")
	f.lars = person("Lars Ole", "Møller-Hansen", "0202801234")
	f.emma = person("Emma", "Østergård", "0303901234")
	f.fre = person("Frederik", "Åberg", "0404851234")
	eng := func(p, u uuid.UUID, no string) uuid.UUID {
		return cs.Add(no, all, om.EngagementAttrs{Person: p, Unit: u, EmploymentNumber: no, JobFunction: "Medarbejder", Fraction: 1})
	}
	f.engD = eng(f.dorte, f.kommune, "00001")
	f.engL = eng(f.lars, f.a, "00002")
	f.engE = eng(f.emma, f.a1, "00003")
	f.engF = eng(f.fre, f.a2, "00004")
	f.mgrD = cs.Add("M1", all, om.ManagerAttrs{Unit: f.kommune, Person: f.dorte, Engagement: f.engD, Level: "Niveau 1"})
	f.mgrL = cs.Add("M2", all, om.ManagerAttrs{Unit: f.a, Person: f.lars, Engagement: f.engL, Level: "Niveau 2"})
	f.mgrA2 = cs.Add("M3", all, om.ManagerAttrs{Unit: f.a2, Level: "Niveau 3"})
	f.apply(t, &cs)
	return f
}

// reg returns a registration one minute after the last.
func (f *fx) reg(actor string) om.Registration {
	f.clock = f.clock.Add(time.Minute)
	return om.Registration{Time: f.clock, Actor: actor}
}

func (f *fx) apply(t *testing.T, cs *om.ChangeSet) om.Registration {
	t.Helper()
	r, err := f.m.Apply(ctx, cs, f.reg("test"))
	require.NoError(t, err)
	return r
}

func (f *fx) at(day string) om.Graph { return f.m.Latest().At(d(day)) }

func names(us []om.Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

func persons(ms []om.Manager) []uuid.UUID {
	var out []uuid.UUID
	for _, m := range ms {
		out = append(out, m.Person)
	}
	return out
}

// jan2024Time returns 2024-01-01 plus n minutes.
func jan2024Time(n int) time.Time {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
}
