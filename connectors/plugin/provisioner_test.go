package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

func init() {
	testModes["provisioner"] = func() { Serve(&taskProvisioner{}) }
	testModes["directory+provisioner"] = func() {
		Serve(struct {
			*inmem.Directory
			*taskProvisioner
		}{inmem.MustNew(inmem.Options{BaseDN: testBase}), &taskProvisioner{}})
	}
	testModes["provisioner-malformed"] = func() {
		set := goplugin.PluginSet{provisionerName: &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterProvisionerServer(s, malformedProvisioner{}) }}}
		goplugin.Serve(serveConfig(set, nil))
	}
}

// taskProvisioner holds grants in memory, and does what a grant's Task
// says: "kind:N" fails with kind N, "slow" waits for its context to end
// and writes what ended it to the mark file, "hang" ignores its context,
// "die" exits the plugin, "no-state" returns neither a state nor an
// error.
type taskProvisioner struct {
	mu   sync.Mutex
	held map[string]bool
}

func (p *taskProvisioner) Grant(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return p.do(ctx, "grant", g, true)
}

func (p *taskProvisioner) Revoke(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return p.do(ctx, "revoke", g, false)
}

func (p *taskProvisioner) Status(ctx context.Context, g connectors.Grant) (connectors.GrantState, error) {
	return p.do(ctx, "status", g, false)
}

func (p *taskProvisioner) do(ctx context.Context, op string, g connectors.Grant, grant bool) (connectors.GrantState, error) {
	var k int
	if _, err := fmt.Sscanf(g.Task, "kind:%d", &k); err == nil {
		return 0, &connectors.Error{Kind: connectors.Kind(k), Op: op, Object: g.Target, Code: "E42", Err: fmt.Errorf("the system refused %s for 010190-1234", g.Username)}
	}
	switch g.Task {
	case "slow":
		<-ctx.Done()
		dl, hasDeadline := ctx.Deadline()
		os.WriteFile(os.Getenv(markEnv), fmt.Appendf(nil, "%v deadline=%v %s", ctx.Err(), hasDeadline, dl.Format(time.RFC3339Nano)), 0o600)
		return 0, connectors.ContextError(ctx, op, g.Target)
	case "hang":
		time.Sleep(time.Hour)
	case "die":
		os.Exit(5)
	case "no-state":
		return 0, nil
	}
	if err := ctx.Err(); err != nil {
		return 0, connectors.ContextError(ctx, op, g.Target)
	}
	// The request as the plugin saw it, for the test to compare.
	os.WriteFile(os.Getenv(markEnv), fmt.Appendf(nil, "%s|%s|%s|%s|%s", g.Task, g.Resource, g.Target, g.Account, g.Username), 0o600)
	p.mu.Lock()
	defer p.mu.Unlock()
	key := string(g.Account) + "\x00" + g.Target
	if op != "status" {
		if p.held == nil {
			p.held = map[string]bool{}
		}
		p.held[key] = grant
	}
	if p.held[key] {
		return connectors.GrantHeld, nil
	}
	return connectors.GrantNotHeld, nil
}

// malformedProvisioner answers with a state the contract does not have.
type malformedProvisioner struct {
	pb.UnimplementedProvisionerServer
}

func (malformedProvisioner) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return &pb.Info{Contract: provisionerName}, nil
}

func (malformedProvisioner) Grant(context.Context, *pb.GrantRequest) (*pb.GrantResponse, error) {
	return &pb.GrantResponse{State: 9}, nil
}

func (malformedProvisioner) Status(context.Context, *pb.GrantRequest) (*pb.GrantResponse, error) {
	return &pb.GrantResponse{State: 1 << 8}, nil
}

