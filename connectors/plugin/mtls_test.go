package plugin

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// The channel to a plugin is mutual TLS with one-time certificates: a
// client without the host's certificate, with or without TLS, gets
// nothing from the plugin, while the host does.
func TestOnlyTheHostCanTalkToThePlugin(t *testing.T) {
	tp := newTestPlugin(t, "directory")
	p, err := newProc(tp.path, directoryName, tp.opts)
	require.NoError(t, err)
	defer p.close()
	ctx := ctxFor(t, time.Minute)
	cc, err := p.get(ctx)
	require.NoError(t, err)
	_, err = pb.NewDirectoryClient(cc).Describe(ctx, &pb.Empty{})
	require.NoError(t, err, "the host itself is let in")

	addr := p.client.ReattachConfig().Addr
	dial := func(creds credentials.TransportCredentials) error {
		conn, err := grpc.NewClient("passthrough:///plugin",
			grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, addr.Network(), addr.String())
			}),
			grpc.WithTransportCredentials(creds))
		require.NoError(t, err)
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, err = pb.NewDirectoryClient(conn).Describe(ctx, &pb.Empty{})
		return err
	}
	assert.Error(t, dial(insecure.NewCredentials()), "plain text must be refused")
	assert.Error(t, dial(credentials.NewTLS(&tls.Config{InsecureSkipVerify: true})), "TLS without the host's client certificate must be refused")
}
