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
// [TestPayroll] does the same for a connectors.Payroll. Its fixture has a
// Publish function that makes the source deliver a given state next (the
// twin's Publish; for a file connector, writing the next day's delivery):
//
//	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
//		p := openMyPayroll(t)
//		return connectortest.PayrollFixture{Payroll: p, Publish: p.deliver}
//	})
//
// A source that cannot hold all the suite publishes (one that keys
// persons by national id, keeps no history of names or has no unit
// types) sets the fixture's Project to what it can hold of a snapshot;
// the suite then compares what the connector delivers with Project of
// what it published, as strictly as without. Project may only narrow —
// leave out a field, a record or history the source does not keep, or
// write a key as the source writes it — never invent. A source without
// manager records (SD Løn, a file export) drops the snapshot's Managers
// in its Project; OPUS keeps the roles it can hold (opus.Held).
//
// It checks that a snapshot holds exactly what was published, history rows,
// any script, LDAP's special characters, fields at their limits and
// national ids included, and that it passes connectors.CheckPayroll; that
// snapshots are the caller's; that ended contexts give Transient errors
// that wrap the context's; that readers running alongside publishes see
// whole states; and that calls after Close fail. For a
// connectors.PayrollChangeReader it checks that the changes between two
// deliveries, every page applied with connectors.PayrollSnapshot.Apply,
// give the second, deletions reported; that paging, resuming from a page's
// token (before or after persisting it) and a delivery during paging lose
// nothing; that the last token reports nothing until the next delivery;
// and that malformed tokens are Invalid. [TestIdentitySource] checks an
// identity source the same way: every field of identities and service
// accounts round trips, a publish replaces the whole state, results are
// the caller's, contexts and Close are honoured.
//
// [TestMailer] checks a connectors.Mailer against what its mail system
// received (for an SMTP server, [ParseMail] of the raw messages): every
// part, UTF-8 subjects and names, attachments byte for byte, one
// Message-ID per key that does not spell the key, refusal of messages
// that could inject a header or are malformed (nothing delivered), ended
// contexts and Close.
//
// [TestProvisioner] checks an integrated system's connectors.Provisioner
// on grants the fixture gives (for a provisioner of group memberships,
// [GroupGrants] makes them in a directory): Grant then Status held,
// Revoke then Status not held, granting what is held and revoking what is
// not without an error, grants independent of each other, typed errors
// for a missing account or resource, ended contexts and concurrent use:
//
//	connectortest.TestProvisioner(t, func(t *testing.T) connectortest.ProvisionerFixture {
//		f, err := connectortest.GroupGrants(ctx, dir, makeEmptyOU(t, dir))
//		require.NoError(t, err)
//		f.Provisioner = &boarding.ADGroups{Directory: dir}
//		return f
//	})
//
// Tests of optional capabilities run only for connectors that implement
// them; the suite logs which it left out.
//
// What this package must not do: depend on any particular connector, or on
// anything but the contract. It is imported by tests only.
package connectortest
