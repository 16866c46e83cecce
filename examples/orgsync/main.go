package main

import (
	"fmt"
	"io"
	"os"
)

// command is one of the tool's commands.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

// commands are the tool's commands, in the order the usage lists them.
var commands = []command{
	{"username", "show the usernames, UPNs and e-mail addresses names get", runUsername},
	{"chapel", "list the chapel, plan and apply its disables, returns and deletions", runChapel},
	{"plan", "show what a sync of the org model into AD would do, with its fingerprint", runPlan},
	{"apply", "apply a reviewed sync plan by its fingerprint", runApply},
	{"reconcile", "plan and apply a sync of the org model into AD at once", runReconcile},
	{"import", "plan and apply an import of a payroll or identity source into the org model", runImport},
	{"rules", "plan and apply the org rules (managers, elevation, coupling, primary)", runRules},
	{"report", "write the hire, termination or change report for a registration window", runReport},
	{"mail", "check, test and preview the mail configuration; list, requeue and send the outbox", runMail},
	{"catalogue", "validate and show the boarding catalogue: systems, equipment, job roles, birthrights", runCatalogue},
	{"orders", "list the boarding orders, and show one with its tasks and its timeline", runOrders},
	{"serve", "run orgsync as a service: sources, sync, chapel, boarding, mail and reports on their schedules, with an HTTP API", runServe},
	{"payroll-export", "write the synthetic municipality as a payroll delivery (files)", runPayrollExport},
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run runs the command args name and returns the exit status: 0 for
// success, 1 when the command did its work but some of it failed, 2 for a
// usage or configuration error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "orgsync: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: orgsync <command> [flags] [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'orgsync <command> -h' for a command's flags.")
}
