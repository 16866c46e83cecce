package plugin

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// payrollServer serves a connectors.Payroll over gRPC, in the plugin
// process. Snapshots and pages of changes are streamed in chunks.
type payrollServer struct {
	pb.UnimplementedPayrollServer
	impl connectors.Payroll
}

func (s *payrollServer) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	info := &pb.Info{Contract: payrollName, ProtocolMinor: protocolMinor}
	if _, ok := s.impl.(connectors.PayrollChangeReader); ok {
		info.Capabilities = []string{"PayrollChangeReader"}
	}
	return info, nil
}

func (s *payrollServer) Ping(ctx context.Context, _ *pb.Empty) (*pb.Empty, error) {
	return &pb.Empty{}, toStatus(s.impl.Ping(ctx))
}

func (s *payrollServer) Snapshot(_ *pb.Empty, stream pb.Payroll_SnapshotServer) error {
	snap, err := s.impl.Snapshot(stream.Context())
	if err == nil && snap == nil {
		err = connectors.Errorf(connectors.Other, "payroll snapshot", "the connector returned neither a snapshot nor an error")
	}
	if err != nil {
		return toStatus(err)
	}
	return toStatus(sendPayroll(stream.Send, snap.Units, snap.Persons, snap.Engagements, snap.Leaves, snap.Managers, nil, snap.Token, false, snap.Skipped))
}

func (s *payrollServer) Changes(req *pb.Token, stream pb.Payroll_ChangesServer) error {
	c, ok := s.impl.(connectors.PayrollChangeReader)
	if !ok {
		return unsupported("payroll changes")
	}
	page, err := c.Changes(stream.Context(), connectors.Token(req.GetToken()))
	if err == nil && page == nil {
		err = connectors.Errorf(connectors.Other, "payroll changes", "the connector returned neither a page nor an error")
	}
	if err != nil {
		return toStatus(err)
	}
	return toStatus(sendPayroll(stream.Send, page.Units, page.Persons, page.Engagements, page.Leaves, page.Managers, page.Deleted, page.Token, page.More, page.Skipped))
}
