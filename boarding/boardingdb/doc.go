// Package boardingdb keeps boarding orders and their audit log in the
// deployment's state database (package statedb), as a module with a
// schema of its own ([Schema], given to statedb.Open): a boarding.Store
// that passes boardingtest on SQLite and PostgreSQL. An order is one row
// (the order as JSON beside the columns queries select on), updated only
// from the version it was read at; the audit log is append-only, written
// in the same transaction as the change it records. [Secrets] keeps the
// one-time secrets (the initial passwords behind their links), sealed
// and under their token's hash, deleted when taken or expired.
//
// What it must not do: decide anything about orders (package boarding
// does) or send anything; hold a secret or a token in clear text.
package boardingdb
