package plugin

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// directoryServer serves a connectors.Directory over gRPC, in the plugin
// process. An optional capability the connector lacks is an Unsupported
// error, as it would be compiled in.
type directoryServer struct {
	pb.UnimplementedDirectoryServer
	impl connectors.Directory
}

func unsupported(op string) error {
	return toStatus(connectors.Errorf(connectors.Unsupported, op, "the connector does not implement this operation"))
}

func (s *directoryServer) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return &pb.Info{Contract: directoryName, Capabilities: connectors.Capabilities(s.impl), ProtocolMinor: protocolMinor}, nil
}

func (s *directoryServer) Ping(ctx context.Context, _ *pb.Empty) (*pb.Empty, error) {
	return &pb.Empty{}, toStatus(s.impl.Ping(ctx))
}

// Search sends the entries in batches of at most searchBatch entries or
// about batchBytes bytes, so that neither one message per entry nor one
// giant message crosses the boundary.
func (s *directoryServer) Search(req *pb.SearchRequest, stream pb.Directory_SearchServer) error {
	f, ok := fromFilter(req.GetFilter(), 0)
	if !ok {
		return toStatus(connectors.Errorf(connectors.Invalid, "search", "the filter is nested too deeply or has an unknown operator"))
	}
	sr := connectors.SearchRequest{
		BaseDN:     req.GetBaseDn(),
		Scope:      connectors.Scope(req.GetScope()),
		Filter:     f,
		Attributes: req.GetAttributes(),
		PageSize:   int(req.GetPageSize()),
	}
	// Batches go out from a goroutine of their own, so that the connector
	// finds the next batch while gRPC encodes and writes the last. A sent
	// message is not reused: gRPC may still read it after Send.
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	out := make(chan *pb.Entries, 2)
	sent := make(chan error, 1)
	go func() {
		var err error
		for m := range out {
			if err == nil {
				if err = stream.Send(m); err != nil {
					cancel() // the host is gone: stop the search
				}
			}
		}
		sent <- err
	}()
	batch := newEntryBatch()
	flush := func() error {
		if batch.n == 0 {
			return nil
		}
		select {
		case out <- batch.msg:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch = newEntryBatch()
		return nil
	}
	err := s.impl.Search(ctx, sr, func(e *connectors.Entry) error {
		batch.add(e)
		if batch.n >= searchBatch || batch.size >= batchBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	close(out)
	if serr := <-sent; serr != nil {
		err = serr
	}
	return toStatus(err)
}

// Batching of streamed results: a batch is sent when it holds this many
// records or about this many bytes, whichever comes first.
const (
	searchBatch = 500
	batchBytes  = 1 << 20
)

func (s *directoryServer) Read(ctx context.Context, req *pb.ReadRequest) (*pb.Entry, error) {
	e, err := s.impl.Read(ctx, connectors.ID(req.GetId()), req.GetAttributes())
	if err != nil {
		return nil, toStatus(err)
	}
	return toEntry(e), nil
}

func (s *directoryServer) ReadDN(ctx context.Context, req *pb.ReadRequest) (*pb.Entry, error) {
	e, err := s.impl.ReadDN(ctx, req.GetDn(), req.GetAttributes())
	if err != nil {
		return nil, toStatus(err)
	}
	return toEntry(e), nil
}

func (s *directoryServer) Create(ctx context.Context, req *pb.CreateRequest) (*pb.CreateResponse, error) {
	c, ok := s.impl.(connectors.Creator)
	if !ok {
		return nil, unsupported("create")
	}
	id, err := c.Create(ctx, connectors.CreateRequest{
		DN:         req.GetDn(),
		Attributes: fromAttributes(req.GetAttributes()),
		Password:   connectors.Secret(req.GetPassword()),
		Enabled:    req.GetEnabled(),
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.CreateResponse{Id: string(id)}, nil
}

func (s *directoryServer) Modify(ctx context.Context, req *pb.ModifyRequest) (*pb.Empty, error) {
	m, ok := s.impl.(connectors.Modifier)
	if !ok {
		return nil, unsupported("modify")
	}
	mods, ok := fromMods(req.GetMods())
	if !ok {
		return nil, toStatus(connectors.Errorf(connectors.Invalid, "modify", "an unknown modification operation"))
	}
	return &pb.Empty{}, toStatus(m.Modify(ctx, connectors.ID(req.GetId()), mods))
}

func (s *directoryServer) Move(ctx context.Context, req *pb.MoveRequest) (*pb.MoveResponse, error) {
	m, ok := s.impl.(connectors.Mover)
	if !ok {
		return nil, unsupported("move")
	}
	dn, err := m.Move(ctx, connectors.ID(req.GetId()), connectors.MoveRequest{NewParent: req.GetNewParent(), NewName: req.GetNewName()})
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.MoveResponse{Dn: dn}, nil
}

func (s *directoryServer) Delete(ctx context.Context, req *pb.IDRequest) (*pb.Empty, error) {
	d, ok := s.impl.(connectors.Deleter)
	if !ok {
		return nil, unsupported("delete")
	}
	return &pb.Empty{}, toStatus(d.Delete(ctx, connectors.ID(req.GetId())))
}

func (s *directoryServer) SetEnabled(ctx context.Context, req *pb.SetEnabledRequest) (*pb.Empty, error) {
	e, ok := s.impl.(connectors.Enabler)
	if !ok {
		return nil, unsupported("set enabled")
	}
	return &pb.Empty{}, toStatus(e.SetEnabled(ctx, connectors.ID(req.GetId()), req.GetEnabled()))
}

func (s *directoryServer) SetPassword(ctx context.Context, req *pb.SetPasswordRequest) (*pb.Empty, error) {
	p, ok := s.impl.(connectors.PasswordSetter)
	if !ok {
		return nil, unsupported("set password")
	}
	return &pb.Empty{}, toStatus(p.SetPassword(ctx, connectors.ID(req.GetId()), connectors.Secret(req.GetPassword())))
}

func (s *directoryServer) AddMember(ctx context.Context, req *pb.MemberRequest) (*pb.Empty, error) {
	g, ok := s.impl.(connectors.GroupManager)
	if !ok {
		return nil, unsupported("add member")
	}
	return &pb.Empty{}, toStatus(g.AddMember(ctx, connectors.ID(req.GetGroup()), connectors.ID(req.GetMember())))
}

func (s *directoryServer) RemoveMember(ctx context.Context, req *pb.MemberRequest) (*pb.Empty, error) {
	g, ok := s.impl.(connectors.GroupManager)
	if !ok {
		return nil, unsupported("remove member")
	}
	return &pb.Empty{}, toStatus(g.RemoveMember(ctx, connectors.ID(req.GetGroup()), connectors.ID(req.GetMember())))
}

func (s *directoryServer) Changes(ctx context.Context, req *pb.ChangesRequest) (*pb.ChangePage, error) {
	c, ok := s.impl.(connectors.ChangeReader)
	if !ok {
		return nil, unsupported("changes")
	}
	p, err := c.Changes(ctx, connectors.ChangesRequest{Token: connectors.Token(req.GetToken()), BaseDN: req.GetBaseDn()})
	if err != nil {
		return nil, toStatus(err)
	}
	return toChangePage(p), nil
}

func (s *directoryServer) LatestToken(ctx context.Context, _ *pb.Empty) (*pb.Token, error) {
	c, ok := s.impl.(connectors.ChangeReader)
	if !ok {
		return nil, unsupported("latest token")
	}
	t, err := c.LatestToken(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.Token{Token: string(t)}, nil
}
