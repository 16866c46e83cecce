package plugin

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// identityServer serves a connectors.IdentitySource over gRPC, in the
// plugin process. The snapshot is streamed in chunks.
type identityServer struct {
	pb.UnimplementedIdentitySourceServer
	impl connectors.IdentitySource
}

func (s *identityServer) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return &pb.Info{Contract: identityName, ProtocolMinor: protocolMinor}, nil
}

func (s *identityServer) Ping(ctx context.Context, _ *pb.Empty) (*pb.Empty, error) {
	return &pb.Empty{}, toStatus(s.impl.Ping(ctx))
}

func (s *identityServer) Identities(_ *pb.Empty, stream pb.IdentitySource_IdentitiesServer) error {
	snap, err := s.impl.Identities(stream.Context())
	if err == nil && snap == nil {
		err = connectors.Errorf(connectors.Other, "identities", "the connector returned neither a snapshot nor an error")
	}
	if err != nil {
		return toStatus(err)
	}
	ch, n, size := &pb.IdentityChunk{}, 0, 0
	flush := func() error {
		err := stream.Send(ch)
		ch, n, size = &pb.IdentityChunk{}, 0, 0
		return err
	}
	for _, id := range snap.Identities {
		pi := &pb.Identity{Key: id.Key, NationalId: string(id.NationalID), GivenNames: id.GivenNames, Surname: id.Surname,
			Unit: id.Unit, JobTitle: id.JobTitle, Category: id.Category, ValidFrom: int32(id.Valid.From), ValidTo: int32(id.Valid.To),
			ObjectGuid: string(id.ObjectGUID), Login: id.Login}
		size += len(id.Key) + len(id.NationalID) + len(id.GivenNames) + len(id.Surname) + len(id.Unit) + len(id.JobTitle) + len(id.Category) + len(id.ObjectGUID) + len(id.Login) + 32
		for _, a := range id.Addresses {
			pi.Addresses = append(pi.Addresses, &pb.IdentityAddress{Type: a.Type, Value: a.Value})
			size += len(a.Type) + len(a.Value) + 4
		}
		ch.Identities = append(ch.Identities, pi)
		if n++; n >= chunkRecords || size >= batchBytes {
			if err := flush(); err != nil {
				return toStatus(err)
			}
		}
	}
	for _, a := range snap.ServiceAccounts {
		ch.ServiceAccounts = append(ch.ServiceAccounts, &pb.ServiceAccount{Key: a.Key, Unit: a.Unit, Login: a.Login, ObjectGuid: string(a.ObjectGUID), ValidFrom: int32(a.Valid.From), ValidTo: int32(a.Valid.To)})
		size += len(a.Key) + len(a.Unit) + len(a.Login) + len(a.ObjectGUID) + 16
		if n++; n >= chunkRecords || size >= batchBytes {
			if err := flush(); err != nil {
				return toStatus(err)
			}
		}
	}
	ch.Last = true
	ch.Skipped = toSkipped(snap.Skipped)
	return toStatus(stream.Send(ch))
}
