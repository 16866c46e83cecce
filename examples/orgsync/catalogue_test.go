package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

const (
	// libraryCatalogue and libraryBroken are the catalogue package's
	// fixtures: a municipality's catalogue, and one with every kind of
	// mistake.
	libraryCatalogue = "../../boarding/catalogue/testdata/catalogue.yaml"
	libraryBroken    = "../../boarding/catalogue/testdata/broken.yaml"
	// smallCatalogue is this command's own, whose output the tests know
	// to the letter.
	smallCatalogue = "testdata/catalogue/catalogue.yaml"
)

func TestCatalogueValidateAValidFile(t *testing.T) {
	out, errOut, status := orgsync("catalogue", "validate", libraryCatalogue)
	require.Equal(t, 0, status, errOut)
	assert.Empty(t, errOut)
	c, err := catalogue.Load(libraryCatalogue)
	require.NoError(t, err)
	resources := 0
	for _, s := range c.Systems {
		resources += len(s.Resources)
	}
	want := libraryCatalogue + ": " + strconv.Itoa(len(c.Systems)) + " systems, " + strconv.Itoa(resources) + " resources, " +
		strconv.Itoa(len(c.Equipment)) + " equipment kinds, " + strconv.Itoa(len(c.JobRoles)) + " job roles, " +
		strconv.Itoa(len(c.Birthrights)) + " birthright rules\n"
	assert.Equal(t, want, out)

	out, _, status = orgsync("catalogue", "validate", smallCatalogue)
	require.Equal(t, 0, status)
	assert.Equal(t, smallCatalogue+": 2 systems, 3 resources, 2 equipment kinds, 3 job roles, 2 birthright rules\n", out)
}

// problemLine is FILE:LINE: PATH: PROBLEM.
var problemLine = regexp.MustCompile(`^(.+?):(\d+): (\S+): (.+)$`)

func TestCatalogueValidateReportsEveryProblem(t *testing.T) {
	out, errOut, status := orgsync("catalogue", "validate", libraryBroken)
	assert.Equal(t, 1, status)
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	_, err := catalogue.Load(libraryBroken)
	require.Error(t, err)
	assert.Len(t, got, len(flatten(err)), "one line a problem")
	assert.Contains(t, errOut, libraryBroken+" is not valid: "+strconv.Itoa(len(got))+" problems\n")
	prev := 0
	for _, l := range got {
		g := problemLine.FindStringSubmatch(l)
		if assert.NotNil(t, g, "FILE:LINE: PATH: PROBLEM: %q", l) {
			assert.Equal(t, libraryBroken, g[1])
			n, _ := strconv.Atoi(g[2])
			assert.GreaterOrEqual(t, n, prev, "in the file's order")
			prev = n
		}
	}
	// The cases: a cycle, an unknown system, a role without items.
	assert.Contains(t, out, libraryBroken+":44: job_roles[2].includes[0]: a cycle of includes: basis → leder → basis\n")
	assert.Contains(t, out, libraryBroken+":33: job_roles[0].items[2].system: unknown system \"aula\"\n")
	assert.Contains(t, out, libraryBroken+":45: job_roles[3].items: the job role grants nothing")

	out, _, status = orgsync("catalogue", "validate", "testdata/catalogue/broken.json")
	assert.Equal(t, 1, status)
	assert.Equal(t, lines(
		`testdata/catalogue/broken.json:7: job_roles[0].items[0].resource: system "ad" has no resource "ingen"`,
		`testdata/catalogue/broken.json:8: job_roles[1].items: the job role grants nothing: it has no items, and neither have the roles it includes`,
	), out, "a JSON file's problems have their lines too")
}

func TestCatalogueValidateBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}

	missing := filepath.Join(dir, "ingen.yaml")
	out, errOut, status := orgsync("catalogue", "validate", missing)
	assert.Equal(t, 2, status, "a file that cannot be read is a usage error")
	assert.Empty(t, out)
	assert.Equal(t, "orgsync catalogue validate: "+missing+": cannot read the file: no such file or directory\n", errOut)

	_, errOut, status = orgsync("catalogue", "validate", dir)
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, dir+": cannot read the file: is a directory")

	binary := write("binary.yaml", []byte{0x7f, 'E', 'L', 'F', 0, 0, 0xff, 0xfe, '\n', 1, 2, 3})
	out, errOut, status = orgsync("catalogue", "validate", binary)
	assert.Equal(t, 1, status, "read, but not a catalogue")
	assert.True(t, strings.HasPrefix(out, binary+":"), out)
	assert.Contains(t, errOut, "is not valid: 1 problem\n")

	notYAML := write("not.yaml", []byte("systems:\n  - id: ad\n    name: [unclosed\n"))
	out, _, status = orgsync("catalogue", "validate", notYAML)
	assert.Equal(t, 1, status)
	assert.Regexp(t, `^`+regexp.QuoteMeta(notYAML)+`:\d+: `, out, "a syntax error has its line")

	unknownKey := write("key.yaml", []byte("systems:\n  - id: ad\n    name: AD\n    kind: integrated\n    connector: ad-groups\n    colour: blue\n"))
	out, _, status = orgsync("catalogue", "validate", unknownKey)
	assert.Equal(t, 1, status)
	assert.Contains(t, out, unknownKey+":6: ")
	assert.Contains(t, out, `"colour"`)

	// The problems quote the file, masked; the file's name stays whole.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "1234567890"), 0o700))
	cpr := write("1234567890/cpr.yaml", []byte("systems:\n  - id: opus\n    name: Opus\n    kind: manual\n    administrators: [\"0101901234\"]\n"))
	out, _, status = orgsync("catalogue", "validate", cpr)
	assert.Equal(t, 1, status)
	assert.Contains(t, out, cpr+":5: systems[0].administrators[0]: \"010190-xxxx\"")
	assert.NotContains(t, out, "0101901234")

	empty := write("empty.yaml", nil)
	out, _, status = orgsync("catalogue", "validate", empty)
	assert.Equal(t, 1, status)
	assert.Contains(t, out, empty+": ")
}

func TestCatalogueUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"catalogue"}, "usage: orgsync catalogue validate FILE"},
		{[]string{"catalogue", "check", smallCatalogue}, "usage: orgsync catalogue validate FILE"},
		{[]string{"catalogue", "validate"}, "give the catalogue FILE"},
		{[]string{"catalogue", "validate", smallCatalogue, libraryCatalogue}, "one catalogue FILE at a time"},
		{[]string{"catalogue", "validate", "--json", smallCatalogue}, "--role, --system and --json go with show"},
		{[]string{"catalogue", "show", smallCatalogue, "--role", "basis", "--system", "ad"}, "give --role or --system, not both"},
		{[]string{"catalogue", "show", smallCatalogue, "--colour"}, "flag provided but not defined: -colour"},
		{[]string{"catalogue", "show", smallCatalogue, "--role", "rektor"}, `--role "rektor": ` + smallCatalogue + ` has no such job role (the roles are basis, laerer, gammel)`},
		{[]string{"catalogue", "show", smallCatalogue, "--system", "nexus"}, `--system "nexus": ` + smallCatalogue + ` has no such system (the systems are ad, opus)`},
	} {
		out, errOut, status := orgsync(tc.args...)
		assert.Equal(t, 2, status, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}
	out, _, status := orgsync("catalogue", "-h")
	assert.Equal(t, 0, status)
	assert.Empty(t, out)
	out, _, status = orgsync("help")
	assert.Equal(t, 0, status)
	assert.Contains(t, out, "  catalogue  validate and show the boarding catalogue")
	assert.Contains(t, out, "  orders     list the boarding orders")
}

func TestCatalogueShowText(t *testing.T) {
	out, errOut, status := orgsync("catalogue", "show", smallCatalogue)
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, lines(
		"catalogue "+smallCatalogue+": 2 systems, 3 resources, 2 equipment kinds, 3 job roles, 2 birthright rules",
		"",
		"systems",
		"ID    NAME              KIND        CONNECTOR  ADMINISTRATORS                     RESOURCES",
		"ad    Active Directory  integrated  ad-groups  -                                  alle, laerere",
		"opus  KMD Opus          manual      -          loen@sjolund.dk, hr-it@sjolund.dk  medarbejder",
		"",
		"equipment",
		"ID      NAME",
		"pc      Bærbar pc",
		"skaerm  Ekstra skærm",
		"",
		"job roles (items with includes expanded)",
		"ID      NAME          LIFECYCLE   INCLUDES  ITEMS",
		"basis   Basis         active      -         ad/alle, opus/medarbejder, skaerm",
		"laerer  Lærer         active      basis     ad/alle, ad/laerere, opus/medarbejder, pc, skaerm x2",
		"gammel  Gammel rolle  deprecated  -         pc",
		"",
		"birthright rules",
		"JOB ROLE  UNIT               TITLES  MANAGERS ONLY  EXCEPT       PERIOD",
		"basis     kommune and below  any     no             vikarbureau  always",
		"laerer    skoler             any     yes            -            from 2027-01-01",
	), out)

	// The library's catalogue: every role's expanded items are Resolve's.
	out, errOut, status = orgsync("catalogue", "show", libraryCatalogue)
	require.Equal(t, 0, status, errOut)
	c, err := catalogue.Load(libraryCatalogue)
	require.NoError(t, err)
	for _, r := range c.JobRoles {
		items, err := c.Resolve(r.ID)
		require.NoError(t, err)
		names := make([]string, len(items))
		for i, it := range items {
			names[i] = itemName(expandedItem{System: it.System, Resource: it.Resource, Equipment: it.Equipment, Quantity: it.Quantity})
		}
		assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(r.ID)+` .* `+regexp.QuoteMeta(strings.Join(names, ", "))+`$`, out, r.ID)
	}
	assert.Contains(t, out, "skaerm x2", "the leader's two screens")
}

