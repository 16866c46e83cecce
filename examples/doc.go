// Package examples holds orgsync's runnable reference apps, each in a
// directory of its own:
//
//   - quickstart: the main job on embedded defaults. Until the sync engine
//     exists, it exercises the Directory contract against the in-memory
//     twin: it builds a small organisation's accounts, moves and disables
//     one, and reads the change feed. Run it with
//     `go run ./examples/quickstart`.
//   - orgsync: the operator's tool, a command per job. Its first command,
//     username, shows the usernames, UPNs and e-mail addresses names get
//     under a configuration: `go run ./examples/orgsync username -h`.
//
// What this package must not do: hold library code. Anything an example
// needs that a user would need too belongs in the library packages.
package examples
