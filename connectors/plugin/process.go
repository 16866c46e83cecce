package plugin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"

	"github.com/orgsync/orgsync/connectors"
)

// ErrChecksum is wrapped by the Configuration error for a plugin binary
// whose SHA-256 is not the one in Options.Checksum.
var ErrChecksum = errors.New("the plugin binary's checksum does not match")

// proc is one plugin binary as the host runs it: the process, started on
// first use and again after it crashed, and the gRPC stub dispensed from
// it.
type proc struct {
	path string
	opts Options
	name string // the plugin-set entry to dispense
	log  *slog.Logger
	// reattach, for tests, connects to a plugin served in-process instead
	// of starting a binary.
	reattach *goplugin.ReattachConfig

	// gate is the lock of the fields below, a channel so that a caller
	// waiting while another starts the plugin gives up at its own
	// deadline.
	gate   chan struct{}
	client *goplugin.Client
	run    *cmdRunner
	conn   *grpc.ClientConn
	broken bool // a call failed at the transport: restart before the next
	closed bool
	starts int
}

func newProc(path, name string, opts Options) (*proc, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, connectors.Errorf(connectors.Configuration, "open plugin", "%v", err)
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = defaultStartTimeout
	}
	l := opts.Logger
	if l == nil {
		l = slog.Default()
	}
	return &proc{path: abs, opts: opts, name: name, log: l, gate: make(chan struct{}, 1)}, nil
}

// get returns the connection to a running plugin, starting the plugin if it is
// not running: the first time, after it crashed, or after a call lost it.
func (p *proc) get(ctx context.Context) (*grpc.ClientConn, error) {
	select {
	case p.gate <- struct{}{}:
		defer func() { <-p.gate }()
	case <-ctx.Done():
		return nil, connectors.ContextError(ctx, "start plugin", p.path)
	}
	if p.closed {
		return nil, connectors.Errorf(connectors.Invalid, "plugin", "the connector is closed")
	}
	if p.client != nil && (p.broken || p.client.Exited()) {
		p.log.Warn("restarting the plugin", "plugin", filepath.Base(p.path), "exited", p.client.Exited())
		p.client.Kill()
		p.client, p.conn, p.run = nil, nil, nil
	}
	p.broken = false
	if p.client == nil {
		if err := p.start(ctx); err != nil {
			return nil, err
		}
	}
	return p.conn, nil
}

// fail turns what a call across the boundary returned into the error the
// contract promises and, if the call lost the plugin, arranges for the
// next call to start a fresh process (after making sure the old one is
// gone).
func (p *proc) fail(ctx context.Context, op string, err error) error {
	err = fromStatus(ctx, op, err)
	if errors.Is(err, ErrCrashed) {
		p.gate <- struct{}{}
		p.broken = true
		<-p.gate
	}
	return err
}

// ping checks that the plugin process serves (go-plugin's health service)
// and then, with connectorPing, the connector's own Ping.
func (p *proc) ping(ctx context.Context, connectorPing func(*grpc.ClientConn) error) error {
	cc, err := p.get(ctx)
	if err != nil {
		return err
	}
	if err := health(ctx, cc); err != nil {
		return p.fail(ctx, "ping", err)
	}
	return p.fail(ctx, "ping", connectorPing(cc))
}

// start starts the plugin process, runs the handshake and dispenses the
// connection, within the caller's deadline and StartTimeout. On failure nothing
// is left running.
func (p *proc) start(ctx context.Context) error {
	const op = "start plugin"
	if err := ctx.Err(); err != nil {
		return connectors.ContextError(ctx, op, p.path)
	}
	if err := p.verify(); err != nil {
		return err
	}
	timeout := p.opts.StartTimeout
	byCaller := false
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout, byCaller = time.Until(dl), true
	}
	run := &cmdRunner{tail: &tailBuffer{}}
	name := filepath.Base(p.path)
	cfg := &goplugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: hostPlugins(),
		RunnerFunc: func(_ hclog.Logger, cmd *exec.Cmd, _ string) (runner.Runner, error) {
			cmd.Path = p.path
			cmd.Args = append([]string{p.path}, p.opts.Args...)
			cmd.Env = append(append([]string(nil), p.opts.Env...), cmd.Env...)
			cmd.Dir = p.opts.Dir
			cmd.Stdin = nil
			run.cmd = cmd
			return run, nil
		},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     timeout,
		Logger:           newHCLogger(p.log, ""),
		Stderr:           io.Discard,
		SyncStdout:       &lineWriter{fn: func(l string) { p.log.Warn("the plugin wrote to stdout", "plugin", name, "line", l) }},
		SyncStderr:       &lineWriter{fn: func(l string) { p.log.Info(l, "plugin", name) }},
		GRPCDialOptions: []grpc.DialOption{
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)),
			grpc.WithInitialWindowSize(window), grpc.WithInitialConnWindowSize(window),
		},
	}
	if p.reattach != nil {
		cfg.RunnerFunc, cfg.AutoMTLS, cfg.Reattach = nil, false, p.reattach
		cfg.Plugins = hostPlugins()[ProtocolVersion]
	}
	c := goplugin.NewClient(cfg)
	type result struct {
		conn *grpc.ClientConn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		cp, err := c.Client()
		if err != nil {
			done <- result{err: err}
			return
		}
		raw, err := cp.Dispense(p.name)
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{conn: raw.(*grpc.ClientConn)}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			c.Kill()
			if byCaller && ctx.Err() != nil {
				return connectors.ContextError(ctx, op, p.path)
			}
			return p.startError(r.err, run.tail)
		}
		p.client, p.conn, p.run = c, r.conn, run
		p.starts++
		return nil
	case <-ctx.Done():
		// go-plugin's start cannot be interrupted; StartTimeout is the
		// caller's deadline, so it ends (and kills the process) now too.
		go func() { <-done; c.Kill() }()
		return connectors.ContextError(ctx, op, p.path)
	}
}

