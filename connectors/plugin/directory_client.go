package plugin

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// directoryClient is a connectors.Directory in the host that calls a
// plugin. It has the core methods; the optional capabilities are the
// dir* types below, put together by withCapabilities (generated) so that
// the value a host gets implements exactly the capabilities the plugin
// has, and type assertions on it work as on a compiled-in connector.
type directoryClient struct {
	p *proc
}

// stub returns the gRPC stub of a running plugin.
func (c *directoryClient) stub(ctx context.Context) (pb.DirectoryClient, error) {
	cc, err := c.p.get(ctx)
	if err != nil {
		return nil, err
	}
	return pb.NewDirectoryClient(cc), nil
}

// Ping checks that the plugin process serves (its health service) and
// then the connector's own Ping.
func (c *directoryClient) Ping(ctx context.Context) error {
	return c.p.ping(ctx, func(cc *grpc.ClientConn) error {
		_, err := pb.NewDirectoryClient(cc).Ping(ctx, &pb.Empty{})
		return err
	})
}

// Search streams the entries from the plugin and calls fn for each, in
// order. fn may call the connector while the search goes on: each call is
// a request of its own on the same connection.
func (c *directoryClient) Search(ctx context.Context, req connectors.SearchRequest, fn func(*connectors.Entry) error) error {
	const op = "search"
	s, err := c.stub(ctx)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := s.Search(sctx, &pb.SearchRequest{
		BaseDn:     req.BaseDN,
		Scope:      uint32(req.Scope),
		Filter:     toFilter(req.Filter),
		Attributes: req.Attributes,
		PageSize:   int32(min(req.PageSize, 1<<30)),
	})
	if err != nil {
		return c.p.fail(ctx, op, err)
	}
	for {
		batch, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return c.p.fail(ctx, op, err)
		}
		entries, err := decodeEntries(op, batch)
		if err != nil {
			return err
		}
		for i := range entries {
			if err := fn(&entries[i]); err != nil {
				if errors.Is(err, connectors.ErrStop) {
					return nil
				}
				return err
			}
		}
	}
}

