package plugin

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// provisionerServer serves a connectors.Provisioner over gRPC, in the
// plugin process.
type provisionerServer struct {
	pb.UnimplementedProvisionerServer
	impl connectors.Provisioner
}

func (s *provisionerServer) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return &pb.Info{Contract: provisionerName, ProtocolMinor: protocolMinor}, nil
}

// Ping calls the connector's own Ping, if it has one: the contract has
// none, and a connector that holds a connection may still offer it.
func (s *provisionerServer) Ping(ctx context.Context, _ *pb.Empty) (*pb.Empty, error) {
	if p, ok := s.impl.(interface{ Ping(context.Context) error }); ok {
		return &pb.Empty{}, toStatus(p.Ping(ctx))
	}
	return &pb.Empty{}, nil
}

func (s *provisionerServer) Grant(ctx context.Context, req *pb.GrantRequest) (*pb.GrantResponse, error) {
	return grantResponse("grant", s.impl.Grant)(ctx, req)
}

func (s *provisionerServer) Revoke(ctx context.Context, req *pb.GrantRequest) (*pb.GrantResponse, error) {
	return grantResponse("revoke", s.impl.Revoke)(ctx, req)
}

func (s *provisionerServer) Status(ctx context.Context, req *pb.GrantRequest) (*pb.GrantResponse, error) {
	return grantResponse("status", s.impl.Status)(ctx, req)
}

// grantResponse turns one of the contract's methods into its gRPC
// method. A connector that returns neither a state nor an error has a
// bug, which the host hears of as such rather than as a state.
func grantResponse(op string, fn func(context.Context, connectors.Grant) (connectors.GrantState, error)) func(context.Context, *pb.GrantRequest) (*pb.GrantResponse, error) {
	return func(ctx context.Context, req *pb.GrantRequest) (*pb.GrantResponse, error) {
		st, err := fn(ctx, fromGrantRequest(req))
		if err == nil && !validGrantState(st) {
			err = connectors.Errorf(connectors.Other, op, "the connector returned neither a grant state nor an error (state %d)", st)
		}
		if err != nil {
			return nil, toStatus(err)
		}
		return &pb.GrantResponse{State: uint32(st)}, nil
	}
}

func toGrantRequest(g connectors.Grant) *pb.GrantRequest {
	return &pb.GrantRequest{Task: g.Task, Resource: g.Resource, Target: g.Target, Account: string(g.Account), Username: g.Username}
}

func fromGrantRequest(r *pb.GrantRequest) connectors.Grant {
	return connectors.Grant{Task: r.GetTask(), Resource: r.GetResource(), Target: r.GetTarget(), Account: connectors.ID(r.GetAccount()), Username: r.GetUsername()}
}

// validGrantState says whether s is one of the contract's states.
func validGrantState(s connectors.GrantState) bool {
	switch s {
	case connectors.GrantNotHeld, connectors.GrantHeld, connectors.GrantInProgress:
		return true
	}
	return false
}
