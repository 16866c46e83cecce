// Package connectors holds the contracts between orgsync's engines and the
// systems they read and write, and what every implementation shares.
//
// It owns:
//
//   - the Directory contract (Active Directory and its kind): a small core
//     of Ping, Search, Read and ReadDN, and optional capabilities that a
//     connector implements if it can — Creator, Modifier, Mover, Deleter,
//     Enabler, PasswordSetter, GroupManager and ChangeReader — discovered
//     by type assertion, as database/sql discovers what a driver can do;
//   - the Payroll contract (SD Løn, OPUS, a file export): a snapshot of
//     units, persons, engagements, leaves and manager roles with their
//     history, and the optional PayrollChangeReader for what changed
//     since an opaque token;
//     CheckPayroll checks what a payroll connector delivers;
//   - the IdentitySource contract (Omada and its kind): identities with
//     their accounts and addresses, and service accounts bound to units;
//   - the Mailer contract (an SMTP server, a mail API): one message at a
//     time with an idempotency key that becomes its Message-ID, and
//     CheckMessage, which refuses what could inject a header;
//   - the plain data types that cross the contract (Entry, Filter,
//     SearchRequest, CreateRequest, Modification, Change, Token), chosen so
//     that a connector behaves the same compiled into the host or loaded as
//     a plugin;
//   - the error kinds (NotFound, AlreadyExists, Constraint, Permission,
//     Transient, Configuration, Unsupported, Invalid) that tell a caller
//     whether to retry, fix its data or call an operator, and that survive a
//     process boundary;
//   - safe building blocks every connector uses: DNs built and compared by
//     JoinDN, SplitDN and EqualDN, and filters built as data, so that no
//     value can widen a search;
//   - the validation of requests (CheckCreate, CheckModifications, …), done
//     once here rather than differently in each connector.
//
// Implementations live in sub-packages: ad (Active Directory over LDAP),
// payrollfile (payroll deliveries as files), smtp (mail over SMTP with
// TLS) and inmem (the in-memory twins of every contract). The conformance kit in connectortest proves that an
// implementation honours a contract; the twins and the real connectors
// pass it, compiled in and through the plugin bridge in package plugin,
// which runs any connector as a separate process.
//
// What this package must not do: hold policy. Iteration over usernames, the
// chapel, approvals and thresholds belong to the engines. A connector is a
// protocol translator with as little logic as it can have, and nothing here
// talks to a network.
package connectors
