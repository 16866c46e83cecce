package inmem_test

import (
	"context"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
)

// shared is one twin for all conformance tests, as one Samba DC is for the
// AD connector's: tests must not see each other's objects.
var shared = inmem.MustNew(inmem.Options{ChangePageSize: 7})

func TestConformance(t *testing.T) {
	connectortest.TestDirectory(t, func(t *testing.T) connectortest.Fixture {
		ctx := context.Background()
		dn, err := connectors.JoinDN("OU", t.Name(), shared.BaseDN())
		if err != nil {
			t.Fatal(err)
		}
		id, err := shared.Create(ctx, connectors.CreateRequest{
			DN:         dn,
			Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { removeTree(t, shared, id) })
		return connectortest.Fixture{Dir: shared, Base: dn, Domain: "example.test"}
	})
}

// removeTree deletes an object and everything below it, leaves first.
func removeTree(t *testing.T, d *inmem.Directory, id connectors.ID) {
	ctx := context.Background()
	e, err := d.Read(ctx, id, nil)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	var children []connectors.ID
	d.Search(ctx, connectors.SearchRequest{BaseDN: e.DN, Scope: connectors.ScopeOneLevel}, func(c *connectors.Entry) error {
		children = append(children, c.ID)
		return nil
	})
	for _, c := range children {
		removeTree(t, d, c)
	}
	if err := d.Delete(ctx, id); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}
