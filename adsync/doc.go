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
// Status (issue 6, in progress): the mapping (text/template over [Data],
// checked at load), the desired state of a person's account, and
// correlation (link, anchor, rules; linked, unlinked, unmatched or
// disputed), the attribute diff with AD's comparison rules, the OU and
// group rules, the plan of a person (create, link, modify, move, enable,
// group adds and removes; text and JSON), and applying a plan (usernames
// from the generator with "already exists" as the final word, the anchor
// in the same Add, missing OUs created, transient errors retried, a
// failure isolated to its person), and the event-driven [Worker] (events
// coalesced per batch, a unit's event fanned out to its subtree, a bounded
// pool, acknowledged after the work) are built; the breaker on apply, the
// chapel hand-off, scheduled reconciliation and read-back are not yet.
package adsync
