package modelfile

import (
	"slices"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Format is the value of the document's "format" field: the format's name
// and major version. Read refuses any other value, so that a file of a
// later, incompatible version is rejected instead of misread.
const Format = "orgsync-model/1"

// The types below are the document as Write marshals it. Read does not
// unmarshal into them with encoding/json: it walks the tokens itself (see
// read.go) so that every problem can name its path, line and column, and
// it fills spanJSON field by field.

// fileJSON is the whole document.
type fileJSON struct {
	Format    string         `json:"format"`
	Snapshots []snapshotJSON `json:"snapshots"`
}

// snapshotJSON is one source's snapshot.
type snapshotJSON struct {
	Source  string       `json:"source"`
	Objects []objectJSON `json:"objects"`
}

// objectJSON is one object. Write always writes the id, so that a file
// keeps its identities when someone edits a key by hand.
type objectJSON struct {
	ID      string     `json:"id,omitempty"`
	Kind    string     `json:"kind"`
	Key     string     `json:"key"`
	History []spanJSON `json:"history"`
}

// spanJSON is one entry of an object's history: its interval and the
// attributes of the object's kind. It is the union of every kind's fields,
// because JSON keys come in any order and the kind may follow the history;
// kindFields says which fields each kind may use. The fields are ordered
// so that each kind reads naturally (names, then references, then the
// rest), and every attribute is omitted when zero, which is also what an
// absent field reads as.
type spanJSON struct {
	From timeline.Date `json:"from"`
	// To is nil for an open-ended span.
	To *timeline.Date `json:"to,omitempty"`

	GivenNames         string `json:"given_names,omitempty"`
	Surname            string `json:"surname,omitempty"`
	NicknameGivenNames string `json:"nickname_given_names,omitempty"`
	NicknameSurname    string `json:"nickname_surname,omitempty"`
	// NationalID is the full CPR number: the file is where the model's
	// data is stored, so it is written with CPR.Reveal.
	NationalID string `json:"national_id,omitempty"`
	Name       string `json:"name,omitempty"`

	// References: a uuid, or "key:" and a user key in the same snapshot.
	Parent     string   `json:"parent,omitempty"`
	Person     string   `json:"person,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	Engagement string   `json:"engagement,omitempty"`
	SourceUnit string   `json:"source_unit,omitempty"`
	Units      []string `json:"units,omitempty"`

	Type             string   `json:"type,omitempty"`
	Level            string   `json:"level,omitempty"`
	Hierarchy        string   `json:"hierarchy,omitempty"`
	EmploymentNumber string   `json:"employment_number,omitempty"`
	JobFunction      string   `json:"job_function,omitempty"`
	Fraction         float64  `json:"fraction,omitempty"`
	Primary          bool     `json:"primary,omitempty"`
	PrimaryBy        string   `json:"primary_by,omitempty"`
	PlacedBy         string   `json:"placed_by,omitempty"`
	Responsibilities []string `json:"responsibilities,omitempty"`
	System           string   `json:"system,omitempty"`
	Username         string   `json:"username,omitempty"`
	ExternalID       string   `json:"external_id,omitempty"`
	Value            string   `json:"value,omitempty"`
}

// kindNames are the kinds as the file writes them. They are not
// Kind.String, which says "related units" with a space: a file format's
// names must not change when a message does.
var kindNames = map[orgmodel.Kind]string{
	orgmodel.KindPerson:       "person",
	orgmodel.KindUnit:         "unit",
	orgmodel.KindEngagement:   "engagement",
	orgmodel.KindManager:      "manager",
	orgmodel.KindAssociation:  "association",
	orgmodel.KindRelatedUnits: "related-units",
	orgmodel.KindAccount:      "account",
	orgmodel.KindAddress:      "address",
	orgmodel.KindLeave:        "leave",
}

// kindByName is kindNames inverted.
var kindByName = func() map[string]orgmodel.Kind {
	m := make(map[string]orgmodel.Kind, len(kindNames))
	for k, n := range kindNames {
		m[n] = k
	}
	return m
}()

// kindFields lists the attribute fields each kind may use; "from" and
// "to" are every kind's. A field of another kind is an error rather than
// ignored, because it is almost always a mistake that would silently lose
// data (an engagement's "parent", a unit's "national_id").
var kindFields = map[orgmodel.Kind][]string{
	orgmodel.KindPerson:       {"given_names", "surname", "nickname_given_names", "nickname_surname", "national_id"},
	orgmodel.KindUnit:         {"name", "parent", "type", "level", "hierarchy"},
	orgmodel.KindEngagement:   {"person", "unit", "source_unit", "type", "employment_number", "job_function", "fraction", "primary", "primary_by", "placed_by"},
	orgmodel.KindManager:      {"unit", "person", "engagement", "type", "level", "responsibilities"},
	orgmodel.KindAssociation:  {"person", "unit", "type"},
	orgmodel.KindRelatedUnits: {"units"},
	orgmodel.KindAccount:      {"person", "unit", "engagement", "system", "username", "external_id"},
	orgmodel.KindAddress:      {"person", "unit", "engagement", "type", "value"},
	orgmodel.KindLeave:        {"person", "engagement", "type"},
}

// hasField reports whether kind k may use the attribute field.
func hasField(k orgmodel.Kind, field string) bool {
	return field == "from" || field == "to" || slices.Contains(kindFields[k], field)
}

// refKinds says what each reference field points at, which is where a
// "key:" reference is looked up.
var refKinds = map[string]orgmodel.Kind{
	"parent":      orgmodel.KindUnit,
	"unit":        orgmodel.KindUnit,
	"source_unit": orgmodel.KindUnit,
	"units":       orgmodel.KindUnit,
	"person":      orgmodel.KindPerson,
	"engagement":  orgmodel.KindEngagement,
}

// keyPrefix starts a reference by user key.
const keyPrefix = "key:"
