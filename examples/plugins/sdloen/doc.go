// Command sdloen is an example plugin: it serves the SD Løn connector
// (connectors/sdloen) from a binary of its own, for a host to load with
// plugin.OpenPayroll. Its configuration is a YAML or JSON file, the
// fields of sdloen.Config, named by the environment variable
// ORGSYNC_SDLOEN_CONFIG (the host passes it in plugin.Options.Env: the
// bridge does not pass the host's environment on):
//
//	url: https://service.sd.dk/sdws/
//	institution: XY
//	user: SYORGSYNC
//	password_file: /etc/orgsync/sd-password   # or password_env: SD_PASSWORD
//	ca_file: /etc/orgsync/sd-ca.pem           # optional
//	job_function: EmploymentName              # or JobPositionIdentifier
//	monthly_hourly_divide: 8000               # optional
//
// A relative password_file or ca_file is read relative to the file.
// Build it, and let a host run it; run by hand, it exits:
//
//	go build -o bin/sdloen-plugin ./examples/plugins/sdloen
//
// A configuration that does not validate is logged (through
// plugin.Logger, which the host re-logs) and the plugin exits with status
// 1 before its handshake, which the host reports as a Configuration
// error.
//
// What it must not do: write to standard output, which carries the
// plugin's handshake, or hold any logic of its own beyond reading its
// configuration: the connector is the library's.
package main
