package plugin

import (
	"context"
	"io"

	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// payrollClient is a connectors.Payroll in the host that calls a plugin.
type payrollClient struct {
	p *proc
}

func (c *payrollClient) stub(ctx context.Context) (pb.PayrollClient, error) {
	cc, err := c.p.get(ctx)
	if err != nil {
		return nil, err
	}
	return pb.NewPayrollClient(cc), nil
}

// Ping checks the plugin's health and then the connector's own Ping.
func (c *payrollClient) Ping(ctx context.Context) error {
	return c.p.ping(ctx, func(cc *grpc.ClientConn) error {
		_, err := pb.NewPayrollClient(cc).Ping(ctx, &pb.Empty{})
		return err
	})
}

// Snapshot receives the streamed snapshot and puts it together.
func (c *payrollClient) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	const op = "payroll snapshot"
	s, err := c.stub(ctx)
	if err != nil {
		return nil, err
	}
	col, err := c.collect(ctx, op, func(ctx context.Context) (grpc.ServerStreamingClient[pb.PayrollChunk], error) {
		return s.Snapshot(ctx, &pb.Empty{})
	})
	if err != nil {
		return nil, err
	}
	if len(col.deleted) > 0 || col.more {
		return nil, malformed(op, "a snapshot with deletions or more pages")
	}
	return &connectors.PayrollSnapshot{Units: col.units, Persons: col.persons, Engagements: col.engs, Leaves: col.leaves, Managers: col.managers, Token: col.token, Skipped: col.skipped}, nil
}

// collect runs a streaming call and puts its chunks together.
func (c *payrollClient) collect(ctx context.Context, op string, start func(context.Context) (grpc.ServerStreamingClient[pb.PayrollChunk], error)) (*payrollCollector, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := start(sctx)
	if err != nil {
		return nil, c.p.fail(ctx, op, err)
	}
	col := &payrollCollector{op: op}
	for {
		ch, err := stream.Recv()
		if err == io.EOF {
			return col, col.done()
		}
		if err != nil {
			return nil, c.p.fail(ctx, op, err)
		}
		if err := col.add(ch); err != nil {
			return nil, err
		}
	}
}

// Close ends the plugin process.
func (c *payrollClient) Close() error { return c.p.close() }

// payrollWithChanges is a payroll plugin whose connector reads changes.
type payrollWithChanges struct{ *payrollClient }

// Changes receives one streamed page of changes.
func (c payrollWithChanges) Changes(ctx context.Context, token connectors.Token) (*connectors.PayrollChanges, error) {
	const op = "payroll changes"
	s, err := c.stub(ctx)
	if err != nil {
		return nil, err
	}
	col, err := c.collect(ctx, op, func(ctx context.Context) (grpc.ServerStreamingClient[pb.PayrollChunk], error) {
		return s.Changes(ctx, &pb.Token{Token: string(token)})
	})
	if err != nil {
		return nil, err
	}
	return &connectors.PayrollChanges{Units: col.units, Persons: col.persons, Engagements: col.engs, Leaves: col.leaves, Managers: col.managers,
		Deleted: col.deleted, Token: col.token, More: col.more, Skipped: col.skipped}, nil
}
