// Command opus is an example plugin: it serves the KMD OPUS payroll
// connector (connectors/opus) from a binary of its own, for a host to load
// with plugin.OpenPayroll. Its configuration is a YAML or JSON file,
// connectors/opus.Config, named by the flag -config or, without it, by the
// environment variable ORGSYNC_OPUS_CONFIG (the host passes it in
// plugin.Options.Env: the bridge does not pass the host's environment on):
//
//	dir: /srv/opus/dumps     # the folder of ZLPE….xml dumps; relative to the file
//	units: ["1", "2"]        # optional: read only these subtrees
//
// Build it, and let a host run it; run by hand, it says it is a plugin and
// exits:
//
//	go build -o bin/opus-plugin ./examples/plugins/opus
//
// A configuration that cannot be read or is not valid, or a folder that
// cannot be read, is logged (through plugin.Logger, which the host
// re-logs) and the plugin exits with status 1 before its handshake, which
// the host reports as a Configuration error.
//
// What it must not do: write to standard output, which carries the
// plugin's handshake, or hold any logic of its own beyond reading its
// configuration: the connector is the library's.
package main
