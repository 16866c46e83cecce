package catalogue_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

// problem is an *Error without its file, for comparing.
type problem struct {
	Line    int
	Path    string
	Problem string
}

// flatten lists the errors inside joined errors.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, flatten(e)...)
	}
	return out
}

// catErrors returns err's *Error values, failing the test if err holds
// anything else.
func catErrors(t testing.TB, err error) []*catalogue.Error {
	t.Helper()
	var out []*catalogue.Error
	for _, e := range flatten(err) {
		ce, ok := e.(*catalogue.Error)
		require.Truef(t, ok, "%T is not a *catalogue.Error: %v", e, e)
		out = append(out, ce)
	}
	return out
}

// problemsOf parses src under name, which must fail, and returns its
// problems, checking that each names the file.
func problemsOf(t *testing.T, name, src string) []problem {
	t.Helper()
	c, err := catalogue.Parse(name, []byte(src))
	require.Error(t, err)
	require.Nil(t, c)
	var out []problem
	for _, e := range catErrors(t, err) {
		require.Equal(t, name, e.File)
		out = append(out, problem{e.Line, e.Path, e.Problem})
	}
	return out
}

// markedLine is the line of src that holds "#!", the mark a case puts on
// the line its problem should be reported at.
func markedLine(t *testing.T, src string) int {
	t.Helper()
	return lineWith(t, src, "#!")
}

// lineWith is the first line of src that holds mark.
func lineWith(t *testing.T, src, mark string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, mark) {
			return i + 1
		}
	}
	t.Fatalf("no %q in the case", mark)
	return 0
}

// doc makes a small valid catalogue with more entries appended to each
// section: systems, equipment, job roles and birthrights, each written
// as list entries indented by two spaces.
func doc(systems, equipment, roles, birthrights string) string {
	return `systems:
  - id: ad
    name: Active Directory
    kind: integrated
    connector: ad-groups
    resources:
      - key: alle
        name: Alle medarbejdere
        group: CN=Alle,OU=Grupper,DC=sjolund,DC=dk
  - id: opus
    name: KMD Opus
    kind: manual
    administrators: [loen@sjolund.dk]
    resources:
      - key: medarbejder
        name: Medarbejderportal
` + systems + `equipment:
  - id: pc
    name: Bærbar pc
` + equipment + `job_roles:
  - id: basis
    name: Basis
    items:
      - system: ad
        resource: alle
      - equipment: pc
` + roles + `birthrights:
  - job_role: basis
    unit: sjolund-kommune
    inherit: true
` + birthrights
}

// readTestdata reads a file in testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// yamlToJSON turns a YAML document into the same document as indented
// JSON without going through the catalogue's types, so a JSON test
// cannot share a mistake with the YAML one.
func yamlToJSON(t testing.TB, src []byte) []byte {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(src, &v))
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return b
}

// sample is the parsed testdata/catalogue.yaml.
func sample(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Load(filepath.Join("testdata", "catalogue.yaml"))
	require.NoError(t, err)
	return c
}

// isCatalogueErrors says whether err is an *Error or joined *Errors only.
func isCatalogueErrors(err error) bool {
	errs := flatten(err)
	if len(errs) == 0 {
		return false
	}
	for _, e := range errs {
		var ce *catalogue.Error
		if !errors.As(e, &ce) || ce != e {
			return false
		}
	}
	return true
}
