package plugin

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/inmem"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

func openDir(t *testing.T, tp *testPlugin) connectors.Directory {
	t.Helper()
	d, err := OpenDirectory(ctxFor(t, time.Minute), tp.path, tp.opts)
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// The in-memory twin, served by a plugin process, passes the Directory
// conformance suite through the boundary: kinds, paging, hostile names,
// change tokens, deletions and cancellation all survive it.
func TestDirectoryConformanceThroughPlugin(t *testing.T) {
	d := openDir(t, newTestPlugin(t, "directory"))
	connectortest.TestDirectory(t, func(t *testing.T) connectortest.Fixture {
		ctx := context.Background()
		dn, err := connectors.JoinDN("OU", t.Name(), testBase)
		require.NoError(t, err)
		id, err := d.(connectors.Creator).Create(ctx, connectors.CreateRequest{
			DN:         dn,
			Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}},
		})
		require.NoError(t, err)
		t.Cleanup(func() { removeTree(t, d, id) })
		return connectortest.Fixture{Dir: d, Base: dn, Domain: "example.test"}
	})
}

// removeTree deletes an object and everything below it, leaves first.
func removeTree(t *testing.T, d connectors.Directory, id connectors.ID) {
	ctx := context.Background()
	e, err := d.Read(ctx, id, nil)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	var children []connectors.ID
	require.NoError(t, d.Search(ctx, connectors.SearchRequest{BaseDN: e.DN, Scope: connectors.ScopeOneLevel}, func(c *connectors.Entry) error {
		children = append(children, c.ID)
		return nil
	}))
	for _, c := range children {
		removeTree(t, d, c)
	}
	if err := d.(connectors.Deleter).Delete(ctx, id); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}

// The host's value has exactly the plugin's capabilities.
func TestCapabilitiesMatchThePlugin(t *testing.T) {
	full := openDir(t, newTestPlugin(t, "directory"))
	assert.Equal(t, connectors.Capabilities(inmem.MustNew(inmem.Options{})), connectors.Capabilities(full))

	core := openDir(t, newTestPlugin(t, "core-only"))
	assert.Empty(t, connectors.Capabilities(core))
	_, ok := core.(connectors.Creator)
	assert.False(t, ok, "a core-only plugin must not look like a Creator")
	require.NoError(t, core.Ping(ctxFor(t, 10*time.Second)))
}

// Every kind of error crosses the boundary as itself, with its operation,
// object and server code; national ids stay masked.
func TestErrorKindsCrossTheBoundary(t *testing.T) {
	d := openDir(t, newTestPlugin(t, "kinds"))
	ctx := ctxFor(t, time.Minute)
	for k := connectors.Other; k <= connectors.Invalid; k++ {
		t.Run(k.String(), func(t *testing.T) {
			_, err := d.Read(ctx, connectors.ID("kind:"+strconv.Itoa(int(k))), nil)
			require.Error(t, err)
			assert.True(t, errors.Is(err, k), "errors.Is(%v, %v)", err, k)
			assert.Equal(t, k, connectors.KindOf(err))
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "read", ce.Op)
			assert.Equal(t, "CN=x", ce.Object)
			assert.Equal(t, "LDAP 68", ce.Code)
			assert.Contains(t, err.Error(), "010190-xxxx")
			assert.NotContains(t, err.Error(), "1234")
		})
	}
	_, err := d.Read(ctx, "kind:200", nil)
	assert.Equal(t, connectors.Other, connectors.KindOf(err), "a kind the host does not know is Other")
	_, err = d.Read(ctx, "plain", nil)
	assert.Equal(t, connectors.Other, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "a bare error")
	_, err = d.Read(ctx, missingID, nil)
	assert.True(t, errors.Is(err, connectors.NotFound), "%v", err)

	// A connector that saw its context end a moment before the caller
	// did: errors.Is still finds the context's error.
	_, err = d.Read(ctx, "deadline", nil)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Contains(t, err.Error(), "waiting for the server")
	_, err = d.Read(ctx, "canceled", nil)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.False(t, errors.Is(err, context.DeadlineExceeded))
}

// missingID is a well-formed id that no object has.
const missingID = connectors.ID("00000000-0000-4000-8000-000000000000")

// The caller's deadline and cancellation reach the plugin's connector,
// and a connector that ignores its context still returns to the caller
// when the caller's deadline passes.
func TestDeadlinesAndCancellationCrossTheBoundary(t *testing.T) {
	tp := newTestPlugin(t, "slow")
	d := openDir(t, tp)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	_, err := d.Read(ctx, "x", nil)
	assert.True(t, errors.Is(err, connectors.Transient), "%v", err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	tp.requireSawDeadline(t, deadline)

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = d.Read(ctx, "x", nil)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	tp.requireSawCancel(t)

	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = d.ReadDN(ctx, "CN=x", nil)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "a hung connector must not hold the caller: %v", err)
	require.NoError(t, d.Ping(ctxFor(t, 10*time.Second)), "the plugin serves on after a hung call")
}

