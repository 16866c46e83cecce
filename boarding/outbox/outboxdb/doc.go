// Package outboxdb keeps the mail outbox in the deployment's state
// database (package statedb): a module with a schema of its own
// ([Schema], given to statedb.Open) and an outbox.Store over it. A
// message is queued in the caller's transaction with [Store.EnqueueTx], so
// that what causes a mail and the mail itself are stored together or not
// at all; the dedup is the table's primary key.
//
// What it must not do: decide what to send, or send anything (the outbox
// worker does).
package outboxdb
