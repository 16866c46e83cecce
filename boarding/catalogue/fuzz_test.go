package catalogue_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

// FuzzParse feeds Parse anything, as YAML, JSON or a file of no known
// kind. It must not panic; every error must be *Error values only (the
// contract an operator's tool relies on to print file:line); the same
// input must give the same answer; and a catalogue it accepts must
// answer its lookups consistently: every role's items once each, in
// order, equipment at least one, and Resolve of all roles their union.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data := readTestdata(f, filepath.Base(name))
		f.Add(data, uint8(0))
		f.Add(yamlToJSON(f, data), uint8(1))
		f.Add(data, uint8(2))
	}
	f.Add([]byte(doc("", "", "", "")), uint8(0))
	f.Add([]byte("job_roles:\n  - {id: a, name: A, includes: [a]}\n"), uint8(0))
	f.Add([]byte(`{"job_roles": [{"id": "a", "name": "A", "items": [{"equipment": "pc", "quantity": 0}]}]}`), uint8(1))
	f.Add([]byte("a: &a [*a]\n"), uint8(0))
	f.Add([]byte(""), uint8(2))

	names := []string{"c.yaml", "c.json", "c"}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		name := names[int(format)%len(names)]
		c, err := catalogue.Parse(name, data)
		c2, err2 := catalogue.Parse(name, data)
		if err != nil {
			if c != nil {
				t.Fatal("a catalogue with an error")
			}
			if !isCatalogueErrors(err) {
				t.Fatalf("not only *catalogue.Error: %#v", err)
			}
			if err2 == nil || err.Error() != err2.Error() {
				t.Fatalf("the same input gave another answer:\n%v\n%v", err, err2)
			}
			return
		}
		if err2 != nil || c2 == nil {
			t.Fatalf("the same input gave another answer: %v", err2)
		}
		ids := make([]string, 0, len(c.JobRoles))
		var all []catalogue.Item
		for _, r := range c.JobRoles {
			if got, ok := c.JobRole(r.ID); !ok || got.ID != r.ID {
				t.Fatalf("JobRole(%q) not found", r.ID)
			}
			items := c.Items(r.ID)
			if len(items) == 0 {
				t.Fatalf("valid role %q grants nothing", r.ID)
			}
			checkItems(t, c, items)
			ids = append(ids, r.ID)
			all = append(all, items...)
		}
		union, err := c.Resolve(ids...)
		if err != nil {
			t.Fatal(err)
		}
		checkItems(t, c, union)
		for _, it := range all {
			i := slices.IndexFunc(union, func(u catalogue.Item) bool {
				return u.System == it.System && u.Resource == it.Resource && u.Equipment == it.Equipment
			})
			if i < 0 || union[i].Quantity < it.Quantity {
				t.Fatalf("%+v is not in the union %+v", it, union)
			}
		}
	})
}

// checkItems checks that items are in order, each once, each known to
// the catalogue, equipment at least one and entitlements without a
// quantity.
func checkItems(t *testing.T, c *catalogue.Catalogue, items []catalogue.Item) {
	t.Helper()
	// The order: entitlements ("0") before equipment ("1"), then by
	// system, resource and kind; strictly increasing means each once.
	key := func(it catalogue.Item) []string {
		kind := "0"
		if it.IsEquipment() {
			kind = "1"
		}
		return []string{kind, it.System, it.Resource, it.Equipment}
	}
	for i, it := range items {
		if i > 0 && slices.Compare(key(items[i-1]), key(it)) >= 0 {
			t.Fatalf("items out of order or repeated: %+v then %+v", items[i-1], it)
		}
		if it.IsEquipment() {
			if _, ok := c.EquipmentKind(it.Equipment); !ok || it.Quantity < 1 || it.System != "" || it.Resource != "" {
				t.Fatalf("bad equipment item %+v", it)
			}
		} else if _, ok := c.Resource(it.System, it.Resource); !ok || it.Quantity != 0 {
			t.Fatalf("bad entitlement item %+v", it)
		}
	}
}
