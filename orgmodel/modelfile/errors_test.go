package modelfile_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// doc returns a document of one snapshot, "sd", holding the objects.
func doc(objs ...string) string {
	return `{"format": "orgsync-model/1", "snapshots": [{"source": "sd", "objects": [` + strings.Join(objs, ", ") + `]}]}`
}

// unit returns a unit with one open span from 2024-01-01 and more fields.
func unit(key, more string) string {
	return `{"kind": "unit", "key": "` + key + `", "history": [{"from": "2024-01-01", "name": "` + key + `"` + more + `}]}`
}

// person returns a person with one open span from 2024-01-01 and more
// fields.
func person(key, more string) string {
	return `{"kind": "person", "key": "` + key + `", "history": [{"from": "2024-01-01", "surname": "` + key + `"` + more + `}]}`
}

const span0 = "snapshots[0].objects[0].history[0]"

func TestReadRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		path string
		// line and column, when the case pins them.
		line, col int
		is        error
	}{
		// JSON itself.
		{name: "empty", in: "", path: "", line: 1, col: 1},
		{name: "syntax", in: "{\"format\": \"orgsync-model/1\",\n \"snapshots\": [}", path: "snapshots", line: 2, col: 16},
		{name: "truncated", in: `{"format": "orgsync-model/1", "snapshots": [`, path: "snapshots", line: 1, col: 45},
		{name: "missing comma", in: doc(`{"kind": "unit" "key": "U1"}`), path: "snapshots[0].objects[0]"},
		{name: "not an object", in: `[]`, path: "", line: 1, col: 1},
		{name: "a second document", in: doc() + " {}", path: "", col: len(doc()) + 2},
		{name: "garbage after", in: doc() + " x", path: ""},
		{name: "invalid UTF-8", in: doc(unit("U1", ",\n\"type\": \"Afd\xffling\"")), path: span0 + ".type", line: 2, col: 13},
		{name: "field twice", in: doc(unit("U1", `, "name": "again"`)), path: span0 + ".name"},
		{name: "wrong type", in: doc(unit("U1", `, "type": 7`)), path: span0 + ".type"},
		{name: "null text", in: doc(unit("U1", `, "level": null`)), path: span0 + ".level"},

		// The document.
		{name: "wrong format", in: `{"format": "orgsync-model/2", "snapshots": []}`, path: "format", line: 1, col: 12},
		{name: "no format", in: `{"snapshots": []}`, path: "format"},
		{name: "no snapshots", in: `{"format": "orgsync-model/1"}`, path: "snapshots"},
		{name: "unknown top field", in: `{"format": "orgsync-model/1", "snapshots": [], "comment": "x"}`, path: "comment"},
		{name: "no source", in: `{"format": "orgsync-model/1", "snapshots": [{"objects": []}]}`, path: "snapshots[0].source"},
		{name: "empty source", in: `{"format": "orgsync-model/1", "snapshots": [{"source": " ", "objects": []}]}`, path: "snapshots[0].source"},
		{name: "no objects", in: `{"format": "orgsync-model/1", "snapshots": [{"source": "sd"}]}`, path: "snapshots[0].objects"},
		{name: "source twice", in: `{"format": "orgsync-model/1", "snapshots": [{"source": "sd", "objects": []}, {"source": "sd", "objects": []}]}`, path: "snapshots[1].source"},

		// Objects.
		{name: "unknown kind", in: doc(`{"kind": "department", "key": "U1", "history": []}`), path: "snapshots[0].objects[0].kind"},
		{name: "no kind", in: doc(`{"key": "U1", "history": []}`), path: "snapshots[0].objects[0].kind"},
		{name: "no key", in: doc(`{"kind": "unit", "history": []}`), path: "snapshots[0].objects[0].key"},
		{name: "empty key without id", in: doc(`{"kind": "unit", "key": "", "history": []}`), path: "snapshots[0].objects[0].key"},
		{name: "no history", in: doc(`{"kind": "unit", "key": "U1"}`), path: "snapshots[0].objects[0].history"},
		{name: "bad id", in: doc(`{"id": "U1", "kind": "unit", "key": "U1", "history": []}`), path: "snapshots[0].objects[0].id"},
		{name: "nil id", in: doc(`{"id": "00000000-0000-0000-0000-000000000000", "kind": "unit", "key": "U1", "history": []}`), path: "snapshots[0].objects[0].id"},
		{name: "duplicate id", in: doc(`{"id": "5b1c3a3e-7f57-4f0e-9a3d-0d2f6f3b9c41", "kind": "unit", "key": "U1", "history": []}`, `{"id": "5b1c3a3e-7f57-4f0e-9a3d-0d2f6f3b9c41", "kind": "person", "key": "P1", "history": []}`), path: "snapshots[0].objects[1].id"},
		{name: "duplicate key", in: doc(unit("U1", ""), unit("U2", ""), unit("U1", "")), path: "snapshots[0].objects[2].key"},
		{name: "unknown object field", in: doc(`{"kind": "unit", "key": "U1", "history": [], "name": "x"}`), path: "snapshots[0].objects[0].name"},

		// Spans.
		{name: "unknown field", in: doc(unit("U1", `, "nmae": "x"`)), path: span0 + ".nmae"},
		{name: "field of another kind", in: doc(unit("U1", `, "national_id": "0101901234"`)), path: span0 + ".national_id"},
		{name: "field of another kind, kind last", in: doc(`{"key": "U1", "history": [{"from": "2024-01-01", "surname": "x"}], "kind": "unit"}`), path: span0 + ".surname"},
		{name: "no from", in: doc(`{"kind": "unit", "key": "U1", "history": [{"name": "x"}]}`), path: span0 + ".from"},
		{name: "bad date", in: doc(unit("U1", `, "to": "2024-02-30"`)), path: span0 + ".to", is: timeline.ErrDate},
		{name: "date not a date", in: doc(`{"kind": "unit", "key": "U1", "history": [{"from": "1/1/2024", "name": "x"}]}`), path: span0 + ".from", is: timeline.ErrDate},
		{name: "year 9999", in: doc(unit("U1", `, "to": "9999-12-31"`)), path: span0 + ".to", is: timeline.ErrDate},
		{name: "to before from", in: doc(unit("U1", `, "to": "2023-12-31"`)), path: span0 + ".to"},
		{name: "to equals from", in: doc(unit("U1", `, "to": "2024-01-01"`)), path: span0 + ".to"},
		{name: "to of the wrong type", in: doc(unit("U1", `, "to": 2025`)), path: span0 + ".to"},
		{name: "overlap", in: doc(`{"kind": "unit", "key": "U1", "history": [{"from": "2024-01-01", "to": "2024-06-01", "name": "a"}, {"from": "2024-05-01", "name": "b"}]}`), path: "snapshots[0].objects[0].history[1].from"},
		{name: "overlap out of order", in: doc(`{"kind": "unit", "key": "U1", "history": [{"from": "2024-05-01", "name": "b"}, {"from": "2024-01-01", "to": "2024-06-01", "name": "a"}]}`), path: "snapshots[0].objects[0].history[0].from"},
		{name: "fraction as text", in: doc(`{"kind": "engagement", "key": "1", "history": [{"from": "2024-01-01", "fraction": "1"}]}`), path: span0 + ".fraction"},
		{name: "fraction out of range", in: doc(`{"kind": "engagement", "key": "1", "history": [{"from": "2024-01-01", "fraction": 1e999}]}`), path: span0 + ".fraction"},
		{name: "primary as text", in: doc(`{"kind": "engagement", "key": "1", "history": [{"from": "2024-01-01", "primary": "yes"}]}`), path: span0 + ".primary"},
		{name: "bad CPR", in: doc(person("P1", `, "national_id": "3201901234"`)), path: span0 + ".national_id", is: om.ErrInvalidCPR},
		{name: "CPR with letters", in: doc(person("P1", `, "national_id": "01019O1234"`)), path: span0 + ".national_id", is: om.ErrInvalidCPR},
		{name: "NUL in a responsibility", in: doc(`{"kind": "manager", "key": "L1", "history": [{"from": "2024-01-01", "responsibilities": ["a", "b\u0000c"]}]}`), path: span0 + ".responsibilities[1]"},
		{name: "responsibility not text", in: doc(`{"kind": "manager", "key": "L1", "history": [{"from": "2024-01-01", "responsibilities": [1]}]}`), path: span0 + ".responsibilities[0]"},

		// References.
		{name: "unknown key", in: doc(unit("U1", `, "parent": "key:U9"`)), path: span0 + ".parent"},
		{name: "key of another kind", in: doc(person("P1", ""), unit("U1", `, "parent": "key:P1"`)), path: "snapshots[0].objects[1].history[0].parent"},
		{name: "key of another snapshot", in: `{"format": "orgsync-model/1", "snapshots": [{"source": "a", "objects": [` + unit("U1", "") + `]}, {"source": "b", "objects": [` + unit("U2", `, "parent": "key:U1"`) + `]}]}`, path: "snapshots[1].objects[0].history[0].parent"},
		{name: "bad reference", in: doc(unit("U1", `, "parent": "U0"`)), path: span0 + ".parent"},
		{name: "empty reference", in: doc(unit("U1", `, "parent": ""`)), path: span0 + ".parent"},
		{name: "unknown key in units", in: doc(unit("U1", ""), `{"kind": "related-units", "key": "R", "history": [{"from": "2024-01-01", "units": ["key:U1", "key:U2"]}]}`), path: "snapshots[0].objects[1].history[0].units[1]"},
		{name: "three units", in: doc(`{"kind": "related-units", "key": "R", "history": [{"from": "2024-01-01", "units": ["key:U1", "key:U2", "key:U3"]}]}`), path: span0 + ".units"},
		{name: "units not an array", in: doc(`{"kind": "related-units", "key": "R", "history": [{"from": "2024-01-01", "units": "key:U1"}]}`), path: span0 + ".units"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snaps, err := modelfile.Read(strings.NewReader(tc.in))
			var e *modelfile.Error
			require.ErrorAs(t, err, &e)
			assert.Nil(t, snaps, "nothing is read")
			assert.Equal(t, tc.path, e.Path, "%v", err)
			if tc.line != 0 {
				assert.Equal(t, tc.line, e.Line, "line: %v", err)
			}
			if tc.col != 0 {
				assert.Equal(t, tc.col, e.Column, "column: %v", err)
			}
			assert.Positive(t, e.Line)
			assert.Positive(t, e.Column)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.NotContains(t, err.Error(), "1234", "no CPR serial in the text")
		})
	}
}

