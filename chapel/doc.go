// Package chapel is "Kapellet": the hold where the accounts of people who
// have left are kept, disabled, until they return or a retention period
// ends and the account is deleted.
//
// The state machine is [Policy.Decide]: pure and total, it turns what the
// directory shows of an account ([Account], classified into a [State]) and
// what the org model says of its person ([Person]) into a [Decision] at an
// instant: disable, adopt, reactivate, disable again, delete, or nothing
// (with when the next step is due, and why). Employment is looked at
// first, so a person rehired on the day of deletion keeps their account.
// Odd cases have defined outcomes: an account disabled by hand is left
// alone unless the policy adopts it; one re-enabled by hand in the chapel
// is left alone unless the policy enforces; an unstamped account in the
// chapel OU is never deleted; an account whose stamp does not parse is
// never touched.
//
// The chapel's state lives in AD itself: the chapel OU, the disabled flag,
// and a [Stamp] (when, why and where from, as versioned JSON) in an
// attribute of the base schema (adminDescription by default), so it
// survives the loss of every local file and database.
//
// What it must not do: decide who has left (the org model says that) or
// speak LDAP (a runner uses the connectors.Directory contract).
//
// A [Runner] plans the decisions for every account in scope over the
// connectors.Directory contract and applies them: each account is re-read
// and re-decided before it is touched, steps are ordered so a run that
// stops half-way is completed by the next, a failure is recorded against
// its account only, and a [Breaker] stops a plan that would disable or
// delete too much until that very plan is approved.
//
// The operator's tool is `go run ./examples/orgsync chapel list|plan|apply`.
package chapel
