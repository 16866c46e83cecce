package plugin

import (
	"log/slog"
	"time"
)

// Options configure how a host runs a plugin binary.
type Options struct {
	// Args are the plugin's command-line arguments (without the program
	// name).
	Args []string

	// Env is the plugin's environment, "KEY=value" each. The host's own
	// environment is not passed on, so that its secrets stay in the host:
	// give the plugin what it needs (its configuration, credentials, TZ)
	// here. go-plugin adds the variables of its handshake.
	Env []string

	// Dir is the plugin's working directory; empty for the host's.
	Dir string

	// Checksum is the SHA-256 of the plugin binary. If set, the host
	// computes the binary's checksum before every start, restarts
	// included, and refuses to run a binary that differs (a Configuration
	// error wrapping ErrChecksum).
	Checksum []byte

	// Logger receives the plugin's log lines, at their own levels and with
	// their attributes and "plugin" set to the binary's name, and the
	// bridge's messages about the process. Nil means slog.Default().
	Logger *slog.Logger

	// StartTimeout bounds the start of the plugin process and its
	// handshake; zero means 30 seconds. A caller's earlier deadline wins.
	StartTimeout time.Duration
}

const defaultStartTimeout = 30 * time.Second

// maxMessage bounds a message across the boundary. Results are streamed
// in batches far below it; it guards against a plugin that sends one huge
// message (gRPC's default of 4 MiB would refuse a legal 8 MiB Create).
const maxMessage = 64 << 20

// window is gRPC's flow-control window, per stream and per connection.
// The default (64 KiB, grown by estimating the bandwidth-delay product)
// stalls a stream of search results on every batch; host and plugin share
// a machine, so a few batches in flight cost only memory.
const window = 4 << 20
