package modelfile_test

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	today = timeline.MustDate(2025, 3, 1)
	at    = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	reg   = om.Registration{Time: at, Actor: "modelfile-test"}
)

// objects returns every object in m, sorted by id, for comparing models.
func objects(m *om.Model) []om.Object {
	var out []om.Object
	for _, k := range om.Kinds() {
		for o := range m.Latest().All(k) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b om.Object) int { return cmp.Compare(a.ID.String(), b.ID.String()) })
	return out
}

func write(t testing.TB, snaps ...om.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, modelfile.Write(&buf, snaps...))
	return buf.Bytes()
}

func read(t testing.TB, data []byte) []om.Snapshot {
	t.Helper()
	snaps, err := modelfile.Read(bytes.NewReader(data))
	require.NoError(t, err)
	return snaps
}

func TestSynthRoundTrip(t *testing.T) {
	mu, err := synth.Generate(synth.Small(today))
	require.NoError(t, err)
	data := write(t, mu.Payroll, mu.Admin)
	assert.Equal(t, data, write(t, mu.Payroll, mu.Admin), "the same snapshots give the same bytes")
	assert.True(t, bytes.HasPrefix(data, []byte("{\n  \"format\": \"orgsync-model/1\",\n  \"snapshots\": [\n    {\n")), "two-space indent, format first:\n%.200s", data)

	snaps := read(t, data)
	require.Len(t, snaps, 2)
	assert.Equal(t, []om.Snapshot{mu.Payroll, mu.Admin}, snaps, "Read gives back what Write was given")

	want := om.New(om.Options{})
	require.NoError(t, mu.Load(context.Background(), want, at))
	got := om.New(om.Options{})
	require.NoError(t, modelfile.Load(context.Background(), got, snaps, today, reg))
	assert.Equal(t, objects(want), objects(got), "loading the file gives the model loading the municipality gives")
	assert.NotEmpty(t, objects(got))

	// Loading again changes nothing, as an import of the same snapshot
	// must not.
	regs := len(got.Registrations(0))
	require.NoError(t, modelfile.Load(context.Background(), got, snaps, today, reg))
	assert.Len(t, got.Registrations(0), regs)
}

