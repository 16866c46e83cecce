package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
	"github.com/orgsync/orgsync/internal/adtest"
)

// The test binary is its own plugin: run with ORGSYNC_TEST_PLUGIN set, it
// serves the connector that variable names instead of running tests, so
// that every test crosses a real process boundary without a build step.
const (
	modeEnv       = "ORGSYNC_TEST_PLUGIN"
	pidFileEnv    = "ORGSYNC_TEST_PIDFILE"     // the plugin writes its pid here
	markEnv       = "ORGSYNC_TEST_MARK"        // a file the plugin writes to report what it saw
	adEnv         = "ORGSYNC_TEST_AD"          // the AD connector's configuration, JSON
	payrollDirEnv = "ORGSYNC_TEST_PAYROLL_DIR" // the file payroll connector's folder
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(modeEnv); mode != "" {
		if f := os.Getenv(pidFileEnv); f != "" {
			os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o600)
		}
		servePlugin(mode)
		os.Exit(0)
	}
	os.Exit(adtest.Main(m))
}

// testBase is the in-memory twin's base DN in the test plugins.
const testBase = "DC=plugin,DC=test"

// testModes are test plugin modes added by other test files: this
// package's, and the external test package's through export_test.go
// (which may import what this package's tests must not, such as
// boarding, which would make an import cycle the day boarding loads
// plugins).
var testModes = map[string]func(){}

func servePlugin(mode string) {
	if serve, ok := testModes[mode]; ok {
		serve()
		return
	}
	twin := func() *inmem.Directory { return inmem.MustNew(inmem.Options{BaseDN: testBase, ChangePageSize: 7}) }
	switch mode {
	case "directory":
		Serve(twin())
	case "core-only":
		// Only the core methods: embedding the interface hides the rest.
		Serve(struct{ connectors.Directory }{twin()})
	case "kinds":
		Serve(kindsDirectory{twin()})
	case "slow":
		Serve(slowDirectory{twin()})
	case "crash":
		Serve(crashDirectory{twin()})
	case "log":
		l := Logger()
		l.Info("plugin starting", "cpr", "0101901234", "n", 7)
		l.Warn("a warning from the plugin for 010190-1234")
		Serve(twin())
	case "bad-log":
		fmt.Fprintln(stderr, `{"@message": 5, "@level": {"x": 1}, "@timestamp": []}`)
		Serve(twin())
	case "stdout":
		fmt.Println("hello from a plugin that prints")
		Serve(twin())
	case "hang":
		time.Sleep(time.Hour)
	case "exit":
		fmt.Fprintln(stderr, "cannot read my configuration file /etc/x.conf")
		os.Exit(3)
	case "wrong-version":
		cfg := serveConfig(servedPlugins(twin()), nil)
		cfg.VersionedPlugins = map[int]goplugin.PluginSet{ProtocolVersion + 98: cfg.VersionedPlugins[ProtocolVersion]}
		goplugin.Serve(cfg)
	case "wrong-cookie":
		cfg := serveConfig(servedPlugins(twin()), nil)
		cfg.MagicCookieValue = "another application's cookie"
		goplugin.Serve(cfg)
	case "malformed":
		set := goplugin.PluginSet{directoryName: &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterDirectoryServer(s, malformedServer{}) }}}
		goplugin.Serve(serveConfig(set, nil))
	case "payroll-malformed":
		set := goplugin.PluginSet{payrollName: &grpcPlugin{register: func(s *grpc.Server) { pb.RegisterPayrollServer(s, malformedPayroll{}) }}}
		goplugin.Serve(serveConfig(set, nil))
	case "payrollfile":
		c, err := payrollfile.Open(os.Getenv(payrollDirEnv), payrollfile.Options{Logger: Logger()})
		if err != nil {
			Logger().Error("open", "error", err)
			os.Exit(2)
		}
		Serve(c)
	case "ad":
		var cfg ad.Config
		if err := json.Unmarshal([]byte(os.Getenv(adEnv)), &cfg); err != nil {
			Logger().Error("bad configuration", "error", err)
			os.Exit(2)
		}
		cfg.BindPassword = connectors.Secret(os.Getenv("ORGSYNC_TEST_AD_PASSWORD"))
		d, err := ad.Open(context.Background(), cfg)
		if err != nil {
			Logger().Error("open", "error", err)
			os.Exit(2)
		}
		Serve(d)
	default:
		fmt.Fprintf(stderr, "unknown test plugin mode %q\n", mode)
		os.Exit(2)
	}
}

// kindsDirectory fails Read with the kind its id names ("kind:3"), and
// with an error that is not a *connectors.Error for "plain".
type kindsDirectory struct{ *inmem.Directory }

