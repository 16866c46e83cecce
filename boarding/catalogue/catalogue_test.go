package catalogue_test

import (
	"cmp"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

func ent(system, resource string) catalogue.Item {
	return catalogue.Item{System: system, Resource: resource}
}

func equip(kind string, n int) catalogue.Item {
	return catalogue.Item{Equipment: kind, Quantity: n}
}

func TestSampleParsesClean(t *testing.T) {
	c := sample(t)
	assert.Len(t, c.Systems, 5)
	assert.Len(t, c.Equipment, 4)
	assert.Len(t, c.JobRoles, 8)
	assert.Len(t, c.Birthrights, 4)

	opus, ok := c.System("opus")
	require.True(t, ok)
	assert.Equal(t, "KMD Opus", opus.Name)
	assert.Equal(t, catalogue.Manual, opus.Kind)
	assert.Equal(t, []string{"loen@sjolund.dk"}, opus.Administrators)
	assert.Equal(t, []string{"hr@sjolund.dk"}, opus.Advisees)
	assert.True(t, opus.Sensitive)
	assert.Equal(t, 3*time.Hour, opus.DigestInterval())

	ad, ok := c.System("ad")
	require.True(t, ok)
	assert.Equal(t, catalogue.Integrated, ad.Kind)
	assert.Equal(t, catalogue.ConnectorADGroups, ad.Connector)
	assert.Zero(t, ad.DigestInterval(), "no digest: a mail per task")

	r, ok := c.Resource("ad", "ledere")
	require.True(t, ok)
	assert.Equal(t, `CN=Ledere\, alle niveauer,OU=Grupper,DC=sjolund,DC=dk`, r.Group)
	_, ok = c.Resource("ad", "medarbejder")
	assert.False(t, ok, "medarbejder is Opus's resource, not AD's")
	_, ok = c.Resource("kmd", "alle")
	assert.False(t, ok)

	kort, ok := c.EquipmentKind("adgangskort")
	require.True(t, ok)
	assert.Equal(t, "Adgangskort", kort.Name)
	_, ok = c.EquipmentKind("tablet")
	assert.False(t, ok)

	laerer, ok := c.JobRole("laerer")
	require.True(t, ok)
	assert.Equal(t, "Lærer", laerer.Name)
	assert.Equal(t, catalogue.Active, laerer.Lifecycle, "a role with no lifecycle is active")
	assert.Equal(t, []string{"basis"}, laerer.Includes)
	assert.Equal(t, []catalogue.UnitScope{{Unit: "skoler", Inherit: true}}, laerer.OrderableIn)
	assert.Equal(t, []string{"Lærer", "Overlærer", "Børnehaveklasseleder"}, laerer.Titles.Include)
	sosu, _ := c.JobRole("sosu-assistent")
	assert.True(t, sosu.RequiresReason)
	assert.Equal(t, []string{"Elev"}, sosu.Titles.Exclude)
	tas, _ := c.JobRole("tas-bruger")
	assert.Equal(t, catalogue.Deprecated, tas.Lifecycle)
	_, ok = c.JobRole("vikar")
	assert.False(t, ok)

	b := c.Birthrights[3]
	assert.Equal(t, catalogue.BirthrightRule{
		JobRole: "sosu-assistent", Unit: "aeldre-og-sundhed", Inherit: true,
		Titles: catalogue.TitleFilter{Include: []string{"Social- og sundhedsassistent"}, Exclude: []string{"Elev"}},
		From:   "2026-01-01", To: "2027-01-01",
	}, b)
	assert.True(t, c.Birthrights[2].ManagersOnly)
	assert.Equal(t, []string{"vikarbureau"}, c.Birthrights[0].Except)
}

func TestItemsExpandsIncludesAndDedups(t *testing.T) {
	c := sample(t)
	// leder includes basis (ad/alle, opus/medarbejder, adgangskort) and
	// kontorarbejdsplads (pc, skaerm ×1), lists ad/alle again itself and
	// asks for two screens: each once, the screens as the most asked for.
	assert.Equal(t, []catalogue.Item{
		ent("ad", "alle"), ent("ad", "ledere"),
		ent("opus", "leder"), ent("opus", "medarbejder"),
		ent("sbsys", "sagsbehandler"),
		equip("adgangskort", 1), equip("mobil", 1), equip("pc", 1), equip("skaerm", 2),
	}, c.Items("leder"))
	assert.Equal(t, []catalogue.Item{
		ent("ad", "alle"), ent("ad", "laerere"), ent("aula", "medarbejder"), ent("opus", "medarbejder"),
		equip("adgangskort", 1), equip("pc", 1),
	}, c.Items("laerer"))
	// A role's own items are not expanded by JobRole.
	leder, _ := c.JobRole("leder")
	assert.Len(t, leder.Items, 6)

	assert.Nil(t, c.Items("vikar"), "an unknown role has no items")

	// The slice is the caller's.
	items := c.Items("basis")
	items[0].System = "ændret"
	assert.Equal(t, "ad", c.Items("basis")[0].System)
}

func TestItemsDiamondAndDepth(t *testing.T) {
	// top includes left and right, which both include base; base's items
	// come once, and the largest quantity wins however deep it is.
	src := `equipment:
  - {id: pc, name: Pc}
  - {id: mobil, name: Mobil}
job_roles:
  - id: top
    name: Top
    includes: [left, right]
  - id: left
    name: Venstre
    includes: [base]
    items: [{equipment: mobil}]
  - id: right
    name: Højre
    includes: [base]
    items: [{equipment: pc, quantity: 3}]
  - id: base
    name: Base
    items: [{equipment: pc}, {equipment: mobil, quantity: 2}]
`
	c, err := catalogue.Parse("diamant.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, []catalogue.Item{equip("mobil", 2), equip("pc", 3)}, c.Items("top"))
	assert.Equal(t, []catalogue.Item{equip("mobil", 2), equip("pc", 1)}, c.Items("left"))
	assert.Equal(t, []catalogue.Item{equip("mobil", 2), equip("pc", 1)}, c.Items("base"))
}

func TestRoleOfIncludesOnly(t *testing.T) {
	// A role with no items of its own is fine when what it includes
	// grants something, at any depth.
	src := doc("", "", `  - id: bundt
    name: Rollebuket
    includes: [mellem]
  - id: mellem
    name: Mellem
    includes: [basis]
`, "")
	c, err := catalogue.Parse("c.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, c.Items("basis"), c.Items("bundt"))
	assert.Equal(t, []catalogue.Item{ent("ad", "alle"), equip("pc", 1)}, c.Items("bundt"))
}

func TestResolve(t *testing.T) {
	c := sample(t)
	items, err := c.Resolve("laerer", "paedagog", "laerer")
	require.NoError(t, err)
	assert.Equal(t, []catalogue.Item{
		ent("ad", "alle"), ent("ad", "laerere"), ent("ad", "paedagoger"),
		ent("aula", "medarbejder"), ent("aula", "paedagogisk-personale"),
		ent("opus", "medarbejder"),
		equip("adgangskort", 1), equip("mobil", 1), equip("pc", 1),
	}, items)

	one, err := c.Resolve("leder")
	require.NoError(t, err)
	assert.Equal(t, c.Items("leder"), one)

	none, err := c.Resolve()
	require.NoError(t, err)
	assert.Empty(t, none)

	_, err = c.Resolve("laerer", "vikar", "rengoering")
	require.ErrorIs(t, err, catalogue.ErrUnknownRole)
	assert.Len(t, flatten(err), 2, "every unknown role is reported")
	assert.ErrorContains(t, err, `"vikar"`)
	assert.ErrorContains(t, err, `"rengoering"`)
}

func TestValidateBuildsIndexes(t *testing.T) {
	c := &catalogue.Catalogue{
		Equipment: []catalogue.EquipmentKind{{ID: "pc", Name: "Pc"}},
		JobRoles:  []catalogue.JobRole{{ID: "kontor", Name: "Kontor", Items: []catalogue.Item{equip("pc", 1)}}},
	}
	// Not validated: the lookups find nothing.
	assert.Nil(t, c.Items("kontor"))
	_, ok := c.JobRole("kontor")
	assert.False(t, ok)
	_, err := c.Resolve("kontor")
	require.ErrorIs(t, err, catalogue.ErrNotValidated)

	require.NoError(t, c.Validate())
	assert.Equal(t, []catalogue.Item{equip("pc", 1)}, c.Items("kontor"))

	// A failed validation drops the indexes: lookups do not answer from
	// a catalogue that is no longer known to be valid.
	c.JobRoles[0].Items[0].Quantity = 0
	err = c.Validate()
	errs := catErrors(t, err)
	require.Len(t, errs, 1)
	assert.Equal(t, catalogue.Error{Path: "job_roles[0].items[0].quantity", Problem: "quantity 0: at least 1"}, *errs[0])
	assert.Nil(t, c.Items("kontor"))
}

func TestLoadMissingFile(t *testing.T) {
	_, err := catalogue.Load(filepath.Join(t.TempDir(), "findes-ikke.yaml"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	errs := catErrors(t, err)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Problem, "cannot read the file")
}

func TestJSONEquivalentToYAML(t *testing.T) {
	y := sample(t)
	data := yamlToJSON(t, readTestdata(t, "catalogue.yaml"))
	j, err := catalogue.Parse("catalogue.json", data)
	require.NoError(t, err)
	assert.Equal(t, y, j)
	assert.Equal(t, y.Items("leder"), j.Items("leder"))

	// No extension: JSON is tried first, then YAML.
	j2, err := catalogue.Parse("katalog", data)
	require.NoError(t, err)
	assert.Equal(t, y, j2)
	y2, err := catalogue.Parse("katalog", readTestdata(t, "catalogue.yaml"))
	require.NoError(t, err)
	assert.Equal(t, y, y2)
}

func TestJSONProblemsEquivalentToYAML(t *testing.T) {
	src := readTestdata(t, "broken.yaml")
	fromYAML := problemsOf(t, "broken.yaml", string(src))
	fromJSON := problemsOf(t, "broken.json", string(yamlToJSON(t, src)))
	// The JSON has its keys sorted, so its problems come in another
	// order: compare them by path.
	byPath := func(a, b problem) int { return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Problem, b.Problem)) }
	slices.SortFunc(fromYAML, byPath)
	slices.SortFunc(fromJSON, byPath)
	require.Len(t, fromJSON, len(fromYAML))
	for i := range fromYAML {
		assert.Equal(t, fromYAML[i].Path, fromJSON[i].Path)
		assert.Equal(t, fromYAML[i].Problem, fromJSON[i].Problem)
		assert.Positive(t, fromJSON[i].Line, "JSON that YAML reads gets lines too: %s", fromJSON[i].Path)
	}
}

func TestJSONDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      problem
	}{
		{"unknown key", `{"systems": [], "roller": []}`, problem{0, "", `unknown key "roller"`}},
		{"unknown key in an item", `{"job_roles": [{"id": "a", "name": "A", "items": [{"equipment": "pc", "antal": 2}]}]}`,
			problem{0, "", `unknown key "antal"`}},
		{"syntax", "{\n  \"systems\": [\n    {\"id\": \"ad\",}\n  ]\n}", problem{3, "", "invalid character '}' looking for beginning of object key string"}},
		{"two values", "{\"equipment\": [{\"id\": \"pc\", \"name\": \"Pc\"}]}\n{}", problem{2, "", "more than one JSON value"}},
		{"quantity not a number", `{"job_roles": [{"id": "a", "name": "A", "items": [{"equipment": "pc", "quantity": "to"}]}]}`,
			problem{0, "", "cannot unmarshal string into Go struct field Item.quantity of type int"}},
		{"type", "{\n  \"equipment\": {\"id\": \"pc\"}\n}", problem{2, "", "cannot unmarshal object into Go struct field Catalogue.equipment of type []catalogue.EquipmentKind"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, []problem{tc.want}, problemsOf(t, "c.json", tc.src))
		})
	}
}

func TestYAMLDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []problem
	}{
		{"unknown key", "systems: []\nroller: []\n", []problem{{2, "", `unknown key "roller"`}}},
		{"unknown key in an item", "job_roles:\n  - id: a\n    name: A\n    items:\n      - equipment: pc\n        antal: 2\n",
			[]problem{{6, "", `unknown key "antal"`}}},
		{"misspelt keys, all of them", "systems:\n  - id: ad\n    navn: AD\n    kind: manual\n    adminstrators: [a@b.dk]\n",
			[]problem{{3, "", `unknown key "navn"`}, {5, "", `unknown key "adminstrators"`}}},
		{"syntax", "systems:\n  - id: ad\n    name: x: y\n", []problem{{3, "", "mapping values are not allowed in this context"}}},
		{"two documents", "equipment: [{id: pc, name: Pc}]\n---\nequipment: []\n", []problem{{2, "", "more than one YAML document"}}},
		{"type", "equipment:\n  id: pc\n", []problem{{2, "", "cannot unmarshal !!map into []catalogue.EquipmentKind"}}},
		{"quantity not a number", "job_roles:\n  - id: a\n    name: A\n    items:\n      - equipment: pc\n        quantity: to\n",
			[]problem{{6, "", "cannot unmarshal !!str `to` into int"}}},
		{"item not a mapping", "job_roles:\n  - id: a\n    name: A\n    items:\n      - [pc]\n",
			[]problem{{5, "", "cannot unmarshal !!seq into catalogue.Item"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, problemsOf(t, "c.yaml", tc.src))
		})
	}
}

