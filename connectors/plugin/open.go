package plugin

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// capSet is a set of a Directory's optional capabilities, one bit each.
type capSet uint8

// capsOf returns the set of the named capabilities; names this host does
// not know (from a newer plugin) are left out.
func capsOf(names []string) capSet {
	var s capSet
	for _, n := range names {
		for i, c := range capNames {
			if n == c {
				s |= 1 << i
			}
		}
	}
	return s
}

// OpenDirectory starts the plugin binary at path and returns the directory
// connector it serves. The value implements exactly the optional
// capabilities the plugin's connector does, so a host uses it as it would
// a compiled-in connector. The plugin process is started again if it
// crashes (the call that saw the crash fails with a Transient error
// wrapping ErrCrashed); Close ends it.
//
// Errors are typed: a binary that is missing, fails its checksum, speaks
// another protocol version, writes to stdout, does not serve a directory
// or does not complete its handshake in time is a Configuration error;
// ctx's end is Transient. Nothing is left running after an error.
func OpenDirectory(ctx context.Context, path string, opts Options) (connectors.Directory, error) {
	p, err := newProc(path, directoryName, opts)
	if err != nil {
		return nil, err
	}
	return openDirectory(ctx, p)
}

func openDirectory(ctx context.Context, p *proc) (connectors.Directory, error) {
	info, err := describe(ctx, p, func(cc *grpc.ClientConn) (*pb.Info, error) {
		return pb.NewDirectoryClient(cc).Describe(ctx, &pb.Empty{})
	})
	if err != nil {
		return nil, err
	}
	return withCapabilities(&directoryClient{p: p}, capsOf(info.GetCapabilities())), nil
}

// OpenPayroll starts the plugin binary at path and returns the payroll
// connector it serves, with PayrollChangeReader if the plugin's connector
// has it. It behaves as OpenDirectory does.
func OpenPayroll(ctx context.Context, path string, opts Options) (connectors.Payroll, error) {
	p, err := newProc(path, payrollName, opts)
	if err != nil {
		return nil, err
	}
	return openPayroll(ctx, p)
}

func openPayroll(ctx context.Context, p *proc) (connectors.Payroll, error) {
	info, err := describe(ctx, p, func(cc *grpc.ClientConn) (*pb.Info, error) {
		return pb.NewPayrollClient(cc).Describe(ctx, &pb.Empty{})
	})
	if err != nil {
		return nil, err
	}
	c := &payrollClient{p: p}
	for _, n := range info.GetCapabilities() {
		if n == "PayrollChangeReader" {
			return payrollWithChanges{c}, nil
		}
	}
	return c, nil
}

// OpenIdentitySource starts the plugin binary at path and returns the
// identity source it serves. It behaves as OpenDirectory does.
func OpenIdentitySource(ctx context.Context, path string, opts Options) (connectors.IdentitySource, error) {
	p, err := newProc(path, identityName, opts)
	if err != nil {
		return nil, err
	}
	return openIdentitySource(ctx, p)
}

func openIdentitySource(ctx context.Context, p *proc) (connectors.IdentitySource, error) {
	_, err := describe(ctx, p, func(cc *grpc.ClientConn) (*pb.Info, error) {
		return pb.NewIdentitySourceClient(cc).Describe(ctx, &pb.Empty{})
	})
	if err != nil {
		return nil, err
	}
	return &identityClient{p: p}, nil
}

// OpenProvisioner starts the plugin binary at path and returns the
// integrated system's provisioner it serves, for boarding to grant,
// revoke and ask about resources through (a Dispatcher's Provisioners).
// It behaves as OpenDirectory does: errors keep their kind across the
// boundary, the caller's deadline reaches the plugin's connector, and a
// plugin that crashes during a call gives a Transient error wrapping
// ErrCrashed and is started again by the next call.
func OpenProvisioner(ctx context.Context, path string, opts Options) (Provisioner, error) {
	p, err := newProc(path, provisionerName, opts)
	if err != nil {
		return nil, err
	}
	return openProvisioner(ctx, p)
}

func openProvisioner(ctx context.Context, p *proc) (Provisioner, error) {
	_, err := describe(ctx, p, func(cc *grpc.ClientConn) (*pb.Info, error) {
		return pb.NewProvisionerClient(cc).Describe(ctx, &pb.Empty{})
	})
	if err != nil {
		return nil, err
	}
	return &provisionerClient{p: p}, nil
}

// describe starts a plugin and asks it what it serves; on an error it
// leaves nothing running.
func describe(ctx context.Context, p *proc, call func(*grpc.ClientConn) (*pb.Info, error)) (*pb.Info, error) {
	cc, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	info, err := call(cc)
	if status.Code(err) == codes.Unimplemented {
		err = connectors.Errorf(connectors.Configuration, "open plugin", "%s does not serve %s connector", p.path, article(p.name))
	}
	if err == nil && info.GetContract() != p.name {
		err = connectors.Errorf(connectors.Configuration, "open plugin", "%s serves a %q connector, not %s one", p.path, info.GetContract(), article(p.name))
	}
	if err != nil {
		p.close()
		if _, ok := err.(*connectors.Error); !ok {
			err = fromStatus(ctx, "open plugin", err)
		}
		return nil, err
	}
	p.log.Debug("plugin started", "plugin", p.path, "contract", p.name, "capabilities", info.GetCapabilities(),
		"protocol", fmt.Sprintf("%d.%d", ProtocolVersion, info.GetProtocolMinor()))
	return info, nil
}
