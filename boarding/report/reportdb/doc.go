// Package reportdb keeps the scheduled reports' windows in the
// deployment's state database (package statedb), as a module with a
// schema of its own ([Schema], given to statedb.Open beside
// outboxdb.Schema), and is the report.Ledger over it: a report's mail is
// queued in the outbox in the same transaction as its schedule moves on,
// so a crash between the two neither loses a report nor mails it twice,
// and no registration falls between two reports across restarts.
//
// What it must not do: build reports (package report does) or send mail
// (the outbox worker does).
package reportdb
