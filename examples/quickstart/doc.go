// Command quickstart is orgsync's main job, run end to end on embedded
// defaults: it builds a synthetic municipality in the org model, runs the
// adsync engine into a directory, and prints what it did.
//
//	go run ./examples/quickstart
//
// By default the directory is the in-memory twin (connectors/inmem), so it
// runs anywhere in a few seconds. It reconciles the whole municipality
// (accounts created with generated usernames, the org tree mirrored as
// OUs, group memberships from group rules, managers), shows that the next
// run plans nothing, reads AD's changes back into the org model, shows a
// few accounts with their attributes and manager, and then lives through a
// day of changes (a hire, a move and a leaver) picked up from the org
// model's events in near real time, the leaver handed to the chapel.
//
// Given an LDAP URL it does the same in a real Active Directory, below an
// OU the operator names (which must exist; use an empty one):
//
//	go run ./examples/quickstart --ldap-url ldaps://dc1.example.org --ca-file ca.pem \
//		--bind svc-orgsync@example.org --password-file ad-password --base OU=Sandbox,DC=example,DC=org
//
// With --db FILE it keeps its state in the deployment's state database
// (package statedb, a SQLite file, or PostgreSQL given a postgres:// URL):
// the org model, the account links, the read-back's token, the worker's
// position, its own table of runs (a module's schema, added the way the
// outbox and boarding add theirs) and, without a domain controller, the
// twin's contents. A second run on the same file goes on from the first:
// its first reconcile plans nothing, and it lives through the next day.
//
//	go run ./examples/quickstart --db /tmp/qs.db
//
// It wires the library in Go, as a service of one's own would: the
// configuration is Go values, not a file (the operator CLI, examples/orgsync,
// reads the same settings from a file).
//
// What it must not do: hold library code (anything a user of orgsync would
// need too belongs in the library), write outside the OU it is given, or
// print a national id.
package main
