// Package ad is the Active Directory connector: the connectors.Directory
// contract and all its capabilities over LDAP, with
// github.com/go-ldap/ldap/v3.
//
// It speaks TLS by default (LDAPS, or StartTLS on an ldap:// URL) and plain
// LDAP only when the configuration says so explicitly; it binds by UPN, DN or
// DOMAIN\user; it keeps a small pool of connections, safe for concurrent
// use, that replaces connections the server or the network broke; and every
// operation honours its context's deadline and cancellation, however the
// server behaves.
//
// Objects are addressed by objectGUID (AD's <GUID=…> form), written as a
// UUID in AD's byte order, so renames and moves never break a reference.
// userAccountControl is changed as flags, with a compare-and-swap so that a
// concurrent change to another flag is never overwritten. Passwords
// (unicodePwd) are only ever sent over an encrypted connection. Referrals
// are not chased. Incremental changes come from the DirSync control, and
// from uSNChanged where the account may not use DirSync; both report
// deletions. AD's result codes map to the error kinds of package
// connectors (entry exists → AlreadyExists, password policy 0000052D →
// Constraint, insufficient access → Permission, network → Transient, …).
//
// What this package must not do: hold policy. It translates the contract to
// LDAP and back; what to create, when to disable and whom to delete are the
// engines' decisions.
package ad
