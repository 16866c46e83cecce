// Command quickstart runs a small joiner–mover–leaver story against a
// directory through orgsync's Directory contract, and prints what happened.
//
// By default the directory is the in-memory twin, so it runs anywhere:
//
//	go run ./examples/quickstart
//
// Given an AD connector configuration (JSON, the fields of ad.Config) and
// an OU to work in, it runs the same story against a real Active
// Directory, in a new OU below that one which it removes afterwards:
//
//	go run ./examples/quickstart -ad ad.json -base "OU=Sandbox,DC=example,DC=org"
//
// What it must not do: hold library code; anything a user of orgsync would
// need too belongs in the library.
package main
