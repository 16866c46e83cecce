// Package adsync is the engine that keeps Active Directory in step with the
// org model, in near real time.
//
// It owns the desired state of each account (from mapping templates the
// operator writes), correlation of accounts with persons, the plan (the
// ordered operations that take AD from what it is to what it should be,
// with old and new values), applying exactly that plan, the event-driven
// worker, reconciliation, and reading AD's own changes back.
//
// What it must not do: speak LDAP. It talks to AD only through the
// connectors.Directory contract, so that it runs the same against the real
// directory, the in-memory twin or a plugin; and it writes only what it owns.
//
// The parts, each in a file of its own: the mapping (text/template over
// [Data], checked at load), the desired state of a person's account, and
// correlation (link, anchor written in the same Add, rules; linked,
// unlinked, unmatched or disputed); the attribute diff with AD's comparison
// rules; the OU and group rules; the [Plan] (create, link, modify, move,
// rename, enable, group adds and removes; text and JSON with national ids
// masked; a fingerprint); the [Applier] (usernames from the generator with
// "already exists" as the final word, missing OUs created, transient
// errors retried with backoff, a failure isolated to its person); the
// [Links] and [LoadLinks]; the [Reconciler] (the chapel first, through
// [ChapelPeople], under its mass-action breaker, then every person; plan,
// apply, or apply what was reviewed); the event-driven [Worker] (events
// coalesced per batch, a unit's event fanned out to its subtree, a bounded
// pool, acknowledged after the work, a reconciliation at start and on a
// schedule); and the [ReadBack] (the directory's change feed into the org
// model: account, EMAIL address, deletions, drift corrected or reported).
//
// Leavers are disabled and deleted by the chapel in a reconciliation only,
// never by the worker one event at a time, so that the breaker weighs a
// mass termination (a bad payroll file) as a whole.
package adsync
