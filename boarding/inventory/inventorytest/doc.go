// Package inventorytest is the conformance suite for inventory.Store:
// the in-memory twin and the state database's store pass the same
// tests, and so does an inventory.Inventory on each of them.
//
// It must not depend on any store's internals: it reads and writes
// through the Store contract only.
package inventorytest
