package synth_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	today = timeline.MustDate(2025, 3, 1)
	at    = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	mid   = synth.Config{Seed: 7, Persons: 5000, Units: 500, Depth: 6, Engagements: 6000, Managers: 300, Today: today}
)

// objects is a snapshot's objects by kind, with their first span's
// attributes (everything generated has one span).
type objects map[om.Kind][]om.Object

func byKind(snaps ...om.Snapshot) objects {
	out := objects{}
	for _, s := range snaps {
		for _, o := range s.Objects {
			out[o.Kind] = append(out[o.Kind], o)
		}
	}
	return out
}

func attrs[A om.Attrs](o om.Object) A { return o.Timeline.Span(0).Value.(A) }

func span(o om.Object) timeline.Interval { return o.Timeline.Span(0).Interval }

func generate(t testing.TB, c synth.Config) *synth.Municipality {
	t.Helper()
	mu, err := synth.Generate(c)
	require.NoError(t, err)
	return mu
}

func TestValidate(t *testing.T) {
	ok := synth.Small(today)
	tests := []struct {
		name   string
		change func(c *synth.Config)
		want   string // "" for valid
	}{
		{"small", func(c *synth.Config) {}, ""},
		{"municipal", func(c *synth.Config) { *c = synth.Municipal(today) }, ""},
		{"only managers, no persons", func(c *synth.Config) { c.Persons, c.Engagements = 0, 0 }, ""},
		{"negative persons", func(c *synth.Config) { c.Persons = -1 }, "Persons is negative"},
		{"negative managers", func(c *synth.Config) { c.Managers = -3 }, "Managers is negative"},
		{"huge", func(c *synth.Config) { c.Engagements = synth.MaxSize + 1 }, "Engagements (1000001) is more than 1000000"},
		{"shallow", func(c *synth.Config) { c.Depth = 1 }, "Depth (1) must be 2 to 12"},
		{"deep", func(c *synth.Config) { c.Depth = 13 }, "Depth (13) must be 2 to 12"},
		{"fewer units than levels", func(c *synth.Config) { c.Units, c.Managers = 4, 2 }, "Units (4) is less than Depth (5)"},
		{"fewer engagements than persons", func(c *synth.Config) { c.Engagements = 199 }, "every person needs an engagement"},
		{"engagements without persons", func(c *synth.Config) { c.Persons = 0 }, "more than ten per person"},
		{"more managers than units", func(c *synth.Config) { c.Managers = 31 }, "Managers (31) is more than Units (30)"},
		{"no today", func(c *synth.Config) { c.Today = 0 }, "Today (1970-01-01) must be a day from 2011-01-01"},
		{"today before the history", func(c *synth.Config) { c.Today = timeline.MustDate(2010, 6, 1) }, "must be a day from 2011-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, gerr := synth.Generate(c)
			assert.Equal(t, err, gerr, "Generate refuses what Validate refuses")
		})
	}
	t.Run("every problem is reported", func(t *testing.T) {
		err := synth.Config{Persons: -1, Depth: 20}.Validate()
		require.Error(t, err)
		for _, want := range []string{"Persons is negative", "Depth (20)", "Today"} {
			assert.Contains(t, err.Error(), want)
		}
	})
}

func TestSameSeedSameMunicipality(t *testing.T) {
	a, b := generate(t, synth.Small(today)), generate(t, synth.Small(today))
	assert.True(t, reflect.DeepEqual(a, b), "two runs with the same config differ")

	c := synth.Small(today)
	c.Seed = 2
	other := generate(t, c)
	assert.Equal(t, len(a.Payroll.Objects), len(other.Payroll.Objects), "the sizes are the config's")
	assert.NotEqual(t, a.Payroll, other.Payroll)
	assert.NotEqual(t, names(a), names(other))
}

func names(mu *synth.Municipality) []string {
	var out []string
	for _, o := range byKind(mu.Payroll)[om.KindPerson] {
		p := attrs[om.PersonAttrs](o)
		out = append(out, p.GivenNames+" "+p.Surname)
	}
	return out
}

