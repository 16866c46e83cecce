package catalogue_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

func TestDocIsValid(t *testing.T) {
	// The cases below add one mistake each to doc's catalogue, so it
	// must be valid on its own.
	_, err := catalogue.Parse("c.yaml", []byte(doc("", "", "", "")))
	require.NoError(t, err)
}

// problemCase is a catalogue with one mistake: the problem reported, at
// the line marked "#!".
type problemCase struct {
	name                              string
	systems, equipment, roles, births string
	path, problem                     string
}

func TestProblems(t *testing.T) {
	long := strings.Repeat("æ", 101) // 202 bytes
	cases := []problemCase{
		// Duplicate IDs.
		{name: "duplicate system", systems: `  - id: ad #!
    name: AD igen
    kind: integrated
    connector: ad-groups
`, path: "systems[2].id", problem: `"ad" is also the id of systems[0]`},
		{name: "duplicate equipment", equipment: `  - id: pc #!
    name: Stationær pc
`, path: "equipment[1].id", problem: `"pc" is also the id of equipment[0]`},
		{name: "duplicate role", roles: `  - id: basis #!
    name: Basis igen
    items: [{equipment: pc}]
`, path: "job_roles[1].id", problem: `"basis" is also the id of job_roles[0]`},
		{name: "duplicate resource key", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    resources:
      - key: laeser
        name: Læser
      - key: laeser #!
        name: Læser igen
`, path: "systems[2].resources[1].key", problem: `"laeser" is also the key of systems[2].resources[0]`},

		// Items.
		{name: "unknown system", roles: `  - id: x
    name: X
    items:
      - system: kmd #!
        resource: alle
`, path: "job_roles[1].items[0].system", problem: `unknown system "kmd"`},
		{name: "unknown resource", roles: `  - id: x
    name: X
    items:
      - system: ad
        resource: ukendt #!
`, path: "job_roles[1].items[0].resource", problem: `system "ad" has no resource "ukendt"`},
		{name: "resource of another system", roles: `  - id: x
    name: X
    items:
      - system: ad
        resource: medarbejder #!
`, path: "job_roles[1].items[0].resource", problem: `system "ad" has no resource "medarbejder"`},
		{name: "system without resource", roles: `  - id: x
    name: X
    items:
      - system: ad #!
`, path: "job_roles[1].items[0].resource", problem: `needs a resource of system "ad"`},
		{name: "resource without system", roles: `  - id: x
    name: X
    items:
      - resource: alle #!
`, path: "job_roles[1].items[0].system", problem: `needs the system of resource "alle"`},
		{name: "unknown equipment kind", roles: `  - id: x
    name: X
    items:
      - equipment: tablet #!
`, path: "job_roles[1].items[0].equipment", problem: `unknown equipment kind "tablet"`},
		{name: "both", roles: `  - id: x
    name: X
    items:
      - system: ad #!
        resource: alle
        equipment: pc
`, path: "job_roles[1].items[0]", problem: "an item is a system's resource or equipment, not both"},
		{name: "neither", roles: `  - id: x
    name: X
    items:
      - {} #!
`, path: "job_roles[1].items[0]", problem: "an item needs a system and resource, or equipment"},
		{name: "neither, only a quantity", roles: `  - id: x
    name: X
    items:
      - quantity: 2 #!
`, path: "job_roles[1].items[0]", problem: "an item needs a system and resource, or equipment"},
		{name: "quantity 0", roles: `  - id: x
    name: X
    items:
      - equipment: pc
        quantity: 0 #!
`, path: "job_roles[1].items[0].quantity", problem: "quantity 0: at least 1"},
		{name: "quantity negative", roles: `  - id: x
    name: X
    items:
      - equipment: pc
        quantity: -2 #!
`, path: "job_roles[1].items[0].quantity", problem: "quantity -2: at least 1"},
		{name: "quantity on an entitlement", roles: `  - id: x
    name: X
    items:
      - system: ad
        resource: alle
        quantity: 2 #!
`, path: "job_roles[1].items[0].quantity", problem: "a quantity is only for equipment"},

		// Roles and includes.
		{name: "role without items", roles: `  - id: tom #!
    name: Tom
`, path: "job_roles[1].items", problem: "the job role grants nothing: it has no items, and neither have the roles it includes"},
		{name: "role with an empty list of items", roles: `  - id: tom
    name: Tom
    items: [] #!
`, path: "job_roles[1].items", problem: "the job role grants nothing: it has no items, and neither have the roles it includes"},
		{name: "unknown include", roles: `  - id: x
    name: X
    includes: [basis, ukendt] #!
    items: [{equipment: pc}]
`, path: "job_roles[1].includes[1]", problem: `unknown job role "ukendt"`},
		{name: "include twice", roles: `  - id: x
    name: X
    includes:
      - basis
      - basis #!
`, path: "job_roles[1].includes[1]", problem: `"basis" is included twice`},
		{name: "cycle of two", roles: `  - id: a
    name: A
    includes: [b]
    items: [{equipment: pc}]
  - id: b
    name: B
    includes: [a] #!
`, path: "job_roles[2].includes[0]", problem: "a cycle of includes: a → b → a"},
		{name: "cycle of three, entered from outside", roles: `  - id: top
    name: Top
    includes: [a]
  - id: a
    name: A
    includes: [basis, b]
  - id: b
    name: B
    includes: [c]
  - id: c
    name: C
    includes: [a] #!
`, path: "job_roles[4].includes[0]", problem: "a cycle of includes: a → b → c → a"},
		{name: "role including itself", roles: `  - id: a
    name: A
    includes: [basis, a] #!
`, path: "job_roles[1].includes[1]", problem: "a cycle of includes: a → a"},
		{name: "bad lifecycle", roles: `  - id: x
    name: X
    lifecycle: retired #!
    items: [{equipment: pc}]
`, path: "job_roles[1].lifecycle", problem: `"retired" is not active, draft or deprecated`},
		{name: "empty orderable unit", roles: `  - id: x
    name: X
    items: [{equipment: pc}]
    orderable_in:
      - unit: skoler
        inherit: true
      - inherit: true #!
`, path: "job_roles[1].orderable_in[1].unit", problem: "needs a unit"},
		{name: "title with a newline", roles: `  - id: x
    name: X
    items: [{equipment: pc}]
    titles:
      include: [Lærer]
      exclude: ["Vikar\nx"] #!
`, path: "job_roles[1].titles.exclude[0]", problem: "holds the control character U+000A"},

		// Systems.
		{name: "integrated without connector", systems: `  - id: aula #!
    name: Aula
    kind: integrated
`, path: "systems[2].connector", problem: "an integrated system needs a connector"},
		{name: "manual without administrators", systems: `  - id: sbsys #!
    name: SBSYS
    kind: manual
`, path: "systems[2].administrators", problem: "a manual system needs administrators: the people who do its tasks"},
		{name: "manual with empty administrators", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [] #!
`, path: "systems[2].administrators", problem: "a manual system needs administrators: the people who do its tasks"},
		{name: "manual with a connector", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    connector: sbsys-api #!
    administrators: [sbsys@sjolund.dk]
`, path: "systems[2].connector", problem: "a manual system has no connector: its administrators do its tasks"},
		{name: "no kind", systems: `  - id: sbsys #!
    name: SBSYS
`, path: "systems[2].kind", problem: "needs a kind: manual or integrated"},
		{name: "bad kind", systems: `  - id: sbsys
    name: SBSYS
    kind: manuel #!
`, path: "systems[2].kind", problem: `"manuel" is not manual or integrated`},
		{name: "bad connector", systems: `  - id: aula
    name: Aula
    kind: integrated
    connector: uni login #!
`, path: "systems[2].connector", problem: `"uni login": an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit`},
		{name: "mail with a display name", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: ["SBSYS <sbsys@sjolund.dk>"] #!
`, path: "systems[2].administrators[0]", problem: `"SBSYS <sbsys@sjolund.dk>" is not a bare mail address like it-support@kommune.dk`},
		{name: "mail in angle brackets", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators:
      - sbsys@sjolund.dk
      - <it@sjolund.dk> #!
`, path: "systems[2].administrators[1]", problem: `"<it@sjolund.dk>" is not a bare mail address like it-support@kommune.dk`},
		{name: "advisee without a domain", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    advisees: [hr] #!
`, path: "systems[2].advisees[0]", problem: `"hr" is not a bare mail address like it-support@kommune.dk`},
		{name: "owner with spaces", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    owners: [" sbsys@sjolund.dk"] #!
`, path: "systems[2].owners[0]", problem: `" sbsys@sjolund.dk" is not a bare mail address like it-support@kommune.dk`},
		{name: "mail with a comment", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: ["sbsys@sjolund.dk (SBSYS)"] #!
`, path: "systems[2].administrators[0]", problem: `"sbsys@sjolund.dk (SBSYS)" is not a bare mail address like it-support@kommune.dk`},
		{name: "bad digest", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    digest: 3 timer #!
`, path: "systems[2].digest", problem: `"3 timer" is not a duration like 3h or 90m`},
		{name: "negative digest", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    digest: -1h #!
`, path: "systems[2].digest", problem: `"-1h": a digest interval is more than 0`},
		{name: "group on a manual system", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    resources:
      - key: laeser
        name: Læser
        group: CN=SBSYS,DC=sjolund,DC=dk #!
`, path: "systems[2].resources[0].group", problem: "only a resource of an integrated system with the ad-groups connector has a group"},
		{name: "bad group DN", systems: `  - id: ad2
    name: AD skole
    kind: integrated
    connector: ad-groups
    resources:
      - key: laerere
        name: Lærere
        group: Lærere #!
`, path: "systems[2].resources[0].group", problem: `"Lærere" is not a distinguished name like CN=Lærere,OU=Grupper,DC=kommune,DC=dk`},

		// IDs and names.
		{name: "id with a space", systems: `  - id: kmd opus #!
    name: KMD Opus
    kind: manual
    administrators: [loen@sjolund.dk]
`, path: "systems[2].id", problem: `"kmd opus": an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit`},
		{name: "id with a letter outside ASCII", equipment: `  - id: skærm #!
    name: Skærm
`, path: "equipment[1].id", problem: `"skærm": an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit`},
		{name: "id starting with a dot", roles: `  - id: .skjult #!
    name: Skjult
    items: [{equipment: pc}]
`, path: "job_roles[1].id", problem: `".skjult": an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit`},
		{name: "no id", roles: `  - name: Uden id #!
    items: [{equipment: pc}]
`, path: "job_roles[1].id", problem: "needs an id"},
		{name: "resource key with a slash", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    resources:
      - key: sag/læs #!
        name: Læser
`, path: "systems[2].resources[0].key", problem: `"sag/læs": an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit`},
		{name: "id too long", equipment: `  - id: ` + strings.Repeat("x", 129) + ` #!
    name: X
`, path: "equipment[1].id", problem: `"` + strings.Repeat("x", 60) + `…": at most 128 bytes`},
		{name: "empty name", equipment: `  - id: mobil
    name: "" #!
`, path: "equipment[1].name", problem: "needs a name"},
		{name: "blank name", equipment: `  - id: mobil
    name: "   " #!
`, path: "equipment[1].name", problem: "needs a name"},
		{name: "no name", equipment: `  - id: mobil #!
`, path: "equipment[1].name", problem: "needs a name"},
		{name: "name too long", roles: `  - id: x
    name: ` + long + ` #!
    items: [{equipment: pc}]
`, path: "job_roles[1].name", problem: "202 bytes; the most is 200"},
		{name: "name with NUL", systems: `  - id: sbsys
    name: "SB\0SYS" #!
    kind: manual
    administrators: [sbsys@sjolund.dk]
`, path: "systems[2].name", problem: "holds the control character U+0000"},
		{name: "name with a tab", systems: `  - id: sbsys
    name: "SB\tSYS" #!
    kind: manual
    administrators: [sbsys@sjolund.dk]
`, path: "systems[2].name", problem: "holds the control character U+0009"},
		{name: "name with a C1 control", systems: `  - id: sbsys
    name: "SB\x85SYS" #!
    kind: manual
    administrators: [sbsys@sjolund.dk]
`, path: "systems[2].name", problem: "holds the control character U+0085"},
		{name: "resource without a name", systems: `  - id: sbsys
    name: SBSYS
    kind: manual
    administrators: [sbsys@sjolund.dk]
    resources:
      - key: laeser #!
`, path: "systems[2].resources[0].name", problem: "needs a name"},

		// Birthrights.
		{name: "birthright of an unknown role", births: `  - job_role: vikar #!
    unit: skoler
`, path: "birthrights[1].job_role", problem: `unknown job role "vikar"`},
		{name: "birthright without a role", births: `  - unit: skoler #!
`, path: "birthrights[1].job_role", problem: "needs a job role"},
		{name: "birthright of a deprecated role", roles: `  - id: gammel
    name: Gammel
    lifecycle: deprecated
    items: [{equipment: pc}]
`, births: `  - job_role: gammel #!
    unit: skoler
`, path: "birthrights[1].job_role", problem: `job role "gammel" is deprecated: a birthright may not give it`},
		{name: "to equal to from", births: `  - job_role: basis
    unit: skoler
    from: "2026-08-01"
    to: "2026-08-01" #!
`, path: "birthrights[1].to", problem: "2026-08-01 is not after from 2026-08-01: to is the first day the rule no longer holds"},
		{name: "to before from", births: `  - job_role: basis
    unit: skoler
    from: 2026-08-01
    to: 2026-07-31 #!
`, path: "birthrights[1].to", problem: "2026-07-31 is not after from 2026-08-01: to is the first day the rule no longer holds"},
		{name: "bad date", births: `  - job_role: basis
    unit: skoler
    from: 2026-13-01 #!
`, path: "birthrights[1].from", problem: `"2026-13-01" is not a date like 2026-08-01`},
		{name: "Danish date", births: `  - job_role: basis
    unit: skoler
    to: 01-08-2026 #!
`, path: "birthrights[1].to", problem: `"01-08-2026" is not a date like 2026-08-01`},
		{name: "birthright without a unit", births: `  - job_role: basis #!
`, path: "birthrights[1].unit", problem: "needs a unit"},
		{name: "bad except", births: `  - job_role: basis
    unit: skoler
    except: [vikarer, ""] #!
`, path: "birthrights[1].except[1]", problem: "needs a unit"},
		{name: "empty title", births: `  - job_role: basis
    unit: skoler
    titles:
      include: [""] #!
`, path: "birthrights[1].titles.include[0]", problem: "needs a title"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := doc(tc.systems, tc.equipment, tc.roles, tc.births)
			want := []problem{{markedLine(t, src), tc.path, tc.problem}}
			assert.Equal(t, want, problemsOf(t, "c.yaml", src))
		})
	}
}

