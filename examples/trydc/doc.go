// Command trydc runs a throwaway Active Directory domain controller
// (Samba, on a loopback address) to try orgsync against, and writes the
// configuration that points orgsync at it:
//
//	sudo go run ./examples/trydc --dir /tmp/trydc
//
// It installs Samba with apt where it is missing (as the tests do),
// provisions the domain example.test, starts the DC, creates the base OU
// the sample sync configuration manages (OU=Kommune), its chapel OU and
// the groups it names, and writes into --dir:
//
//	ad.yaml       the AD connection, in the format every command reads
//	ad-password   the Administrator's password (mode 0600)
//	sync.yaml     the sample sync configuration, pointed at this DC
//
// It then prints the commands to plan and apply a sync of the synthetic
// municipality into it, and waits. Ctrl-C (or SIGTERM) stops the DC and
// removes what it made; nothing of it outlives the command, and it never
// touches a domain of the machine's own. --no-groups leaves the groups
// out, to see the plan report them missing.
//
// It needs root (the DC listens on port 389) and Debian's packages.
package main