func TestCatalogueShowRoleAndSystem(t *testing.T) {
	out, errOut, status := orgsync("catalogue", "show", "--role", "laerer", smallCatalogue)
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, lines(
		"job role laerer: Lærer",
		"lifecycle:        active",
		"includes:         basis",
		"orderable in:     skoler and below",
		"titles:           Lærer; not Vikar",
		"requires reason:  yes",
		"birthright in:    skoler",
		"",
		"5 items (includes expanded)",
		"ITEM              KIND        NAME                                 FROM",
		"ad/alle           integrated  Active Directory: Alle medarbejdere  basis",
		"ad/laerere        integrated  Active Directory: Lærere             laerer",
		"opus/medarbejder  manual      KMD Opus: Medarbejderportal          basis",
		"pc                equipment   Bærbar pc                            laerer",
		"skaerm x2         equipment   Ekstra skærm                         laerer, basis",
	), out)

	out, errOut, status = orgsync("catalogue", "show", smallCatalogue, "--system", "opus")
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, lines(
		"system opus: KMD Opus",
		"kind:            manual",
		"connector:       -",
		"administrators:  loen@sjolund.dk, hr-it@sjolund.dk",
		"advisees:        -",
		"owners:          -",
		"sensitive:       yes",
		"mails:           one digest mail every 3h",
		"",
		"1 resource",
		"KEY          NAME               GROUP  GRANTED BY",
		"medarbejder  Medarbejderportal  -      basis, laerer",
	), out)

	out, _, status = orgsync("catalogue", "show", smallCatalogue, "--system", "ad")
	require.Equal(t, 0, status)
	assert.Contains(t, out, "mails:           -\n", "an integrated system's connector does its tasks")
	assert.Contains(t, out, "laerere  Lærere             CN=Lærere,OU=Grupper,DC=sjolund,DC=dk  laerer\n")
}

func TestCatalogueShowJSON(t *testing.T) {
	out, errOut, status := orgsync("catalogue", "show", smallCatalogue, "--json")
	require.Equal(t, 0, status, errOut)
	var all catalogueJSON
	require.NoError(t, json.Unmarshal([]byte(out), &all))
	assert.Equal(t, smallCatalogue, all.File)
	assert.Len(t, all.Systems, 2)
	assert.Equal(t, []string{"loen@sjolund.dk", "hr-it@sjolund.dk"}, all.Systems[1].Administrators)
	assert.Len(t, all.Equipment, 2)
	assert.Len(t, all.Birthrights, 2)
	require.Len(t, all.JobRoles, 3)
	laerer := all.JobRoles[1]
	assert.Equal(t, "laerer", laerer.ID)
	assert.Len(t, laerer.Items, 3, "the role's own items")
	require.Len(t, laerer.Expanded, 5, "and with basis's")
	assert.Equal(t, expandedItem{Equipment: "skaerm", Quantity: 2, Kind: "equipment", Name: "Ekstra skærm", From: []string{"laerer", "basis"}}, laerer.Expanded[4])
	assert.Equal(t, expandedItem{System: "ad", Resource: "alle", Kind: "integrated", Name: "Active Directory: Alle medarbejdere", From: []string{"basis"}}, laerer.Expanded[0])

	out, errOut, status = orgsync("catalogue", "show", smallCatalogue, "--json", "--role", "basis")
	require.Equal(t, 0, status, errOut)
	var role roleJSON
	require.NoError(t, json.Unmarshal([]byte(out), &role))
	assert.Equal(t, "Basis", role.Name)
	assert.Len(t, role.Expanded, 3)

	out, errOut, status = orgsync("catalogue", "show", smallCatalogue, "--json", "--system", "ad")
	require.Equal(t, 0, status, errOut)
	var sys systemJSON
	require.NoError(t, json.Unmarshal([]byte(out), &sys))
	assert.Equal(t, catalogue.Integrated, sys.Kind)
	assert.Equal(t, map[string][]string{"alle": {"basis", "laerer"}, "laerere": {"laerer"}}, sys.GrantedBy)
}

func TestCatalogueShowAnInvalidFile(t *testing.T) {
	out, errOut, status := orgsync("catalogue", "show", libraryBroken)
	assert.Equal(t, 1, status)
	assert.Empty(t, out, "nothing to show")
	assert.Contains(t, errOut, libraryBroken+":44: job_roles[2].includes[0]: a cycle of includes")
	assert.Contains(t, errOut, "orgsync catalogue show: "+libraryBroken+" is not valid: ")
}