// startError explains why a plugin did not start, as a typed error.
func (p *proc) startError(err error, tail *tailBuffer) error {
	const op = "start plugin"
	msg := err.Error()
	hint := ""
	if s := tail.String(); s != "" {
		hint = "; it wrote to stderr: " + clip(s, 600)
	}
	var e *exec.Error
	switch {
	case errors.As(err, &e), errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return &connectors.Error{Kind: connectors.Configuration, Op: op, Object: p.path, Err: err}
	case strings.Contains(msg, "plugin exited before we could connect"), strings.Contains(msg, "Failed to read any lines from plugin's stdout"):
		return connectors.Errorf(connectors.Configuration, op, "%s exited before its handshake%s", p.path, hint)
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		return connectors.Errorf(connectors.Configuration, op,
			"%s is not an orgsync plugin, or wrote to stdout before its handshake (a plugin must never write to stdout): %s%s", p.path, clip(msg, 300), hint)
	case strings.Contains(strings.ToLower(msg), "incompatible api version"), strings.Contains(msg, "incompatible core API version"):
		return connectors.Errorf(connectors.Configuration, op,
			"%s speaks another version of the plugin protocol than this host (%d); rebuild it against this version of orgsync: %s", p.path, ProtocolVersion, clip(msg, 300))
	case strings.Contains(msg, "unknown plugin type"):
		return connectors.Errorf(connectors.Configuration, op, "%s does not serve %s connector", p.path, article(p.name))
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return connectors.Errorf(connectors.Configuration, op, "%s did not complete its handshake within %s%s", p.path, p.opts.StartTimeout, hint)
	}
	return &connectors.Error{Kind: connectors.Configuration, Op: op, Object: p.path, Err: fmt.Errorf("%v%s", err, hint)}
}

// verify checks the binary's checksum, if the options give one.
func (p *proc) verify() error {
	if len(p.opts.Checksum) == 0 {
		return nil
	}
	f, err := os.Open(p.path)
	if err != nil {
		return &connectors.Error{Kind: connectors.Configuration, Op: "verify plugin", Object: p.path, Err: err}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return &connectors.Error{Kind: connectors.Configuration, Op: "verify plugin", Object: p.path, Err: err}
	}
	if sum := h.Sum(nil); !bytes.Equal(sum, p.opts.Checksum) {
		return &connectors.Error{Kind: connectors.Configuration, Op: "verify plugin", Object: p.path,
			Err: fmt.Errorf("%w: SHA-256 %s, expected %s", ErrChecksum, hex.EncodeToString(sum), hex.EncodeToString(p.opts.Checksum))}
	}
	return nil
}

// health checks the plugin's health service, which go-plugin registers
// beside the connector: it answers while the process serves.
func health(ctx context.Context, cc *grpc.ClientConn) error {
	_, err := grpc_health_v1.NewHealthClient(cc).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: goplugin.GRPCServiceName})
	return err
}

// close ends the plugin process: gracefully (the plugin closes its
// connector) and, if it does not end within two seconds, by force. A
// start under way cannot be interrupted (go-plugin holds its client's lock
// throughout); close waits for it, at most StartTimeout.
func (p *proc) close() error {
	p.gate <- struct{}{}
	defer func() { <-p.gate }()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.client != nil {
		p.client.Kill()
		p.client, p.conn, p.run = nil, nil, nil
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// article returns the contract's name with its indefinite article.
func article(name string) string {
	if name == identityName {
		return "an " + name
	}
	return "a " + name
}
