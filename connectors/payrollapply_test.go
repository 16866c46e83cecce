package connectors

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

func TestApplyReplacesDeletesAndAdds(t *testing.T) {
	s := checkSnapshot()
	s.Token = "t0"
	renamed := day(2027, time.January, 1)
	page := &PayrollChanges{
		// U1 is renamed again: its whole history, three rows now.
		Units: []PayrollUnit{
			{Key: "U1", Parent: "ROOT", Name: "Skolen", Valid: timeline.Between(jan1(2000), day(2026, time.March, 1))},
			{Key: "U1", Parent: "ROOT", Name: "Skolen ved Søen", Valid: timeline.Between(day(2026, time.March, 1), renamed)},
			{Key: "U1", Parent: "ROOT", Name: "Søskolen", Valid: timeline.Since(renamed)},
		},
		// A new person.
		Persons: []PayrollPerson{{Key: "P3", NationalID: "0303901234", Surname: "Nielsen", Valid: timeline.Since(jan1(2024))}},
		// E1 now has one row fewer than... it had one; it is replaced by two.
		Engagements: []PayrollEngagement{
			{Key: "E1", Person: "0101901234", Unit: "U1", Fraction: 1, Valid: timeline.Between(jan1(2010), jan1(2025))},
			{Key: "E1", Person: "0101901234", Unit: "ROOT", Fraction: 1, Valid: timeline.Since(jan1(2025))},
		},
		Deleted: []PayrollRef{{Kind: PayrollEngagementKind, Key: "E2"}, {Kind: PayrollLeaveKind, Key: "L1"}},
		Token:   "t1",
	}
	s.Apply(page)

	want := checkSnapshot()
	want.Units = []PayrollUnit{want.Units[0], page.Units[0], page.Units[1], page.Units[2]}
	want.Persons = append(want.Persons, page.Persons[0]) // "0101901234" < "P2" < "P3"
	want.Engagements = page.Engagements
	want.Leaves = []PayrollLeave{}
	want.Token = "t1"
	require.Equal(t, want, s)
}

func TestApplyDeletesOnlyItsKind(t *testing.T) {
	s := &PayrollSnapshot{
		Units:       []PayrollUnit{{Key: "X", Name: "x", Valid: timeline.Since(jan1(2000))}},
		Persons:     []PayrollPerson{{Key: "X", NationalID: "1", Surname: "x", Valid: timeline.Since(jan1(2000))}},
		Engagements: []PayrollEngagement{{Key: "X", Person: "X", Unit: "X", Valid: timeline.Since(jan1(2000))}},
		Leaves:      []PayrollLeave{{Key: "X", Engagement: "X", Valid: timeline.Since(jan1(2001))}},
	}
	for _, k := range []PayrollKind{PayrollLeaveKind, PayrollEngagementKind, PayrollPersonKind, PayrollUnitKind} {
		before := len(s.Units) + len(s.Persons) + len(s.Engagements) + len(s.Leaves)
		s.Apply(&PayrollChanges{Deleted: []PayrollRef{{Kind: k, Key: "X"}}})
		require.Equal(t, before-1, len(s.Units)+len(s.Persons)+len(s.Engagements)+len(s.Leaves), "deleting a %s", k)
	}
	require.Empty(t, s.Units)
	require.Empty(t, s.Persons)
	require.Empty(t, s.Engagements)
	require.Empty(t, s.Leaves)
}

func TestApplyIgnoresWhatIsNotThere(t *testing.T) {
	s := checkSnapshot()
	s.Apply(&PayrollChanges{
		Deleted: []PayrollRef{{Kind: PayrollUnitKind, Key: "NOPE"}, {Kind: 0, Key: "U1"}, {Kind: 9, Key: "ROOT"}, {Kind: PayrollPersonKind, Key: "U1"}},
		Token:   "t",
	})
	want := checkSnapshot()
	want.Token = "t"
	require.Equal(t, want, s, "unknown records and kinds are ignored")

	s.Apply(nil)
	require.Equal(t, want, s, "a nil page changes nothing")

	s.Apply(&PayrollChanges{Token: "t2"})
	want.Token = "t2"
	require.Equal(t, want, s, "an empty page moves the token")

	var empty PayrollSnapshot
	empty.Apply(&PayrollChanges{Token: "t"})
	require.Equal(t, PayrollSnapshot{Token: "t"}, empty, "absent lists stay absent")
}

// A record that a page both deletes and delivers has the rows delivered.
func TestApplyDeliveredBeatsDeleted(t *testing.T) {
	s := checkSnapshot()
	row := PayrollLeave{Key: "L1", Engagement: "E1", Type: "Orlov", Valid: timeline.Since(jan1(2030))}
	s.Apply(&PayrollChanges{Leaves: []PayrollLeave{row}, Deleted: []PayrollRef{{Kind: PayrollLeaveKind, Key: "L1"}}})
	require.Equal(t, []PayrollLeave{row}, s.Leaves)
}

