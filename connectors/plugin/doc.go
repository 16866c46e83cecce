// Package plugin runs a connector as a separate program: a vendor ships a
// payroll, identity or directory connector, or an integrated system's
// provisioner for boarding, as a binary, and a host loads it and uses it
// through the same Go interface as a compiled-in one. A connector that
// crashes, hangs or misbehaves cannot take the host down.
//
// It is built on hashicorp/go-plugin, as Terraform providers and Vault
// plugins are, and uses gRPC only.
//
// # For a vendor: ship a connector
//
// Implement one or more of the contracts in package connectors
// (connectors.Directory with any of its optional capabilities,
// connectors.Payroll, connectors.IdentitySource, connectors.Provisioner),
// prove it with the conformance kit in connectors/connectortest, and serve
// it from main:
//
//	func main() {
//		conn, err := mypayroll.Open(os.Getenv("MYPAYROLL_URL"))
//		if err != nil {
//			plugin.Logger().Error("cannot open", "error", err)
//			os.Exit(1)
//		}
//		plugin.Serve(conn)
//	}
//
// Read configuration from arguments, the environment or files: the host
// passes what Options.Args and Options.Env say, and nothing else of its
// own environment. Never write to standard output, which carries the
// handshake; log with Logger, whose lines the host re-logs through its own
// log/slog logger. Return errors as *connectors.Error with the right kind:
// the kind crosses the boundary, so a host can tell an AlreadyExists from
// a Transient as it could in-process. Run the conformance kit against the
// built binary too, opened with OpenDirectory, OpenPayroll,
// OpenIdentitySource or OpenProvisioner, as this package's tests and the
// example plugins do.
//
// # For a host: load a connector
//
//	dir, err := plugin.OpenDirectory(ctx, "/usr/lib/orgsync/ad-plugin", plugin.Options{
//		Env:      []string{"AD_CONFIG=/etc/orgsync/ad.yaml"},
//		Checksum: sum, // the binary's SHA-256, verified before every start
//	})
//	if err != nil { … }
//	defer dir.Close()
//	if c, ok := dir.(connectors.Creator); ok { … }
//
// An integrated system's provisioner is loaded the same way, and goes
// where boarding's Dispatcher wants a connectors.Provisioner:
//
//	groups, err := plugin.OpenProvisioner(ctx, "/usr/lib/orgsync/adgroups-plugin", plugin.Options{Env: env})
//	if err != nil { … }
//	defer groups.Close()
//	provisioners := map[string]connectors.Provisioner{"ad-groups": groups}
//
// The value has exactly the capabilities of the plugin's connector. Calls
// carry the caller's deadline and cancellation to the connector. Search
// results and snapshots are streamed in batches, never one giant message.
// If the plugin process dies during a call, that call fails with a
// Transient error wrapping ErrCrashed, and the next call starts the
// plugin again. Data that breaks the contract is an error wrapping
// ErrMalformed. A plugin that cannot start (missing, a checksum that
// differs, another protocol version, output on stdout, no handshake in
// time) is a Configuration error, and no process is left behind.
//
// # The protocol
//
// The wire types are in plugin.proto, in an internal package: hosts and
// vendors see only the types of package connectors. The handshake
// negotiates the major ProtocolVersion; compatible additions to the
// protocol add fields and methods and leave old ones alone, and an
// optional capability a plugin does not announce is simply absent (a
// payroll plugin built before minor 3 sends no manager roles, and the
// host sees a source without any). The
// channel is protected by mutual TLS with one-time certificates
// (go-plugin's AutoMTLS); a plugin's health is go-plugin's gRPC health
// service, which Ping checks before the connector's own Ping.
//
// What this package must not do: know any particular connector, or hold
// policy. It translates calls and errors across a process boundary and
// keeps the process alive; retries, breakers and plans are the engines'.
package plugin