func TestSizesAreExact(t *testing.T) {
	for name, c := range map[string]synth.Config{
		"small":           synth.Small(today),
		"mid":             mid,
		"two levels":      {Seed: 3, Persons: 10, Units: 2, Depth: 2, Engagements: 10, Managers: 2, Today: today},
		"twelve levels":   {Seed: 4, Persons: 50, Units: 12, Depth: 12, Engagements: 60, Managers: 12, Today: today},
		"no persons":      {Seed: 5, Units: 9, Depth: 3, Managers: 5, Today: today},
		"no managers":     {Seed: 6, Persons: 40, Units: 40, Depth: 4, Engagements: 50, Managers: 0, Today: today},
		"ten engagements": {Seed: 8, Persons: 10, Units: 20, Depth: 3, Engagements: 100, Managers: 20, Today: today},
	} {
		t.Run(name, func(t *testing.T) {
			mu := generate(t, c)
			pay := byKind(mu.Payroll)
			assert.Len(t, pay[om.KindPerson], c.Persons)
			assert.Len(t, pay[om.KindUnit], c.Units)
			assert.Len(t, pay[om.KindEngagement], c.Engagements)
			assert.Len(t, pay[om.KindManager], c.Managers)
			assert.Len(t, mu.Persons, c.Persons)

			parent := map[uuid.UUID]uuid.UUID{}
			leder := map[uuid.UUID]bool{}
			for _, o := range pay[om.KindUnit] {
				u := attrs[om.UnitAttrs](o)
				parent[o.ID] = u.Parent
				leder[o.ID] = strings.HasSuffix(u.Name, "_leder")
				if u.Parent == uuid.Nil {
					assert.Equal(t, mu.Root, o.ID)
				}
			}
			depth := 0
			for id := range parent {
				if leder[id] {
					continue
				}
				n := 0
				for p := id; p != uuid.Nil; p = parent[p] {
					n++
				}
				depth = max(depth, n)
			}
			assert.Equal(t, c.Depth, depth, "regular units reach exactly Depth levels")

			adm := byKind(mu.Admin)
			assert.NotEmpty(t, adm[om.KindUnit])
			assert.Equal(t, adm[om.KindUnit][0].ID, mu.AdminRoot)
			ctx := context.Background()
			require.NoError(t, mu.Load(ctx, om.New(om.Options{}), at))
		})
	}
}

func TestLoadsAndReimportsAsNoChange(t *testing.T) {
	for name, c := range map[string]synth.Config{"small": synth.Small(today), "mid": mid} {
		t.Run(name, func(t *testing.T) {
			mu := generate(t, c)
			m := om.New(om.Options{})
			ctx := context.Background()
			require.NoError(t, mu.Load(ctx, m, at))
			for _, snap := range []om.Snapshot{mu.Payroll, mu.Admin} {
				cs, stats, err := om.Import(m.Latest(), snap, om.ImportOptions{Today: today})
				require.NoError(t, err)
				assert.True(t, cs.IsEmpty(), "re-import of %s: %s", snap.Source, cs)
				assert.Equal(t, len(snap.Objects), stats.Unchanged)
			}
			require.NoError(t, mu.Load(ctx, m, at.Add(time.Hour)), "loading again changes nothing")
			assert.Len(t, m.Registrations(1), 2, "one registration per source")

			g := m.Latest().At(today)
			root, ok := g.Unit(mu.Root)
			require.True(t, ok)
			assert.Equal(t, fmt.Sprintf("NY%d-niveau", c.Depth-1), root.Level)
			assert.Contains(t, root.Name, " Kommune")
			assert.NotEmpty(t, g.Children(mu.AdminRoot))
		})
	}
}

func TestMunicipalLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 120,000 objects")
	}
	mu := generate(t, synth.Municipal(today))
	require.NoError(t, mu.Load(context.Background(), om.New(om.Options{}), at))
}

