// Package chapel is "Kapellet": the hold where the accounts of people who
// have left are kept, disabled, until they return or a retention period
// ends and the account is deleted.
//
// It owns the chapel's state machine (active, in the chapel, deleted with
// the username in quarantine, reactivated), its policy, the stamp that keeps
// the chapel's state in AD itself, the mass-action breaker, and the runner
// that plans and applies the transitions due at a time.
//
// What it must not do: decide who has left (the org model says that) or
// speak LDAP (it uses the connectors.Directory contract).
//
// Status: the package is specified by issue 5 and not yet built.
package chapel
