// Command orgsync is the operator's tool: one binary with a command for
// each job an operator does by hand. The first command, username, shows
// which username, userPrincipalName and e-mail address the username
// generator gives each of a list of names under a configuration, and why
// it passed over the candidates before them:
//
//	go run ./examples/orgsync username --config username.yaml --taken taken.txt "Jens Hansen"
//
// The chapel command lists the chapel ("Kapellet": the disabled accounts
// of people who have left, held until they return or the retention ends),
// shows the plan of a run with each action's reason and the mass-action
// breaker's verdict, and applies it, against Active Directory or an
// in-memory demo organisation:
//
//	go run ./examples/orgsync chapel plan --inmem-demo
//	go run ./examples/orgsync chapel apply --url ldaps://dc1.example.org --bind-dn svc-orgsync@example.org \
//		--password-file /etc/orgsync/ad-password --base OU=Kommune,DC=example,DC=org \
//		--policy chapel.yaml --people people.csv
//
// The plan, apply and reconcile commands run the main job by hand: the org
// model into Active Directory with the adsync engine (and the chapel, with
// its breaker), from a configuration file; apply applies only the plan an
// operator reviewed, by its fingerprint:
//
//	go run ./examples/orgsync plan --config sync.yaml --out plan.txt
//	go run ./examples/orgsync apply --config sync.yaml --fingerprint 9ec80431d199c225
//	go run ./examples/orgsync reconcile --inmem-demo
//
// The rules command runs the org rules (package orgmodel/rules) over the
// synthetic municipality or a model file and shows what they would change
// and what they could not decide; apply applies that to the in-memory
// model and checks that a second run has nothing left to do:
//
//	go run ./examples/orgsync rules plan
//	go run ./examples/orgsync rules apply --config rules.yaml --from 2027-01-01
//	go run ./examples/orgsync rules plan --model testdata/rules/model.json --config testdata/rules/model-rules.yaml
//
// The payroll-export command writes the synthetic municipality as a
// payroll delivery, the files the file payroll connector
// (connectors/payrollfile) and the example payroll plugin read; persons
// without a national id are left out, with their engagements and leaves:
//
//	go run ./examples/orgsync payroll-export --dir payroll --persons 150 --today 2026-12-01
//
// The catalogue command checks the on/off-boarding catalogue (package
// boarding/catalogue) and shows what it holds: validate prints every
// problem of a file at once, as FILE:LINE: PATH: PROBLEM; show lists the
// systems, the equipment, the job roles with their items expanded and the
// birthright rules, or one role or system in detail:
//
//	go run ./examples/orgsync catalogue validate catalogue.yaml
//	go run ./examples/orgsync catalogue show catalogue.yaml --role laerer
//
// The orders command reads the boarding orders in the state database
// (package boarding/boardingdb): list selects them by state, person,
// unit and kind; show prints one with its prerequisites, its tasks and
// the timeline of its audit log:
//
//	go run ./examples/orgsync orders list --db sqlite:/var/lib/orgsync/orgsync.db --open
//	go run ./examples/orgsync orders show 0b5e6a8c-… --db sqlite:/var/lib/orgsync/orgsync.db
//
// Run it without arguments for the list of commands, and with a command
// and -h for that command's flags.
//
// What it must not do: hold library code (anything a user of orgsync would
// need too belongs in the library), write to a directory other than by the
// chapel command's apply and by apply and reconcile, write files other
// than the plan command's --out and payroll-export's delivery (which never
// replaces one that is there), take a password from a
// flag's value or a configuration file, or print a national id in full (a
// sync plan shows the mapped attributes it writes, with national ids
// masked; the orders command prints a person's id, a pending hire's name
// and employment number, and masks national ids in what people typed into
// an order; the other commands print no more of a person than the name
// the operator typed and the account's username and DN).
package main
