// Package inmem is the in-memory twin of the connectors.Directory contract:
// a directory that behaves like Active Directory where orgsync's engines
// depend on it, held in memory. It is the embedded default for demos and the
// fast path for tests, and it passes the same conformance suite
// (connectors/connectortest) as the AD connector, which is what makes it
// trustworthy.
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