// The rows end up sorted by key, start and end, whatever order the
// snapshot and the page had them in.
func TestApplyOrderIsDeterministic(t *testing.T) {
	var units []PayrollUnit
	for _, k := range []string{"b", "a", "c", "B", "æ", "a1"} {
		for y := 2003; y >= 2000; y-- {
			units = append(units, PayrollUnit{Key: k, Name: k, Valid: timeline.Between(jan1(y), jan1(y+1))})
		}
	}
	page := &PayrollChanges{Units: []PayrollUnit{
		{Key: "c", Name: "new", Valid: timeline.Since(jan1(2010))},
		{Key: "c", Name: "new", Valid: timeline.Between(jan1(2001), jan1(2010))},
		{Key: "0", Name: "zero", Valid: timeline.Since(jan1(2001))},
	}}
	var first *PayrollSnapshot
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		s := &PayrollSnapshot{Units: append([]PayrollUnit(nil), units...)}
		rng.Shuffle(len(s.Units), func(i, j int) { s.Units[i], s.Units[j] = s.Units[j], s.Units[i] })
		p := *page
		p.Units = append([]PayrollUnit(nil), page.Units...)
		rng.Shuffle(len(p.Units), func(i, j int) { p.Units[i], p.Units[j] = p.Units[j], p.Units[i] })
		s.Apply(&p)
		if first == nil {
			first = s
			continue
		}
		require.Equal(t, first, s)
	}
	var keys []string
	for i, u := range first.Units {
		keys = append(keys, u.Key)
		if i > 0 && u.Key == first.Units[i-1].Key {
			require.Less(t, first.Units[i-1].Valid.From, u.Valid.From, "rows of a key by start")
		}
	}
	require.Equal(t, []string{"0", "B", "B", "B", "B", "a", "a", "a", "a", "a1", "a1", "a1", "a1",
		"b", "b", "b", "b", "c", "c", "æ", "æ", "æ", "æ"}, keys, "keys in byte order")
	require.Equal(t, "new", first.Units[17].Name)
}

// Rows equal in key, start and end keep their order: the snapshot's
// first, then the page's.
func TestApplyIsStable(t *testing.T) {
	iv := timeline.Since(jan1(2000))
	s := &PayrollSnapshot{Leaves: []PayrollLeave{{Key: "b", Type: "1", Valid: iv}, {Key: "b", Type: "2", Valid: iv}, {Key: "a", Valid: iv}}}
	s.Apply(&PayrollChanges{Leaves: []PayrollLeave{{Key: "c", Type: "3", Valid: iv}, {Key: "c", Type: "4", Valid: iv}}})
	var types []string
	for _, l := range s.Leaves {
		types = append(types, l.Type)
	}
	require.Equal(t, []string{"", "1", "2", "3", "4"}, types)
}

// Apply builds new lists: an earlier copy of the snapshot and the page
// keep their rows.
func TestApplyDoesNotAlias(t *testing.T) {
	s := checkSnapshot()
	s.Units = s.Units[:3:3]
	old := *s // shares the arrays
	page := &PayrollChanges{Units: []PayrollUnit{{Key: "ROOT", Name: "Ny kommune", Valid: timeline.Since(jan1(2000))}}}
	s.Apply(page)
	require.Equal(t, checkSnapshot().Units, old.Units, "the old lists are untouched")
	require.Equal(t, "Ny kommune", s.Units[0].Name)

	page.Units[0].Name = "changed afterwards"
	require.Equal(t, "Ny kommune", s.Units[0].Name, "the page can be reused")
	s.Units[1].Name = "changed in the snapshot"
	require.Equal(t, "Skolen", old.Units[1].Name)
}

// Applying the changes between two snapshots to the first gives the
// second, however the changes are cut into pages.
func TestApplyPagesGiveTheNextSnapshot(t *testing.T) {
	v1 := checkSnapshot()
	v2 := checkSnapshot()
	v2.Units[2].Valid.To = jan1(2030)
	v2.Units = append(v2.Units, PayrollUnit{Key: "U1", Parent: "ROOT", Name: "Søskolen", Valid: timeline.Since(jan1(2030))},
		PayrollUnit{Key: "U2", Parent: "U1", Name: "Ny", Valid: timeline.Since(jan1(2031))})
	v2.Persons = v2.Persons[1:]
	v2.Engagements = v2.Engagements[1:]
	v2.Leaves = v2.Leaves[:0]

	all := []PayrollChanges{
		{Units: v2.Units[1:]},
		{Deleted: []PayrollRef{{Kind: PayrollPersonKind, Key: "0101901234"}}},
		{Deleted: []PayrollRef{{Kind: PayrollEngagementKind, Key: "E1"}, {Kind: PayrollLeaveKind, Key: "L1"}}, Token: "end"},
	}
	for _, pages := range [][]PayrollChanges{all, {{Units: all[0].Units, Deleted: append(all[1].Deleted, all[2].Deleted...), Token: "end"}}} {
		s := checkSnapshot()
		for i := range pages {
			require.NoError(t, CheckPayrollChanges(&pages[i]))
			s.Apply(&pages[i])
		}
		require.NoError(t, CheckPayroll(s))
		want := *v2
		want.Token = "end"
		want.Apply(&PayrollChanges{Token: "end"}) // the same order
		require.Equal(t, &want, s)
	}
	require.NotEqual(t, v1, v2)
}
