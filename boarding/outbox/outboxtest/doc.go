// Package outboxtest is the conformance suite for outbox.Store: dedup by
// key across states, due order and limits, retries, failures and
// requeues, what List and Next report, messages kept whole (names in any
// script, attachments byte for byte), and concurrent enqueuers offering
// the same keys; and, for stores that hold digests (TestDigests), the
// debounce, dedup of notices and an atomic release. MemStore and the
// database's store pass both.
//
// What this package must not do: depend on any particular store. It is
// imported by tests only.
package outboxtest
