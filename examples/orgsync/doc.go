// Command orgsync is the operator's tool: one binary with a command for
// each job an operator does by hand. The first command, username, shows
// which username, userPrincipalName and e-mail address the username
// generator gives each of a list of names under a configuration, and why
// it passed over the candidates before them:
//
//	go run ./examples/orgsync username --config username.yaml --taken taken.txt "Jens Hansen"
//
// Run it without arguments for the list of commands, and with a command
// and -h for that command's flags.
//
// What it must not do: hold library code (anything a user of orgsync would
// need too belongs in the library), write to a directory, or print more of
// a person than the name the operator typed.
package main