// A plugin that crashes in the middle of a search gives the caller what
// arrived before and a Transient error; the next call starts it again.
func TestCrashMidStreamIsTransientAndRestarts(t *testing.T) {
	tp := newTestPlugin(t, "crash")
	d := openDir(t, tp)
	first := tp.pid()

	var got int
	err := d.Search(ctxFor(t, time.Minute), connectors.SearchRequest{}, func(*connectors.Entry) error { got++; return nil })
	assert.True(t, errors.Is(err, connectors.Transient), "%v", err)
	assert.True(t, errors.Is(err, ErrCrashed), "%v", err)
	assert.GreaterOrEqual(t, got, searchBatch, "the batch sent before the crash was delivered")
	assert.Less(t, got, searchBatch+10)
	requireGone(t, first)

	require.NoError(t, d.Ping(ctxFor(t, 30*time.Second)), "the next call restarts the plugin")
	assert.NotEqual(t, first, tp.pid())
	_, found := tp.logs.find("restarting the plugin")
	assert.True(t, found, "the restart is logged")

	// A crash on a unary call, likewise.
	second := tp.pid()
	_, err = d.Read(ctxFor(t, time.Minute), "die", nil)
	assert.True(t, errors.Is(err, ErrCrashed), "%v", err)
	_, err = d.Read(ctxFor(t, time.Minute), missingID, nil)
	assert.True(t, errors.Is(err, connectors.NotFound), "the restarted plugin answers: %v", err)
	requireGone(t, second)
}

// Data that breaks the contract is a typed error, not a panic or a
// silently wrong value.
func TestMalformedDataFromThePlugin(t *testing.T) {
	d := openDir(t, newTestPlugin(t, "malformed"))
	ctx := ctxFor(t, time.Minute)
	assert.ElementsMatch(t, []string{"Creator", "ChangeReader"}, connectors.Capabilities(d), "unknown capabilities are ignored")

	_, err := d.Read(ctx, "x", nil)
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	assert.Equal(t, connectors.Other, connectors.KindOf(err))

	var got []string
	err = d.Search(ctx, connectors.SearchRequest{}, func(e *connectors.Entry) error { got = append(got, string(e.ID)); return nil })
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	assert.Equal(t, []string{"1"}, got)

	_, err = d.(connectors.Creator).Create(ctx, connectors.CreateRequest{DN: "CN=a,DC=x"})
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	_, err = d.(connectors.ChangeReader).Changes(ctx, connectors.ChangesRequest{})
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
}

// A payroll plugin's malformed records and streams are typed errors too.
func TestMalformedPayrollFromThePlugin(t *testing.T) {
	tp := newTestPlugin(t, "payroll-malformed")
	p, err := OpenPayroll(ctxFor(t, time.Minute), tp.path, tp.opts)
	require.NoError(t, err)
	defer p.Close()
	ctx := ctxFor(t, time.Minute)

	_, err = p.Snapshot(ctx)
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	assert.Contains(t, err.Error(), `unit "U1"`)
	_, err = p.(connectors.PayrollChangeReader).Changes(ctx, "t")
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	assert.Contains(t, err.Error(), "without its last chunk")

	c := &payrollCollector{op: "test"}
	err = c.add(&pb.PayrollChunk{Units: &pb.PayrollUnits{Key: &pb.Strings{Data: []byte("ab"), Len: []uint32{1, 1}}, Name: &pb.Strings{Data: []byte("x"), Len: []uint32{1}}}})
	assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
	assert.Contains(t, err.Error(), "differ in length")
	c = &payrollCollector{op: "test"}
	err = c.add(&pb.PayrollChunk{Persons: &pb.PayrollPersons{Key: &pb.Strings{Data: []byte("ab"), Len: []uint32{1, 4}}}})
	assert.Contains(t, err.Error(), "shorter than its lengths say")
	c = &payrollCollector{op: "test"}
	err = c.add(&pb.PayrollChunk{Leaves: &pb.PayrollLeaves{Key: &pb.Strings{Data: []byte("abc"), Len: []uint32{1}}}})
	assert.Contains(t, err.Error(), "longer than its lengths say")
	c = &payrollCollector{op: "test"}
	err = c.add(&pb.PayrollChunk{Deleted: []*pb.PayrollRef{{Kind: 9, Key: "x"}}})
	assert.Contains(t, err.Error(), "unknown kind")
	c = &payrollCollector{op: "test"}
	require.NoError(t, c.add(&pb.PayrollChunk{Last: true}))
	assert.Contains(t, c.add(&pb.PayrollChunk{}).Error(), "after the last")
}

// Close ends the plugin process, and later calls fail.
func TestCloseEndsThePlugin(t *testing.T) {
	tp := newTestPlugin(t, "directory")
	d, err := OpenDirectory(ctxFor(t, time.Minute), tp.path, tp.opts)
	require.NoError(t, err)
	pid := tp.pid()
	require.NoError(t, d.Close())
	requireGone(t, pid)
	err = d.Ping(ctxFor(t, time.Second))
	assert.Error(t, err)
	assert.NoError(t, d.Close(), "a second Close is harmless")
}