func TestSyntaxErrorIsJSONs(t *testing.T) {
	_, err := modelfile.Read(strings.NewReader(`{"format": "orgsync-model/1", "snapshots": [}`))
	var se *json.SyntaxError
	assert.ErrorAs(t, err, &se)
}

// TestNoCPRInErrors puts a CPR where each kind of message quotes input.
func TestNoCPRInErrors(t *testing.T) {
	const cpr = "0101901234"
	for _, in := range []string{
		doc(unit("U1", `, "to": "`+cpr+`"`)),
		doc(unit("U1", `, "parent": "`+cpr+`"`)),
		doc(unit("U1", `, "parent": "key:`+cpr+`"`)),
		doc(unit("U1", `, "`+cpr+`": 1`)),
		doc(`{"id": "` + cpr + `", "kind": "unit", "key": "U1", "history": []}`),
		doc(`{"kind": "` + cpr + `", "key": "U1", "history": []}`),
		doc(person(cpr, ""), person(cpr, "")),
		`{"format": "` + cpr + `", "snapshots": []}`,
		`{"format": "orgsync-model/1", "snapshots": [{"source": "` + cpr + `", "objects": []}, {"source": "` + cpr + `", "objects": []}]}`,
		doc(person("P1", `, "national_id": "`+cpr+`0"`)),
	} {
		_, err := modelfile.Read(strings.NewReader(in))
		require.Error(t, err, in)
		var e *modelfile.Error
		require.ErrorAs(t, err, &e)
		assert.NotContains(t, err.Error(), "901234", in)
		assert.NotContains(t, e.Path, "901234", in)
		assert.NotContains(t, e.Err.Error(), "901234", in)
	}
}

