package omada

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors/inmem"
)

// fuzzConfig is Frederikshavn's mapping, with a service category.
var fuzzConfig = Config{
	Fields: Fields{
		NationalID: "C_CPRNUMBER", GivenNames: "FIRSTNAME", Surname: "LASTNAME", Unit: "C_OUID_ODATA", JobTitle: "C_JOBTITLE_ODATA",
		Category: "IDENTITYCATEGORY.Id", ObjectGUID: "C_OBJECTGUID_I_AD", Login: "ADLOGON",
		Addresses: []AddressField{{Type: "EMAIL", Field: "EMAIL"}, {Type: "PHONE", Field: "C_TELEPHONENUMBER"}},
	},
	Categories:        map[string]string{"561": "Vikar", "570": "AD-robot"},
	ServiceCategories: []string{"AD-robot"},
	TrimUnitZeros:     true,
}

// FuzzPage checks the page and record parser: it never panics; a body is
// a page or a *ResponseError; every record of a page is delivered or
// skipped, never both, never neither; what is delivered is what the
// contract allows (the in-memory twin's Publish takes it: keys present,
// bounded and unique, text, intervals, lower-case GUIDs), national ids
// are ten digits, and no skipped record's problem quotes a value.
func FuzzPage(f *testing.F) {
	records, err := os.ReadFile("testdata/frederikshavn.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"@odata.context": "x", "value": ` + string(records) + `}`))
	for _, s := range []string{
		`{"value": []}`,
		`{"value": [{"UId": 1, "LASTNAME": "A", "VALIDFROM": "2026-01-01", "VALIDTO": "2025-12-31"}]}`,
		`{"value": [{"UId": "x", "LASTNAME": "A\u0000", "VALIDFROM": "2026-01-01"}]}`,
		`{"value": [{"UId": "x", "LASTNAME": "Å", "VALIDFROM": "2026-03-29T02:30:00+02:00", "C_CPRNUMBER": " 010190-1234 "}]}`,
		`{"value": [{"UId": "x", "FIRSTNAME": "B", "VALIDFROM": "9999-01-01"}, {"UId": "x", "FIRSTNAME": "B", "VALIDFROM": "2026-01-01"}]}`,
		`{"value": [{"UId": "s", "IDENTITYCATEGORY": {"Id": 570}, "C_OUID_ODATA": "000", "ADLOGON": "svc", "VALIDFROM": "2026-01-01T00:00:00Z"}]}`,
		`{"value": [{"UId": "g", "LASTNAME": "G", "VALIDFROM": "2026-01-01", "C_OBJECTGUID_I_AD": "00000000-0000-0000-0000-000000000000"}]}`,
		`{"value": [{"UId": "o", "LASTNAME": {"Value": "Obj"}, "IDENTITYCATEGORY": "561", "VALIDFROM": "2026-01-01", "EMAIL": ["a"]}]}`,
		`{"value": [1, null, "x", [], {}]}`,
		`{"value": [{"UId": "x"}]`,
		`{"value": null, "@odata.nextLink": "https://x"}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	m := newMapping(&fuzzConfig)
	f.Fuzz(func(t *testing.T, body []byte) {
		var pg envelope
		if err := decodePage(bytes.NewReader(body), &pg); err != nil {
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("not a *ResponseError: %T %v", err, err)
			}
			return
		}
		p := newPoll(m)
		p.add(1, pg.Value)
		s := p.result()
		if n := len(s.Identities) + len(s.ServiceAccounts) + len(p.skipped); n != len(pg.Value) {
			t.Fatalf("%d records, %d delivered or skipped", len(pg.Value), n)
		}
		if err := inmem.NewIdentities().Publish(s); err != nil {
			t.Fatalf("the contract refuses what was delivered: %v", err)
		}
		for _, id := range s.Identities {
			if _, ok := cprDigits(string(id.NationalID)); id.NationalID != "" && (!ok || len(id.NationalID) != 10) {
				t.Fatalf("national id %q is not ten digits", string(id.NationalID))
			}
		}
		for _, r := range p.skipped {
			if r.Problem == "" || strings.ContainsAny(r.Problem, "\x00\n") {
				t.Fatalf("skipped record without a fit problem: %#v", r)
			}
		}
	})
}
