package inventory_test

import (
	"testing"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/boarding/inventory/inventorytest"
)

func TestMemStore(t *testing.T) {
	inventorytest.TestStore(t, func(t *testing.T) inventory.Store { return inventory.NewMemStore() })
}
