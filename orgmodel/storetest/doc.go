// Package storetest is the conformance kit for orgmodel.Store: the tests
// that prove a store keeps what the org model commits, the way
// connectors/connectortest does for connectors.
//
// A store's own tests call [TestStore] with a function that sets up a
// fresh, empty store for each test:
//
//	func TestConformance(t *testing.T) {
//		storetest.TestStore(t, func(t *testing.T) storetest.Fixture {
//			path := filepath.Join(t.TempDir(), "orgsync.db")
//			s := openMyStore(t, path)
//			return storetest.Fixture{Store: s, Reopen: func(t *testing.T) orgmodel.Store {
//				return openMyStore(t, path)
//			}}
//		})
//	}
//
// The suite checks what the model depends on: that Load gives back every
// commit as it was committed (every kind of object with every attribute,
// national ids, text in any script and with LDAP's special characters,
// deletions, commits of scheduled events only), also after a reopen; that
// commits are atomic to concurrent readers, which see a prefix of whole
// commits and events in Seq order; that Events pages correctly; that
// cursors never move backwards and are kept per subscriber; that an ended
// context commits nothing; that calls after Close fail; and, through a
// real Model, that a model reopened on the store equals the one that wrote
// it. A store that implements orgmodel.StateLoader is checked to load the
// same registrations and position through it as through Load.
//
// Checks that need a reopen run only when the fixture has Reopen (the
// in-memory store has none); the suite logs what it left out.
//
// What this package must not do: depend on any particular store, or on
// anything but the contract. It is imported by tests only.
package storetest