func TestSample(t *testing.T) {
	snaps, err := modelfile.ReadFile("testdata/sample.json")
	require.NoError(t, err)
	require.Len(t, snaps, 2)
	assert.Equal(t, "sd", snaps[0].Source)
	assert.Equal(t, "admin", snaps[1].Source)

	m := om.New(om.Options{})
	require.NoError(t, modelfile.Load(context.Background(), m, snaps, today, reg))
	regs := m.Registrations(0)
	require.Len(t, regs, 2)
	assert.Equal(t, "model file, source sd", regs[0].Note)

	v := m.Latest()
	one := func(k om.Kind, key string) om.Object {
		t.Helper()
		ids := v.Lookup(k, key)
		require.Len(t, ids, 1, "%s %s", k, key)
		o, ok := v.Object(ids[0])
		require.True(t, ok)
		return o
	}
	u2, u4 := one(om.KindUnit, "U2"), one(om.KindUnit, "U4")
	assert.Equal(t, om.SourceID("sd", om.KindUnit, "U2"), u2.ID, "an id not given is the source's")
	assert.Equal(t, uuid.MustParse("5b1c3a3e-7f57-4f0e-9a3d-0d2f6f3b9c41"), u4.ID, "an id given is kept")
	assert.Equal(t, 2, u4.Timeline.Len())

	leder, _ := one(om.KindUnit, "U3").At(today)
	assert.Equal(t, u2.ID, leder.(om.UnitAttrs).Parent, "key: references resolve to units")

	p1, p2 := one(om.KindPerson, "P1"), one(om.KindPerson, "P2")
	pa, _ := p1.At(today)
	assert.Equal(t, "010190-xxxx", pa.(om.PersonAttrs).NationalID.String())

	e, _ := one(om.KindEngagement, "10002").At(today)
	assert.Equal(t, om.EngagementAttrs{Person: p2.ID, Unit: u4.ID, EmploymentNumber: "10002", JobFunction: "Sygeplejerske", Type: "Månedsløn", Fraction: 1, Primary: true}, e)
	old, _ := one(om.KindEngagement, "10002").At(timeline.MustDate(2023, 1, 1))
	assert.Equal(t, 0.8, old.(om.EngagementAttrs).Fraction)

	leave, ok := one(om.KindLeave, "O1").At(timeline.MustDate(2023, 6, 1))
	require.True(t, ok)
	assert.Equal(t, om.LeaveAttrs{Person: p2.ID, Engagement: one(om.KindEngagement, "10002").ID, Type: "Barsel"}, leave)

	mgr, _ := one(om.KindManager, "L1").At(today)
	ma := mgr.(om.ManagerAttrs)
	assert.Equal(t, one(om.KindEngagement, "10001").ID, ma.Engagement)
	assert.Equal(t, []string{"Budget", "Personale"}, ma.Responsibilities.All())

	link, _ := one(om.KindRelatedUnits, "R-U4").At(today)
	pair := link.(om.RelatedUnitsAttrs).Units
	assert.ElementsMatch(t, []uuid.UUID{u4.ID, one(om.KindUnit, "A2").ID}, pair[:])

	// The managers the graph derives come from the file's manager role.
	managers := v.At(today).Managers(u4.ID, om.ManagerQuery{Inherit: true})
	require.Len(t, managers, 1)
	assert.Equal(t, p1.ID, managers[0].Person)

	// And the sample comes back from Write as Read gave it.
	assert.Equal(t, snaps, read(t, write(t, snaps...)))
}

// TestEveryField writes every attribute of every kind, none zero, and
// reads it back: it is what keeps format.go's tables, toAttrs and fromAttrs
// in step with the *Attrs types.
func TestEveryField(t *testing.T) {
	id := func(s string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(s)) }
	iv := timeline.Between(timeline.MustDate(2024, 1, 1), timeline.MustDate(2025, 1, 1))
	obj := func(key string, a om.Attrs) om.Object {
		return om.Object{ID: id(key), Kind: a.Kind(), UserKey: key, Source: "s", Timeline: timeline.Of(iv, a)}
	}
	snap := om.Snapshot{Source: "s", Objects: []om.Object{
		obj("p", om.PersonAttrs{GivenNames: "A", Surname: "B", NicknameGivenNames: "C", NicknameSurname: "D", NationalID: om.MustParseCPR("6101901234", om.CPROptions{AllowFictive: true})}),
		obj("u", om.UnitAttrs{Name: "N", Parent: id("u0"), Type: "T", Level: "L", Hierarchy: "H"}),
		obj("e", om.EngagementAttrs{Person: id("p"), Unit: id("u"), EmploymentNumber: "1", JobFunction: "J", Type: "T", Fraction: 0.25, Primary: true, PrimaryBy: "rules/primary", SourceUnit: id("u2"), PlacedBy: "rules/coupling"}),
		obj("m", om.ManagerAttrs{Unit: id("u"), Person: id("p"), Engagement: id("e"), Type: "T", Level: "L", Responsibilities: om.NewKeys("x", "y")}),
		obj("a", om.AssociationAttrs{Person: id("p"), Unit: id("u"), Type: "T"}),
		obj("r", om.RelatedUnitsAttrs{Units: [2]uuid.UUID{id("u"), id("u2")}}),
		obj("c", om.AccountAttrs{System: "S", Username: "U", ExternalID: "X", Person: id("p"), Engagement: id("e")}),
		obj("c2", om.AccountAttrs{System: "S", Username: "V", Unit: id("u")}),
		obj("d", om.AddressAttrs{Type: "T", Value: "V", Person: id("p"), Engagement: id("e")}),
		obj("d2", om.AddressAttrs{Type: "T", Value: "W", Unit: id("u")}),
		obj("l", om.LeaveAttrs{Person: id("p"), Engagement: id("e"), Type: "Barsel"}),
	}}
	data := write(t, snap)
	for _, field := range []string{
		"given_names", "surname", "nickname_given_names", "nickname_surname", "national_id",
		"name", "parent", "type", "level", "hierarchy",
		"person", "unit", "source_unit", "employment_number", "job_function", "fraction", "primary", "primary_by", "placed_by",
		"engagement", "responsibilities", "units", "system", "username", "external_id", "value", "to",
	} {
		assert.Contains(t, string(data), `"`+field+`": `)
	}
	assert.Contains(t, string(data), `"6101901234"`, "the file holds the CPR in full")
	assert.Equal(t, []om.Snapshot{snap}, read(t, data))
}

