// Package inmem holds the in-memory twins of the contracts in package
// connectors: [Directory] for connectors.Directory, [Payroll] for
// connectors.Payroll and [Identities] for connectors.IdentitySource. Each
// behaves like the real systems where orgsync depends on it, held in
// memory. They are the embedded default for demos and the fast path for
// tests, and each passes the same conformance suite
// (connectors/connectortest) as the real connectors, which is what makes
// them trustworthy.
//
// # Payroll and Identities
//
// The test or demo side sets their state with Publish, as a payroll
// system's nightly delivery or an identity system's export would. Publish
// takes a whole state and refuses one that is not valid (a payroll state
// must pass connectors.CheckPayroll), changing nothing; readers get deep
// copies, so nothing they do reaches the twin. Payroll keeps every
// version published and also implements connectors.PayrollChangeReader:
// from any earlier version's token it reports, a page at a time, each
// record that changed with all its rows, and each record deleted; its
// tokens say which version the pages lead to, so a publish while a reader
// pages loses nothing. Neither knows anything of a real system's
// formats, which are the real connectors' job.
//
// # Directory
//
// What it does as AD does: attribute names and DNs compare
// case-insensitively; sAMAccountName and userPrincipalName are unique
// across the directory; every object gets a random objectGUID that
// survives renames and moves; accounts are created disabled, and enabling
// one touches only the disabled flag; passwords must pass AD's default
// policy (seven characters, three of the five character classes); a group's
// member attribute follows its members through moves and deletions, and
// memberOf is kept from it; objects with children cannot be deleted;
// attributes are checked against a schema of AD's common attributes,
// single-valued ones included, with AD's length limits (rangeUpper, in
// UTF-16 code units), integer syntax and the characters AD refuses in a
// sAMAccountName; DN-valued attributes such as manager name objects that
// must exist, follow them through moves, vanish with them and show up as
// directReports on the other side; every write goes into a change feed
// that reports deletions and resumes from a token.
//
// [Directory.Snapshot] writes the whole state, change feed included, as a
// versioned JSON document ([SnapshotFormat]), and [Restore] builds a
// directory from one with the same objectGUIDs, DNs, memberships and
// references, on which a token from before the snapshot resumes where it
// left off; a demo uses them to keep the twin between runs.
//
// What it does not do: authentication, access control, AD's other account
// flags, ranged attribute retrieval, replication. Its schema covers the
// attributes of users, groups and organizational units that orgsync writes;
// Options.ExtraAttributes adds others (such as Exchange's
// extensionAttribute1–15).
//
// What it must not do: hold anything the real directory would not, or
// accept anything the real directory refuses where an engine could come to
// depend on it. Where it cannot know (AD's complete schema), it errs on the
// side of refusing.
package inmem
