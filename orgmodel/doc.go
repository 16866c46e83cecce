// Package orgmodel is the org model, orgsync's equivalent of OS2mo's "MO":
// who works where, who manages whom, and what accounts and addresses belong
// to whom, over time.
//
// It owns the types of the model (persons, units, engagements, manager
// roles, associations, related units, accounts, addresses), their validity
// timelines [from, to) and registration times, the org graph at a point in
// time and its queries, change sets that are validated and applied whole,
// the events a change gives rise to, the import of source snapshots, and the
// Store contract with an in-memory store. Sub-packages hold the timeline
// primitive and the org rules.
//
// What it must not do: talk to the world. It is pure domain code with no
// network, files or clock of its own: time is passed in. Everything else in
// orgsync reads it; it reads nothing else.
//
// Status: the package is specified by issue 3 and not yet built.
package orgmodel