func (c *directoryClient) Read(ctx context.Context, id connectors.ID, attrs []string) (*connectors.Entry, error) {
	s, err := c.stub(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Read(ctx, &pb.ReadRequest{Id: string(id), Attributes: attrs})
	if err != nil {
		return nil, c.p.fail(ctx, "read", err)
	}
	return fromEntry("read", e)
}

func (c *directoryClient) ReadDN(ctx context.Context, dn string, attrs []string) (*connectors.Entry, error) {
	s, err := c.stub(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.ReadDN(ctx, &pb.ReadRequest{Dn: dn, Attributes: attrs})
	if err != nil {
		return nil, c.p.fail(ctx, "read", err)
	}
	return fromEntry("read", e)
}

// Close ends the plugin process.
func (c *directoryClient) Close() error { return c.p.close() }

// call runs a unary call on a running plugin's stub and converts its error.
func call[R any](ctx context.Context, c *directoryClient, op string, fn func(pb.DirectoryClient) (R, error)) (R, error) {
	var zero R
	s, err := c.stub(ctx)
	if err != nil {
		return zero, err
	}
	r, err := fn(s)
	if err != nil {
		return zero, c.p.fail(ctx, op, err)
	}
	return r, nil
}

type dirCreator struct{ c *directoryClient }

func (x dirCreator) Create(ctx context.Context, req connectors.CreateRequest) (connectors.ID, error) {
	r, err := call(ctx, x.c, "create", func(s pb.DirectoryClient) (*pb.CreateResponse, error) {
		return s.Create(ctx, &pb.CreateRequest{Dn: req.DN, Attributes: toAttributes(req.Attributes), Password: []byte(req.Password), Enabled: req.Enabled})
	})
	if err != nil {
		return "", err
	}
	if r.GetId() == "" {
		return "", malformed("create", "the plugin created %s without returning its id", req.DN)
	}
	return connectors.ID(r.GetId()), nil
}

type dirModifier struct{ c *directoryClient }

func (x dirModifier) Modify(ctx context.Context, id connectors.ID, mods []connectors.Modification) error {
	_, err := call(ctx, x.c, "modify", func(s pb.DirectoryClient) (*pb.Empty, error) {
		return s.Modify(ctx, &pb.ModifyRequest{Id: string(id), Mods: toMods(mods)})
	})
	return err
}

type dirMover struct{ c *directoryClient }

func (x dirMover) Move(ctx context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	r, err := call(ctx, x.c, "move", func(s pb.DirectoryClient) (*pb.MoveResponse, error) {
		return s.Move(ctx, &pb.MoveRequest{Id: string(id), NewParent: req.NewParent, NewName: req.NewName})
	})
	if err != nil {
		return "", err
	}
	if r.GetDn() == "" {
		return "", malformed("move", "the plugin moved %s without returning its new DN", id)
	}
	return r.GetDn(), nil
}

type dirDeleter struct{ c *directoryClient }

func (x dirDeleter) Delete(ctx context.Context, id connectors.ID) error {
	_, err := call(ctx, x.c, "delete", func(s pb.DirectoryClient) (*pb.Empty, error) {
		return s.Delete(ctx, &pb.IDRequest{Id: string(id)})
	})
	return err
}

type dirEnabler struct{ c *directoryClient }

func (x dirEnabler) SetEnabled(ctx context.Context, id connectors.ID, enabled bool) error {
	_, err := call(ctx, x.c, "set enabled", func(s pb.DirectoryClient) (*pb.Empty, error) {
		return s.SetEnabled(ctx, &pb.SetEnabledRequest{Id: string(id), Enabled: enabled})
	})
	return err
}

type dirPasswordSetter struct{ c *directoryClient }

func (x dirPasswordSetter) SetPassword(ctx context.Context, id connectors.ID, password connectors.Secret) error {
	_, err := call(ctx, x.c, "set password", func(s pb.DirectoryClient) (*pb.Empty, error) {
		return s.SetPassword(ctx, &pb.SetPasswordRequest{Id: string(id), Password: []byte(password)})
	})
	return err
}

type dirGroupManager struct{ c *directoryClient }

func (x dirGroupManager) AddMember(ctx context.Context, group, member connectors.ID) error {
	_, err := call(ctx, x.c, "add member", func(s pb.DirectoryClient) (*pb.Empty, error) {
		return s.AddMember(ctx, &pb.MemberRequest{Group: string(group), Member: string(member)})
	})
	return err
}

func (x dirGroupManager) RemoveMember(ctx context.Context, group, member connectors.ID) error {
	_, err := call(ctx, x.c, "remove member", func(s pb.DirectoryClient) (*pb.Empty, error) {
		return s.RemoveMember(ctx, &pb.MemberRequest{Group: string(group), Member: string(member)})
	})
	return err
}

type dirChangeReader struct{ c *directoryClient }

func (x dirChangeReader) Changes(ctx context.Context, req connectors.ChangesRequest) (*connectors.ChangePage, error) {
	r, err := call(ctx, x.c, "changes", func(s pb.DirectoryClient) (*pb.ChangePage, error) {
		return s.Changes(ctx, &pb.ChangesRequest{Token: string(req.Token), BaseDn: req.BaseDN})
	})
	if err != nil {
		return nil, err
	}
	return fromChangePage("changes", r)
}

func (x dirChangeReader) LatestToken(ctx context.Context) (connectors.Token, error) {
	r, err := call(ctx, x.c, "latest token", func(s pb.DirectoryClient) (*pb.Token, error) {
		return s.LatestToken(ctx, &pb.Empty{})
	})
	if err != nil {
		return "", err
	}
	return connectors.Token(r.GetToken()), nil
}