func TestEmptyCatalogue(t *testing.T) {
	const empty = "the catalogue is empty: no systems, equipment, job roles or birthrights"
	for _, tc := range []struct {
		name, file, src string
		line            int
	}{
		{"empty file", "c.yaml", "", 0},
		{"only comments", "c.yaml", "# katalog\n# kommer senere\n", 0},
		{"empty mapping", "c.yaml", "{}\n", 1},
		{"empty lists", "c.yaml", "systems: []\nequipment: []\njob_roles: []\nbirthrights: []\n", 1},
		{"null", "c.yaml", "~\n", 0},
		{"empty JSON", "c.json", "{}", 1},
		{"empty JSON file", "c.json", "", 0},
		{"no extension", "katalog", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, []problem{{tc.line, "", empty}}, problemsOf(t, tc.file, tc.src))
		})
	}
}

func TestCycleReportedOncePerCycle(t *testing.T) {
	// Two cycles sharing b: a → b → a and b → c → b. Each is reported
	// once, not once per role on it.
	src := doc("", "", `  - id: a
    name: A
    includes: [b]
    items: [{equipment: pc}]
  - id: b
    name: B
    includes: [a, c] # b
  - id: c
    name: C
    includes: [b] # c
`, "")
	got := problemsOf(t, "c.yaml", src)
	assert.Equal(t, []problem{
		{lineWith(t, src, "# b"), "job_roles[2].includes[0]", "a cycle of includes: a → b → a"},
		{lineWith(t, src, "# c"), "job_roles[3].includes[0]", "a cycle of includes: b → c → b"},
	}, got)
}

