package plugin

import (
	"context"
	"io"

	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// identityClient is a connectors.IdentitySource in the host that calls a
// plugin.
type identityClient struct {
	p *proc
}

// Ping checks the plugin's health and then the connector's own Ping.
func (c *identityClient) Ping(ctx context.Context) error {
	return c.p.ping(ctx, func(cc *grpc.ClientConn) error {
		_, err := pb.NewIdentitySourceClient(cc).Ping(ctx, &pb.Empty{})
		return err
	})
}

// Identities receives the streamed snapshot and puts it together.
func (c *identityClient) Identities(ctx context.Context) (*connectors.IdentitySnapshot, error) {
	const op = "identities"
	cc, err := c.p.get(ctx)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := pb.NewIdentitySourceClient(cc).Identities(sctx, &pb.Empty{})
	if err != nil {
		return nil, c.p.fail(ctx, op, err)
	}
	out := &connectors.IdentitySnapshot{}
	last := false
	for {
		ch, err := stream.Recv()
		if err == io.EOF {
			if !last {
				return nil, malformed(op, "the stream ended without its last chunk")
			}
			return out, nil
		}
		if err != nil {
			return nil, c.p.fail(ctx, op, err)
		}
		if last {
			return nil, malformed(op, "a chunk after the last")
		}
		last = ch.GetLast()
		if last {
			out.Skipped = fromSkipped(ch.GetSkipped())
		}
		for _, pi := range ch.GetIdentities() {
			iv, err := fromInterval(pi.GetValidFrom(), pi.GetValidTo())
			if err != nil {
				return nil, malformed(op, "identity %q: %v", clip(pi.GetKey(), 64), err)
			}
			id := connectors.Identity{Key: pi.GetKey(), NationalID: connectors.NationalID(pi.GetNationalId()), GivenNames: pi.GetGivenNames(),
				Surname: pi.GetSurname(), Unit: pi.GetUnit(), JobTitle: pi.GetJobTitle(), Category: pi.GetCategory(), Valid: iv,
				ObjectGUID: connectors.ID(pi.GetObjectGuid()), Login: pi.GetLogin()}
			for _, a := range pi.GetAddresses() {
				id.Addresses = append(id.Addresses, connectors.IdentityAddress{Type: a.GetType(), Value: a.GetValue()})
			}
			out.Identities = append(out.Identities, id)
		}
		for _, a := range ch.GetServiceAccounts() {
			iv, err := fromInterval(a.GetValidFrom(), a.GetValidTo())
			if err != nil {
				return nil, malformed(op, "service account %q: %v", clip(a.GetKey(), 64), err)
			}
			out.ServiceAccounts = append(out.ServiceAccounts, connectors.ServiceAccount{Key: a.GetKey(), Unit: a.GetUnit(), Login: a.GetLogin(),
				ObjectGUID: connectors.ID(a.GetObjectGuid()), Valid: iv})
		}
	}
}

// Close ends the plugin process.
func (c *identityClient) Close() error { return c.p.close() }