func TestWriteRefuses(t *testing.T) {
	iv := timeline.Since(timeline.MustDate(2024, 1, 1))
	unit := func(key string) om.Object {
		return om.Object{ID: om.SourceID("s", om.KindUnit, key), Kind: om.KindUnit, UserKey: key, Timeline: timeline.Of[om.Attrs](iv, om.UnitAttrs{Name: key})}
	}
	bad := unit("b")
	bad.Timeline = timeline.Of[om.Attrs](iv, om.UnitAttrs{Name: "\xff"})
	nul := om.Object{ID: uuid.New(), Kind: om.KindManager, UserKey: "m", Timeline: timeline.Of[om.Attrs](iv, om.ManagerAttrs{Unit: uuid.New(), Responsibilities: om.NewKeys("a\x00b")})}
	nan := om.Object{ID: uuid.New(), Kind: om.KindEngagement, UserKey: "e", Timeline: timeline.Of[om.Attrs](iv, om.EngagementAttrs{Fraction: nan()})}
	wrongKind := unit("w")
	wrongKind.Kind = om.KindPerson
	noID := unit("n")
	noID.ID = uuid.Nil
	twin := unit("a")
	twin.ID = uuid.New()
	tests := []struct {
		name  string
		snaps []om.Snapshot
		path  string
	}{
		{"empty source", []om.Snapshot{{Source: " "}}, "snapshots[0].source"},
		{"source twice", []om.Snapshot{{Source: "s"}, {Source: "s"}}, "snapshots[1].source"},
		{"no id", []om.Snapshot{{Source: "s", Objects: []om.Object{noID}}}, "snapshots[0].objects[0].id"},
		{"id twice", []om.Snapshot{{Source: "s", Objects: []om.Object{unit("a"), unit("a")}}}, "snapshots[0].objects[1].id"},
		{"key twice", []om.Snapshot{{Source: "s", Objects: []om.Object{unit("a"), twin}}}, "snapshots[0].objects[1].key"},
		{"attributes of another kind", []om.Snapshot{{Source: "s", Objects: []om.Object{wrongKind}}}, "snapshots[0].objects[0].history[0]"},
		{"invalid UTF-8", []om.Snapshot{{Source: "s", Objects: []om.Object{unit("a"), bad}}}, "snapshots[0].objects[1].history[0].name"},
		{"NUL in a key set", []om.Snapshot{{Source: "s", Objects: []om.Object{nul}}}, "snapshots[0].objects[0].history[0].responsibilities"},
		{"NaN", []om.Snapshot{{Source: "s", Objects: []om.Object{nan}}}, "snapshots[0].objects[0].history[0].fraction"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := modelfile.Write(&buf, tc.snaps...)
			var e *modelfile.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.path, e.Path)
			assert.Zero(t, buf.Len(), "nothing is written")
			assert.True(t, strings.HasPrefix(err.Error(), "modelfile: "+tc.path+": "), err.Error())
		})
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}
