// Command payrollfile is an example plugin: it serves the file payroll
// connector (connectors/payrollfile) from a binary of its own, for a host
// to load with plugin.OpenPayroll. The folder of deliveries comes from the
// flag -dir or, without it, from the environment variable
// ORGSYNC_PAYROLL_DIR (the host passes it in plugin.Options.Env: the
// bridge does not pass the host's environment on).
//
// Build it, and let a host run it; run by hand, it says it is a plugin and
// exits:
//
//	go build -o bin/payrollfile-plugin ./examples/plugins/payrollfile
//	go run ./examples/pluginhost --payroll-plugin bin/payrollfile-plugin --payroll-dir /srv/payroll …
//
// A folder that cannot be read is logged (through plugin.Logger, which
// the host re-logs) and the plugin exits with status 1 before its
// handshake, which the host reports as a Configuration error.
//
// What it must not do: write to standard output, which carries the
// plugin's handshake, or hold any logic of its own beyond reading its
// configuration: the connector is the library's.
package main
