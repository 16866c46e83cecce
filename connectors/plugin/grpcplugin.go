package plugin

import (
	"context"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// grpcPlugin is a contract as go-plugin serves and dispenses it. On the
// plugin side register puts the connector's gRPC server on the server; on
// the host side the dispensed value is the connection itself, from which
// the host's client makes the stub of its contract.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	register func(*grpc.Server)
}

func (p *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	p.register(s)
	return nil
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, cc *grpc.ClientConn) (any, error) {
	return cc, nil
}

// hostPlugins is the plugin set a host offers, by protocol version. A
// host that speaks several major versions lists each here.
func hostPlugins() map[int]goplugin.PluginSet {
	return map[int]goplugin.PluginSet{
		ProtocolVersion: {
			directoryName:   &grpcPlugin{},
			payrollName:     &grpcPlugin{},
			identityName:    &grpcPlugin{},
			provisionerName: &grpcPlugin{},
		},
	}
}

// servedPlugins is the plugin set for a connector: every contract impl
// implements.
func servedPlugins(impl any) goplugin.PluginSet {
	set := goplugin.PluginSet{}
	if d, ok := impl.(connectors.Directory); ok {
		set[directoryName] = &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterDirectoryServer(s, &directoryServer{impl: d}) }}
	}
	if p, ok := impl.(connectors.Payroll); ok {
		set[payrollName] = &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterPayrollServer(s, &payrollServer{impl: p}) }}
	}
	if i, ok := impl.(connectors.IdentitySource); ok {
		set[identityName] = &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterIdentitySourceServer(s, &identityServer{impl: i}) }}
	}
	if p, ok := impl.(connectors.Provisioner); ok {
		set[provisionerName] = &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterProvisionerServer(s, &provisionerServer{impl: p}) }}
	}
	return set
}
