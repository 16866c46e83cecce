// Package examples holds orgsync's runnable reference apps, each in a
// directory of its own:
//
//   - quickstart: the main job on embedded defaults: a synthetic
//     municipality in the org model, reconciled with the adsync engine into
//     the in-memory twin (or an Active Directory), then a day of changes
//     picked up from the org model's events. Run it with
//     `go run ./examples/quickstart`.
//   - orgsync: the operator's tool, a command per job: username, chapel,
//     plan, apply, reconcile, rules, and payroll-export, which writes the
//     synthetic municipality as a payroll delivery for the file payroll
//     connector. `go run ./examples/orgsync` lists them.
//   - plugins/payrollfile, plugins/ad and plugins/adgroups: connector
//     plugins, each a binary serving a library connector (the file payroll
//     connector, the AD connector, boarding's AD group memberships as an
//     integrated system's connectors.Provisioner) through
//     connectors/plugin, configured from the environment the host gives
//     them.
//   - trydc: a throwaway Samba domain controller to try orgsync against,
//     with the configuration pointed at it: `sudo go run ./examples/trydc
//     --dir /tmp/trydc`.
//   - pluginhost: a host that loads those two plugins and runs one import
//     of the payroll into the org model and one sync of the org model into
//     Active Directory through them, and checks that a second run would
//     do nothing: `go run ./examples/pluginhost -h`.
//
// What this package must not do: hold library code. Anything an example
// needs that a user would need too belongs in the library packages.
package examples