func TestReadFileNamesTheFile(t *testing.T) {
	_, err := modelfile.ReadFile("testdata/no-such-file.json")
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)

	// A relative name: redaction would mask a temporary directory's
	// run of digits.
	t.Chdir(t.TempDir())
	path := "bad.json"
	require.NoError(t, os.WriteFile(path, []byte("{\n  \"format\": \"orgsync-model/1\",\n  \"snapshots\": [{\"source\": \"sd\", \"objects\": [\n"+unit("U1", `, "to": "2023-01-01"`)+"]}]\n}\n"), 0o600))
	_, err = modelfile.ReadFile(path)
	var e *modelfile.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, path, e.File)
	assert.Equal(t, "modelfile: "+path+":4:86: "+span0+".to: is not after from (2024-01-01)", err.Error())
}

// TestModelRulesAtLoad covers what Read leaves to the model: it reads the
// document, and Load refuses it with nothing loaded.
func TestModelRulesAtLoad(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rule om.Rule
	}{
		{"NUL in a name", doc(unit("U1\\u0000", "")), om.RuleText},
		{"control character", doc(person("P1", `, "given_names": "A\u0007"`)), om.RuleText},
		{"reference to nothing", doc(unit("U1", `, "parent": "5b1c3a3e-7f57-4f0e-9a3d-0d2f6f3b9c41"`)), om.RuleUnknownRef},
		{"link of a unit to itself", doc(unit("U1", ""), `{"kind": "related-units", "key": "R", "history": [{"from": "2024-01-01", "units": ["key:U1", "key:U1"]}]}`), om.RuleMismatch},
		{"cycle", doc(unit("U1", `, "parent": "key:U2"`), unit("U2", `, "parent": "key:U1"`)), om.RuleCycle},
		{"fraction", doc(person("P1", ""), unit("U1", ""), `{"kind": "engagement", "key": "1", "history": [{"from": "2024-01-01", "person": "key:P1", "unit": "key:U1", "fraction": 2}]}`), om.RuleRange},
		{"fictive CPR", doc(person("P1", `, "national_id": "6101901234"`)), om.RuleInvalidNationalID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snaps := read(t, []byte(tc.in))
			m := om.New(om.Options{})
			err := modelfile.Load(context.Background(), m, snaps, today, reg)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.rule), "%v", err)
			assert.Empty(t, m.Registrations(0), "nothing is loaded")
			assert.NotContains(t, err.Error(), "1234")
		})
	}
}
