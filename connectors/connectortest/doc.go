// Package connectortest is the conformance kit for connectors: test suites
// that prove an implementation honours a contract of package connectors.
//
// A connector's own tests call the suite with a function that sets up a
// fresh fixture for each test:
//
//	func TestConformance(t *testing.T) {
//		connectortest.TestDirectory(t, func(t *testing.T) connectortest.Fixture {
//			dir := openMyDirectory(t)
//			return connectortest.Fixture{Dir: dir, Base: makeEmptyOU(t, dir), Domain: "example.test"}
//		})
//	}
//
// The suite checks behaviour that orgsync's engines depend on: error kinds,
// escaping of hostile names, paging, atomic modifications, account flags,
// group memberships, and a change feed that resumes from its tokens and
// reports deletions. Both the in-memory twin (connectors/inmem) and the
// Active Directory connector (connectors/ad, against a real Samba AD DC)
// pass it; that is what makes the twin a faithful stand-in.
//
// Tests of optional capabilities run only for connectors that implement
// them; the suite logs which it left out.
//
// What this package must not do: depend on any particular connector, or on
// anything but the contract. It is imported by tests only.
package connectortest