func (d kindsDirectory) Read(ctx context.Context, id connectors.ID, attrs []string) (*connectors.Entry, error) {
	var k int
	if _, err := fmt.Sscanf(string(id), "kind:%d", &k); err == nil {
		return nil, &connectors.Error{Kind: connectors.Kind(k), Op: "read", Object: "CN=x", Code: "LDAP 68", Err: fmt.Errorf("the server said no to 010190-1234")}
	}
	switch id {
	case "plain":
		return nil, fmt.Errorf("a bare error")
	case "deadline":
		return nil, &connectors.Error{Kind: connectors.Transient, Op: "read", Err: fmt.Errorf("waiting for the server: %w", context.DeadlineExceeded)}
	case "canceled":
		return nil, &connectors.Error{Kind: connectors.Transient, Op: "read", Err: context.Canceled}
	}
	return d.Directory.Read(ctx, id, attrs)
}

// slowDirectory's Read waits for its context to end and writes what ended
// it to the mark file; its ReadDN ignores its context and hangs.
type slowDirectory struct{ *inmem.Directory }

func (d slowDirectory) Read(ctx context.Context, _ connectors.ID, _ []string) (*connectors.Entry, error) {
	<-ctx.Done()
	dl, hasDeadline := ctx.Deadline()
	os.WriteFile(os.Getenv(markEnv), []byte(fmt.Sprintf("%v deadline=%v %s", ctx.Err(), hasDeadline, dl.Format(time.RFC3339Nano))), 0o600)
	return nil, connectors.ContextError(ctx, "read", "")
}

func (d slowDirectory) ReadDN(context.Context, string, []string) (*connectors.Entry, error) {
	time.Sleep(time.Hour)
	return nil, nil
}

// crashDirectory exits in the middle of a search, after the first batch
// has gone out, and on reading the id "die".
type crashDirectory struct{ *inmem.Directory }

func (d crashDirectory) Search(ctx context.Context, req connectors.SearchRequest, fn func(*connectors.Entry) error) error {
	for i := range searchBatch + 10 {
		if i == searchBatch+5 {
			time.Sleep(time.Second) // let the first batch reach the host
			os.Exit(4)
		}
		e := &connectors.Entry{ID: connectors.ID(fmt.Sprintf("id-%d", i)), DN: fmt.Sprintf("CN=e%d,%s", i, testBase)}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (d crashDirectory) Read(ctx context.Context, id connectors.ID, attrs []string) (*connectors.Entry, error) {
	if id == "die" {
		os.Exit(5)
	}
	return d.Directory.Read(ctx, id, attrs)
}

// malformedServer answers with data that breaks the contract.
type malformedServer struct {
	pb.UnimplementedDirectoryServer
}

func (malformedServer) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return &pb.Info{Contract: directoryName, Capabilities: []string{"Creator", "ChangeReader", "Teleporter"}}, nil
}

func (malformedServer) Read(context.Context, *pb.ReadRequest) (*pb.Entry, error) {
	return &pb.Entry{Dn: "CN=no id"}, nil
}

func (malformedServer) Search(_ *pb.SearchRequest, s pb.Directory_SearchServer) error {
	good := newEntryBatch()
	good.add(&connectors.Entry{ID: "1", DN: "CN=a"})
	if err := s.Send(good.msg); err != nil {
		return err
	}
	bad := newEntryBatch()
	bad.add(&connectors.Entry{ID: "2", DN: "CN=b", Attributes: []connectors.Attribute{{Name: "", Values: []string{"x"}}}})
	return s.Send(bad.msg)
}

func (malformedServer) Create(context.Context, *pb.CreateRequest) (*pb.CreateResponse, error) {
	return &pb.CreateResponse{}, nil
}

func (malformedServer) Changes(context.Context, *pb.ChangesRequest) (*pb.ChangePage, error) {
	return &pb.ChangePage{More: true}, nil
}

// malformedPayroll sends records whose days end before they start, and a
// stream cut short.
type malformedPayroll struct{ pb.UnimplementedPayrollServer }

func (malformedPayroll) Describe(context.Context, *pb.Empty) (*pb.Info, error) {
	return &pb.Info{Contract: payrollName, Capabilities: []string{"PayrollChangeReader"}}, nil
}

func (malformedPayroll) Snapshot(_ *pb.Empty, s pb.Payroll_SnapshotServer) error {
	return s.Send(&pb.PayrollChunk{Units: unitColumns(100, 50), Last: true})
}

func (malformedPayroll) Changes(_ *pb.Token, s pb.Payroll_ChangesServer) error {
	return s.Send(&pb.PayrollChunk{Units: unitColumns(1, 50)})
}

// unitColumns is a chunk's column of one unit, "U1", valid [from, to).
func unitColumns(from, to int32) *pb.PayrollUnits {
	col := func(s string) *pb.Strings { return &pb.Strings{Data: []byte(s), Len: []uint32{uint32(len(s))}} }
	return &pb.PayrollUnits{Key: col("U1"), Parent: col(""), Name: col("x"), Level: col(""), Type: col(""),
		ValidFrom: []int32{from}, ValidTo: []int32{to}}
}