func TestNamesExerciseUsernameGeneration(t *testing.T) {
	var danish, hyphen, particle, accent, script, nickname bool
	for _, o := range byKind(generate(t, synth.Small(today)).Payroll)[om.KindPerson] {
		p := attrs[om.PersonAttrs](o)
		full := p.GivenNames + " " + p.Surname
		danish = danish || strings.ContainsAny(full, "æøåÆØÅ")
		hyphen = hyphen || strings.Contains(p.Surname, "-")
		particle = particle || strings.ContainsAny(p.Surname, " ") && unicode.IsLower([]rune(p.Surname)[0])
		accent = accent || strings.ContainsAny(full, "éëńłçıšřþ")
		script = script || strings.ContainsFunc(full, func(r rune) bool { return unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) })
		nickname = nickname || p.NicknameGivenNames != ""
		assert.NotEmpty(t, strings.TrimSpace(full))
	}
	assert.True(t, danish, "æ, ø or å")
	assert.True(t, hyphen, "a hyphenated surname")
	assert.True(t, particle, "a surname with a particle")
	assert.True(t, accent, "an accented name")
	assert.True(t, script, "a name in another script")
	assert.True(t, nickname, "a nickname")
}

func TestCPRsAreValidUniqueAndRare(t *testing.T) {
	persons := byKind(generate(t, mid).Payroll)[om.KindPerson]
	seen := map[om.CPR]bool{}
	missing := 0
	for _, o := range persons {
		c := attrs[om.PersonAttrs](o).NationalID
		if c.IsZero() {
			missing++
			continue
		}
		require.False(t, seen[c], "CPR %s twice", c)
		seen[c] = true
		assert.False(t, c.Fictive())
		back, err := om.ParseCPR(c.Reveal(), om.CPROptions{})
		require.NoError(t, err)
		assert.Equal(t, c, back)
		y, _, _ := c.BirthDate()
		assert.True(t, y >= 1950 && y <= 2005, "born %d", y)
		assert.NotContains(t, o.UserKey, c.Reveal(), "no CPR in a key")
	}
	assert.Positive(t, missing, "a few persons have no CPR")
	assert.Less(t, missing, len(persons)/100, "but only a few")
}

