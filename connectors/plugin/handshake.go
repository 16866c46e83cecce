package plugin

import (
	goplugin "github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the major version of the plugin protocol this package
// speaks. Host and plugin negotiate it in the handshake; a plugin built for
// another major version is refused with a Configuration error that says to
// rebuild it. Compatible additions raise protocolMinor instead.
const ProtocolVersion = 1

// protocolMinor is the minor version of plugin.proto, reported by Describe
// for logs; it never decides compatibility. Minor 1 added the Provisioner
// service; minor 2 the skipped records of payroll snapshots and pages;
// minor 3 manager roles (connectors.PayrollManager) in payroll chunks, with
// their deletions in a field of their own, so that an older host or
// plugin ignores both and sees a source without managers.
const protocolMinor = 3

// handshake is what host and plugin must agree on before anything else.
// The cookie is a UX feature, not a security feature: it lets a plugin
// binary run by hand say so, instead of waiting for a host.
var handshake = goplugin.HandshakeConfig{
	MagicCookieKey:   "ORGSYNC_PLUGIN_COOKIE",
	MagicCookieValue: "9c1d4c9e-orgsync-connector-plugin",
}

// The names under which the contracts are served in a plugin set, and the
// contract names Describe reports.
const (
	directoryName   = "directory"
	payrollName     = "payroll"
	identityName    = "identity"
	provisionerName = "provisioner"
)
