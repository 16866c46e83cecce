// Package outbox is the durable queue of mail that orgsync sends: a
// message is queued once per key (the trigger, the object and the
// registration that caused it), delivered by a [Worker] through a
// connectors.Mailer, retried with exponential backoff while the mail
// system is unavailable, and parked as failed, with the server's reply,
// when it refuses the message for good, until an operator requeues it.
//
// The queue is a [Store]: [MemStore] for the embedded default and tests,
// and outboxdb's on the deployment's state database, where a message is
// queued in the same transaction as what caused it. Both pass the
// conformance suite in outboxtest.
//
// A notice can instead be held for a digest ([Digests]): notices of one
// group (a rule and its recipients) are held until the earliest is a
// window old, then released as one mail, queued in the same step. Both
// stores hold digests.
//
// Delivery is at least once in one narrow window: a worker that dies
// after the server accepted a message and before it recorded that sends
// it again after the restart, with the same Message-ID (the key's), so
// that a mail system or client that looks can tell. A key is queued once
// however often it is offered, and a queued message is never dropped.
//
// What it must not do: decide what to send or to whom (the notification
// rules and boarding do), read the wall clock (the worker takes a clock),
// or log a message's body, which may name a person.
package outbox
