// Package inventorydb keeps the equipment register (package inventory)
// in the deployment's state database (package statedb), as a module with
// a schema of its own ([Schema], given to statedb.Open): an
// inventory.Store that passes inventorytest on SQLite and PostgreSQL. An
// asset is one row (the asset as JSON beside the columns queries select
// on, with kind and serial unique together), updated only from the
// version it was read at; its history is append-only, written in the
// same transaction as the change it records.
//
// What it must not do: decide anything about assets (package inventory
// does) or keep anything of a person beyond their id.
package inventorydb
