package plugin

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"

	"github.com/hashicorp/go-plugin/runner"
)

// cmdRunner runs a plugin binary for go-plugin. It is ours rather than
// go-plugin's own so that the plugin's stderr passes through
// sanitizeStderr (a hostile log line must not crash the host) and its last
// lines are at hand when the plugin fails to start.
type cmdRunner struct {
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr *io.PipeReader
	tail   *tailBuffer
}

var _ runner.Runner = (*cmdRunner)(nil)

func (r *cmdRunner) Start(context.Context) error {
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	raw, err := r.cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := r.cmd.Start(); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	r.stdout, r.stderr = stdout, pr
	go sanitizeStderr(raw, pw, r.tail)
	return nil
}

func (r *cmdRunner) Wait(context.Context) error { return r.cmd.Wait() }

func (r *cmdRunner) Kill(context.Context) error {
	if r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

func (r *cmdRunner) ID() string {
	if r.cmd.Process == nil {
		return ""
	}
	return strconv.Itoa(r.cmd.Process.Pid)
}

func (r *cmdRunner) Stdout() io.ReadCloser           { return r.stdout }
func (r *cmdRunner) Stderr() io.ReadCloser           { return r.stderr }
func (r *cmdRunner) Name() string                    { return r.cmd.Path }
func (r *cmdRunner) Diagnose(context.Context) string { return "" }

func (r *cmdRunner) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (r *cmdRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
