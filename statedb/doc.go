// Package statedb is a deployment's state database: one SQLite file (the
// embedded default) or one PostgreSQL database (for a leader and a
// standby) that holds what every engine must keep across a restart.
//
//	key, err := statedb.KeyFromFile("/etc/orgsync/db.key")
//	db, err := statedb.Open(ctx, "sqlite:/var/lib/orgsync/orgsync.db", statedb.Options{Key: key})
//	defer db.Close()
//	model, err := orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()})
//	links, err := db.Links(ctx, "kommune.dk")   // adsync.Links
//	tokens := db.Tokens("kommune.dk")           // adsync.TokenStore
//
// # What it keeps
//
//   - The org model's log ([DB.Model], an orgmodel.Store): a row per
//     commit with its registration and its versions in one encoded blob, a
//     row per event, the subscribers' cursors. Checkpoints compact the
//     registrations into a few segments, written in the background every
//     Options.CheckpointEvery commits, so that opening the model reads
//     them and the commits after them (orgmodel.StateLoader), never the
//     whole log with its events.
//   - adsync's account links and change-feed tokens, per directory
//     ([DB.Links], [DB.Tokens]).
//   - Other modules' tables (the mail outbox, boarding, reports): a module
//     brings a [Schema], its migrations per dialect, in Options.Schemas,
//     and runs its statements with [DB.Write] and [DB.Read]; a
//     [CommitHook] ([DB.OnModelCommit]) writes in the same transaction as
//     an org-model commit, so that what a registration causes (a message
//     to send) is stored with it or not at all.
//
// # Schema
//
// Each schema's migrations are SQL files embedded per dialect, applied in
// order in one transaction and recorded in orgsync_schema. A database
// that a newer orgsync has migrated further is refused
// ([ErrNewerSchema]): an older binary must not write a schema it does not
// know.
//
// # National ids
//
// CPR numbers are stored encrypted with AES-GCM under the deployment's
// [Key] (bound to the person's id), and are found by an HMAC of the
// number ([ModelStore.PersonsByNationalID]) without decrypting anything.
// The database holds a check value of its key: opening it without a key,
// or with another, fails with [ErrKey]. A copy of the file shows no CPR.
//
// # One writer
//
// A SQLite database serves one host: Open takes an exclusive lock
// (PATH.lock, holding the pid) and a second process gets [ErrInUse].
// SQLite runs in WAL mode with synchronous=FULL, a busy timeout and one
// write connection; readers have a pool of their own. On PostgreSQL,
// several hosts may open the database, and [DB.Lead] makes one of them
// the leader: it holds a lease with an epoch that every write checks in
// its own transaction, so a deposed leader's writes fail with
// [ErrNotLeader] while the standby takes over.
//
// # Errors
//
// Every error is an [*Error] naming the database (the file, or the URL
// without its password) with a kind for errors.Is ([ErrTransient],
// [ErrStorage], [ErrCorrupt], …) that says what to do next. Writes are
// retried while the database is unavailable (a PostgreSQL restart), and a
// commit whose outcome was lost with its connection is read back, so it
// is stored once or not at all.
//
// What it owns: the database, its schema and its encoding of the model.
//
// What it must not do: decide anything about the org model or the
// directory (the domain packages do, and none of them imports this one),
// log national ids, or put a key or a password in an error.
package statedb