func openProv(t *testing.T, tp *testPlugin) Provisioner {
	t.Helper()
	p, err := OpenProvisioner(ctxFor(t, time.Minute), tp.path, tp.opts)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

// Every field of a grant reaches the plugin's provisioner, and the state
// comes back.
func TestProvisionerThroughPlugin(t *testing.T) {
	tp := newTestPlugin(t, "provisioner")
	p := openProv(t, tp)
	ctx := ctxFor(t, time.Minute)
	require.NoError(t, p.Ping(ctx), "a provisioner without a Ping of its own is healthy while its process serves")

	g := connectors.Grant{Task: "T-1", Resource: "sundhed/læge", Target: `CN=Læger\, Øst,OU=Grupper,DC=plugin,DC=test`,
		Account: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", Username: "åse"}
	st, err := p.Status(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantNotHeld, st)
	st, err = p.Grant(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantHeld, st)
	b, err := os.ReadFile(tp.mark)
	require.NoError(t, err)
	assert.Equal(t, strings.Join([]string{g.Task, g.Resource, g.Target, string(g.Account), g.Username}, "|"), string(b))
	st, err = p.Status(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantHeld, st)
	st, err = p.Revoke(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantNotHeld, st)

	_, err = p.Grant(ctx, connectors.Grant{Task: "no-state"})
	assert.Equal(t, connectors.Other, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "neither a grant state nor an error")
}

// Every kind of error crosses the boundary as itself, with its operation,
// object and code, for each of the three calls.
func TestProvisionerErrorKindsCrossTheBoundary(t *testing.T) {
	p := openProv(t, newTestPlugin(t, "provisioner"))
	ctx := ctxFor(t, time.Minute)
	calls := map[string]func(context.Context, connectors.Grant) (connectors.GrantState, error){"grant": p.Grant, "revoke": p.Revoke, "status": p.Status}
	for k := connectors.Other; k <= connectors.Invalid; k++ {
		for op, call := range calls {
			t.Run(k.String()+"/"+op, func(t *testing.T) {
				_, err := call(ctx, connectors.Grant{Task: "kind:" + strconv.Itoa(int(k)), Target: "CN=g", Username: "u"})
				require.Error(t, err)
				assert.True(t, errors.Is(err, k), "errors.Is(%v, %v)", err, k)
				var ce *connectors.Error
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, op, ce.Op)
				assert.Equal(t, "CN=g", ce.Object)
				assert.Equal(t, "E42", ce.Code)
				assert.NotContains(t, err.Error(), "1234", "national ids stay masked")
			})
		}
	}
}

// The caller's deadline and cancellation reach the plugin's provisioner;
// one that ignores its context still lets the caller go at its deadline.
func TestProvisionerDeadlinesCrossTheBoundary(t *testing.T) {
	tp := newTestPlugin(t, "provisioner")
	p := openProv(t, tp)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	_, err := p.Grant(ctx, connectors.Grant{Task: "slow"})
	assert.True(t, errors.Is(err, connectors.Transient), "%v", err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	tp.requireSawDeadline(t, deadline)

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = p.Revoke(ctx, connectors.Grant{Task: "slow"})
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	tp.requireSawCancel(t)

	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = p.Status(ctx, connectors.Grant{Task: "hang"})
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "a hung provisioner must not hold the caller: %v", err)
	require.NoError(t, p.Ping(ctxFor(t, 10*time.Second)), "the plugin serves on after a hung call")
}

// A plugin that crashes during a call gives a Transient error wrapping
// ErrCrashed, and the next call starts it again.
func TestProvisionerCrashIsTransientAndRestarts(t *testing.T) {
	tp := newTestPlugin(t, "provisioner")
	p := openProv(t, tp)
	ctx := ctxFor(t, time.Minute)
	_, err := p.Status(ctx, connectors.Grant{Task: "T-1"})
	require.NoError(t, err)
	first := tp.pid()

	_, err = p.Grant(ctx, connectors.Grant{Task: "die"})
	assert.True(t, errors.Is(err, connectors.Transient), "%v", err)
	assert.True(t, errors.Is(err, ErrCrashed), "%v", err)
	requireGone(t, first)

	var st connectors.GrantState
	require.NoError(t, retry(t, func() (err error) { st, err = p.Grant(ctx, connectors.Grant{Task: "T-2", Target: "CN=g"}); return err }))
	assert.Equal(t, connectors.GrantHeld, st)
	assert.NotEqual(t, first, tp.pid(), "a new plugin process answered")
	_, found := tp.logs.find("restarting the plugin")
	assert.True(t, found, "the restart is logged")

	require.NoError(t, p.Close())
	requireGone(t, tp.pid())
	_, err = p.Status(ctx, connectors.Grant{Task: "T-3"})
	assert.Error(t, err, "calls after Close fail")
	assert.NoError(t, p.Close(), "a second Close is harmless")
}

// One binary may serve a Provisioner beside a Directory; each Open starts
// the process for its own contract, and a contract the plugin does not
// serve is a Configuration error.
func TestProvisionerAlongsideOtherContracts(t *testing.T) {
	tp := newTestPlugin(t, "directory+provisioner")
	ctx := ctxFor(t, time.Minute)
	p := openProv(t, tp)
	require.NoError(t, p.Ping(ctx), "the connector's own Ping (the directory's)")
	st, err := p.Grant(ctx, connectors.Grant{Task: "T-1", Target: "CN=g"})
	require.NoError(t, err)
	assert.Equal(t, connectors.GrantHeld, st)
	d := openDir(t, tp)
	_, err = d.ReadDN(ctx, testBase, nil)
	require.NoError(t, err)
	_, err = OpenPayroll(ctx, tp.path, tp.opts)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)

	for _, mode := range []string{"directory", "core-only"} {
		tp := newTestPlugin(t, mode)
		_, err := OpenProvisioner(ctx, tp.path, tp.opts)
		assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
		assert.Contains(t, err.Error(), "does not serve a provisioner connector")
		requireGone(t, tp.pid())
	}
	tp = newTestPlugin(t, "provisioner")
	_, err = OpenDirectory(ctx, tp.path, tp.opts)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "does not serve a directory connector")
}

// A state the contract does not have is malformed data, not a state.
func TestMalformedProvisionerFromThePlugin(t *testing.T) {
	p := openProv(t, newTestPlugin(t, "provisioner-malformed"))
	ctx := ctxFor(t, time.Minute)
	_, err := p.Grant(ctx, connectors.Grant{Task: "T-1"})
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	_, err = p.Status(ctx, connectors.Grant{Task: "T-1"})
	assert.True(t, errors.Is(err, ErrMalformed), "a state that would wrap around to 0 is refused too: %v", err)
	_, err = p.Revoke(ctx, connectors.Grant{Task: "T-1"})
	assert.Equal(t, connectors.Unsupported, connectors.KindOf(err), "a method the plugin lacks: %v", err)
}