func TestTimelinesAroundToday(t *testing.T) {
	c := synth.Small(today)
	pay := byKind(generate(t, c).Payroll)
	units := map[uuid.UUID]om.Object{}
	lederUnits, ignored := 0, 0
	for _, o := range pay[om.KindUnit] {
		units[o.ID] = o
		name := attrs[om.UnitAttrs](o).Name
		if strings.HasSuffix(name, "_leder") {
			lederUnits++
		}
		if strings.HasPrefix(name, "Ø_") {
			ignored++
		}
	}
	isLeder := func(id uuid.UUID) bool { return strings.HasSuffix(attrs[om.UnitAttrs](units[id]).Name, "_leder") }
	assert.Positive(t, lederUnits, "_leder units")
	assert.Positive(t, ignored, "an Ø_ unit")

	engs := map[uuid.UUID]om.Object{}
	numbers := map[string]bool{}
	hires, ended, terminations := 0, 0, 0
	for _, o := range pay[om.KindEngagement] {
		engs[o.ID] = o
		e, iv := attrs[om.EngagementAttrs](o), span(o)
		assert.False(t, isLeder(e.Unit), "no engagement in a _leder unit")
		assert.Len(t, e.EmploymentNumber, 5)
		assert.Equal(t, o.UserKey, e.EmploymentNumber)
		assert.False(t, numbers[e.EmploymentNumber], "employment number %s twice", e.EmploymentNumber)
		numbers[e.EmploymentNumber] = true
		assert.True(t, e.Fraction >= 0.25 && e.Fraction <= 1)
		switch {
		case iv.From > today:
			hires++
			assert.LessOrEqual(t, int(iv.From-today), 60)
		case iv.To <= today:
			ended++
		case !iv.IsOpen():
			terminations++
		}
	}
	assert.Positive(t, hires, "future hires")
	assert.Positive(t, ended, "ended engagements")
	assert.Positive(t, terminations, "future terminations")

	vacant, endedRoles, managed := 0, 0, map[uuid.UUID]bool{}
	for _, o := range pay[om.KindManager] {
		m, iv := attrs[om.ManagerAttrs](o), span(o)
		assert.False(t, managed[m.Unit], "one role per unit")
		managed[m.Unit] = true
		assert.False(t, isLeder(m.Unit))
		assert.True(t, m.Responsibilities.Has("Personale"))
		if m.Vacant() {
			vacant++
			continue
		}
		e := engs[m.Engagement]
		require.NotZero(t, e.ID, "the linked engagement exists")
		ea := attrs[om.EngagementAttrs](e)
		assert.Equal(t, m.Person, ea.Person)
		assert.Equal(t, m.Unit, ea.Unit, "the manager is employed in the unit managed")
		assert.True(t, span(e).Covers(iv), "role %s outlives engagement %s", iv, span(e))
		if iv.To <= today {
			endedRoles++
		}
	}
	assert.True(t, managed[generate(t, c).Root], "the root has a manager role")
	assert.Positive(t, vacant, "vacant roles")
	assert.Positive(t, endedRoles, "roles that ended")

	for _, o := range pay[om.KindAssociation] {
		a := attrs[om.AssociationAttrs](o)
		assert.Equal(t, synth.ManagerMarker, a.Type)
		assert.True(t, isLeder(a.Unit), "markers are in _leder units")
	}
	assert.Len(t, pay[om.KindAssociation], lederUnits)
}

func TestEveryPayrollLeafIsCoupled(t *testing.T) {
	mu := generate(t, mid)
	pay, adm := byKind(mu.Payroll), byKind(mu.Admin)
	hasChild := map[uuid.UUID]bool{}
	for _, o := range pay[om.KindUnit] {
		if u := attrs[om.UnitAttrs](o); !strings.HasSuffix(u.Name, "_leder") {
			hasChild[u.Parent] = true
		}
	}
	admin := map[uuid.UUID]bool{}
	for _, o := range adm[om.KindUnit] {
		admin[o.ID] = true
	}
	links := map[uuid.UUID]int{}
	for _, o := range adm[om.KindRelatedUnits] {
		u := attrs[om.RelatedUnitsAttrs](o).Units
		if admin[u[0]] {
			u[0], u[1] = u[1], u[0]
		}
		require.True(t, admin[u[1]], "a link has an administrative end")
		links[u[0]]++
	}
	leaves, late := 0, 0
	for _, o := range pay[om.KindUnit] {
		u := attrs[om.UnitAttrs](o)
		if hasChild[o.ID] || strings.HasSuffix(u.Name, "_leder") {
			assert.Zero(t, links[o.ID], "only leaves are coupled")
			continue
		}
		leaves++
		assert.Equal(t, 1, links[o.ID], "leaf %s", u.Name)
		if span(o).From > timeline.MustDate(2010, 1, 1) {
			late++
		}
	}
	assert.Len(t, adm[om.KindRelatedUnits], leaves)
	assert.Positive(t, late, "some units are created later")
	assert.InDelta(t, len(pay[om.KindUnit])/3, len(adm[om.KindUnit]), float64(len(pay[om.KindUnit]))/6, "the admin tree is about a third")
}

func BenchmarkGenerateMunicipal(b *testing.B) {
	c := synth.Municipal(today)
	for b.Loop() {
		if _, err := synth.Generate(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadMunicipal(b *testing.B) {
	mu := generate(b, synth.Municipal(today))
	ctx := context.Background()
	for b.Loop() {
		if err := mu.Load(ctx, om.New(om.Options{}), at); err != nil {
			b.Fatal(err)
		}
	}
}
