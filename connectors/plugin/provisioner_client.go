package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// Provisioner is the connectors.Provisioner a host gets from
// OpenProvisioner: the contract's methods, which cross to the plugin, and
// Ping and Close for the plugin process. The contract itself has neither,
// because a compiled-in provisioner (boarding.ADGroups) shares its
// connection with the rest of the host.
type Provisioner interface {
	connectors.Provisioner
	// Ping checks that the plugin process serves and then, if the
	// plugin's provisioner has a Ping method of its own, calls it.
	Ping(ctx context.Context) error
	// Close ends the plugin process. Calls after Close fail.
	Close() error
}

// provisionerClient is a connectors.Provisioner in the host that calls a
// plugin.
type provisionerClient struct {
	p *proc
}

var _ Provisioner = (*provisionerClient)(nil)

// Ping checks the plugin's health and then the connector's own Ping.
func (c *provisionerClient) Ping(ctx context.Context) error {
	return c.p.ping(ctx, func(cc *grpc.ClientConn) error {
		_, err := pb.NewProvisionerClient(cc).Ping(ctx, &pb.Empty{})
		return err
	})
}

// Grant asks the plugin to give the account the resource.
func (c *provisionerClient) Grant(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return c.call(ctx, "grant", g, pb.ProvisionerClient.Grant)
}

// Revoke asks the plugin to take the resource away from the account.
func (c *provisionerClient) Revoke(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return c.call(ctx, "revoke", g, pb.ProvisionerClient.Revoke)
}

// Status asks the plugin whether the account holds the resource now.
func (c *provisionerClient) Status(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return c.call(ctx, "status", g, pb.ProvisionerClient.Status)
}

// call runs one of the contract's methods on a running plugin and checks
// the state it answers with.
func (c *provisionerClient) call(ctx context.Context, op string, g connectors.Grant,
	fn func(pb.ProvisionerClient, context.Context, *pb.GrantRequest, ...grpc.CallOption) (*pb.GrantResponse, error)) (connectors.GrantState, error) {
	cc, err := c.p.get(ctx)
	if err != nil {
		return 0, err
	}
	r, err := fn(pb.NewProvisionerClient(cc), ctx, toGrantRequest(g))
	if err != nil {
		return 0, c.p.fail(ctx, op, err)
	}
	st := connectors.GrantState(r.GetState())
	if r.GetState() > 255 || !validGrantState(st) {
		return 0, malformed(op, "the plugin answered with grant state %d, which the contract does not have", r.GetState())
	}
	return st, nil
}

// Close ends the plugin process.
func (c *provisionerClient) Close() error { return c.p.close() }