func TestItemDecodingAgrees(t *testing.T) {
	// A plain item is read straight from the YAML node; anything else
	// goes through yaml.v3. Written as a merge ("<<:"), the same item
	// takes the second way: both must give the same item or both fail.
	for _, item := range []string{
		`{equipment: pc}`,
		`{equipment: pc, quantity: 3}`,
		`{equipment: pc, quantity: "3"}`,
		`{equipment: pc, quantity: 010}`,
		`{equipment: pc, quantity: 0x2}`,
		`{equipment: pc, quantity: +2}`,
		`{equipment: pc, quantity: 1_0}`,
		`{equipment: pc, quantity: -1}`,
		`{equipment: pc, quantity: 0}`,
		`{equipment: pc, quantity: 2.0}`,
		`{equipment: pc, quantity: ~}`,
		`{equipment: pc, quantity: 99999999999999999999}`,
		`{equipment: "pc"}`,
		`{equipment: 'pc', system: ~}`,
		`{system: ad, resource: alle}`,
		`{system: ad, resource: !!str alle}`,
		`{system: ad, resource: 123}`,
		`{system: ad, resource: true}`,
		`{system: ad, resource: [alle]}`,
		`{system: ad, resource: alle, quantity: 1}`,
		`{system: ad, resource: alle, rolle: x}`,
		`{system: ad, system: ad, resource: alle}`,
		`{}`,
	} {
		t.Run(item, func(t *testing.T) {
			plain := doc("", "", "  - id: x\n    name: X\n    items:\n      - "+item+"\n", "")
			merged := doc("", "", "  - id: x\n    name: X\n    items:\n      - <<: "+item+"\n", "")
			c1, err1 := catalogue.Parse("c.yaml", []byte(plain))
			c2, err2 := catalogue.Parse("c.yaml", []byte(merged))
			if err1 != nil || err2 != nil {
				require.Error(t, err1)
				require.Error(t, err2)
				p1, p2 := catErrors(t, err1), catErrors(t, err2)
				require.Len(t, p2, len(p1))
				for i := range p1 {
					assert.Equal(t, p1[i].Path, p2[i].Path)
				}
				return
			}
			assert.Equal(t, c1.JobRoles[1].Items, c2.JobRoles[1].Items)
		})
	}
}