func TestAllProblemsAtOnce(t *testing.T) {
	got := problemsOf(t, "broken.yaml", string(readTestdata(t, "broken.yaml")))
	assert.Equal(t, []problem{
		{3, "systems[0].connector", "an integrated system needs a connector"},
		{9, "systems[1].administrators", "a manual system needs administrators: the people who do its tasks"},
		{12, "systems[1].advisees[0]", `"HR <hr@sjolund.dk>" is not a bare mail address like it-support@kommune.dk`},
		{13, "systems[1].digest", `"3 timer" is not a duration like 3h or 90m`},
		{17, "systems[2].id", `"ad" is also the id of systems[0]`},
		{23, "equipment[0].name", "needs a name"},
		{27, "job_roles[0].includes[1]", `unknown job role "ukendt"`},
		{30, "job_roles[0].items[0].resource", `system "ad" has no resource "laerere"`},
		{32, "job_roles[0].items[1].quantity", "quantity 0: at least 1"},
		{33, "job_roles[0].items[2].system", `unknown system "aula"`},
		{39, "job_roles[1].items[0]", "an item is a system's resource or equipment, not both"},
		{44, "job_roles[2].includes[0]", "a cycle of includes: basis → leder → basis"},
		{45, "job_roles[3].items", "the job role grants nothing: it has no items, and neither have the roles it includes"},
		{47, "job_roles[4].id", `"Gammel Rolle": an id holds only ASCII letters, digits, '-', '_' and '.', and starts with a letter or digit`},
		{58, "birthrights[0].job_role", `job role "tas" is deprecated: a birthright may not give it`},
		{60, "birthrights[1].job_role", `unknown job role "ukendt"`},
		{63, "birthrights[1].to", "2026-08-01 is not after from 2026-08-01: to is the first day the rule no longer holds"},
	}, got)

	// The message says where: file, line, path.
	_, err := catalogue.Parse("broken.yaml", readTestdata(t, "broken.yaml"))
	assert.Contains(t, err.Error(), "catalogue: broken.yaml:13: systems[1].digest: \"3 timer\" is not a duration like 3h or 90m\n")
}

func TestErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		e    catalogue.Error
		want string
	}{
		{catalogue.Error{File: "k.yaml", Line: 4, Path: "systems[0].id", Problem: "needs an id"}, "catalogue: k.yaml:4: systems[0].id: needs an id"},
		{catalogue.Error{File: "k.json", Path: "systems[0].id", Problem: "needs an id"}, "catalogue: k.json: systems[0].id: needs an id"},
		{catalogue.Error{Path: "systems[0].id", Problem: "needs an id"}, "catalogue: systems[0].id: needs an id"},
		{catalogue.Error{File: "k.yaml", Problem: "the catalogue is empty"}, "catalogue: k.yaml: the catalogue is empty"},
	} {
		assert.Equal(t, tc.want, tc.e.Error())
	}
}
