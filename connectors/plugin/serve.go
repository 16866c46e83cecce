package plugin

import (
	"fmt"
	"os"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Serve serves a connector from a plugin binary's main, and returns when
// the host ends the plugin, after closing the connector:
//
//	func main() {
//		conn, err := myconnector.Open(config())
//		if err != nil {
//			plugin.Logger().Error("open", "error", err)
//			os.Exit(1)
//		}
//		plugin.Serve(conn)
//	}
//
// impl must implement at least one of connectors.Directory,
// connectors.Payroll, connectors.IdentitySource and
// connectors.Provisioner, and is served as each it implements, with every
// optional capability it has: a plugin may serve an integrated system's
// Provisioner alone, or beside a Directory (a struct that embeds both),
// each opened by its own Open function. Serve must be
// called before anything is written to standard output (which carries the
// handshake); log with [Logger]. Run by hand rather than by a host, the
// binary says so and exits with status 1, as it does if impl implements no
// contract.
func Serve(impl any) {
	set := servedPlugins(impl)
	if len(set) == 0 {
		fmt.Fprintf(stderr, "orgsync plugin: %T implements none of the connector contracts (Directory, Payroll, IdentitySource, Provisioner)\n", impl)
		os.Exit(1)
	}
	goplugin.Serve(serveConfig(set, nil))
	if c, ok := impl.(interface{ Close() error }); ok {
		if err := c.Close(); err != nil {
			Logger().Error("closing the connector", "error", err)
		}
	}
}

// serveConfig is go-plugin's configuration for serving set; test, if not
// nil, serves in-process for tests.
func serveConfig(set goplugin.PluginSet, test *goplugin.ServeTestConfig) *goplugin.ServeConfig {
	return &goplugin.ServeConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{ProtocolVersion: set},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage),
				grpc.InitialWindowSize(window), grpc.InitialConnWindowSize(window))...)
		},
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:       "go-plugin",
			Level:      hclog.Info,
			Output:     stderr,
			JSONFormat: true,
		}),
		Test: test,
	}
}
