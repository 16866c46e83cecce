package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/service"
	"github.com/orgsync/orgsync/service/web"
)

const serveUsage = `usage: orgsync serve --config FILE [flags]

Runs orgsync as a service (package service): the sources on their
schedules with the org rules after each payroll import, the org model's
day scheduler, the sync into AD in near real time with a full
reconciliation every hour and AD's changes read back, the chapel under its
breaker, boarding, the mail outbox and the scheduled reports, as the
configuration names them. It answers HTTP on http.listen: the web pages
(the dashboard, the plan, the what-if, the chapel, reports, boarding),
/healthz, /readyz, /metrics (Prometheus) and the JSON API under /api/v1/.

SIGTERM or SIGINT stops it gracefully: the batch of changes in hand is
finished, the outbox is delivered (within --grace), then it exits 0.
Exit 2 is a configuration error (every problem is listed with its line),
1 a failure to start or run.

Try it on the in-memory twin, with nothing reaching a real directory:

  orgsync serve --config service/testdata/twin.yaml

flags:
`

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgsync serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), serveUsage); fs.PrintDefaults() }
	config := fs.String("config", "", "the service's configuration, a YAML or JSON `FILE`")
	listen := fs.String("listen", "", "the `address` to answer HTTP on (default the configuration's http.listen, else 127.0.0.1:8080)")
	check := fs.Bool("check", false, "check the configuration, print what would run, and exit")
	grace := fs.Duration("grace", 20*time.Second, "how long a stop may take to finish the work in hand and deliver the outbox")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync serve: %s\n", fmt.Sprintf(format, a...))
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected arguments: %v", fs.Args())
	case *config == "":
		return bad("--config: the service's configuration is missing")
	case *grace <= 0:
		return bad("--grace must be positive")
	}
	cfg, err := service.Load(*config)
	if err != nil {
		fmt.Fprintf(stderr, "orgsync serve: the configuration:\n  %s\n", indent(redact.NationalIDs(err.Error())))
		return 2
	}
	addr := *listen
	if addr == "" {
		addr = cfg.HTTP.Listen
	}
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	if *check {
		fmt.Fprintf(stdout, "the configuration %s is good; the service would answer on %s.\n", *config, addr)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc, err := service.New(ctx, cfg, service.Options{Logger: log, ShutdownGrace: *grace})
	if err != nil {
		fmt.Fprintf(stderr, "orgsync serve: %s\n", indent(redact.NationalIDs(err.Error())))
		if errors.Is(err, service.ErrConfig) {
			return 2
		}
		return 1
	}
	defer svc.Close()
	if _, err := web.Mount(svc, web.Options{}); err != nil {
		fmt.Fprintf(stderr, "orgsync serve: the web pages: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "orgsync serve: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() {
		if cfg.HTTP.CertFile != "" {
			served <- srv.ServeTLS(ln, cfg.HTTP.CertFile, cfg.HTTP.KeyFile)
		} else {
			served <- srv.Serve(ln)
		}
	}()
	fmt.Fprintf(stdout, "orgsync serve: answering on %s\n", ln.Addr())
	ran := make(chan error, 1)
	go func() { ran <- svc.Run(ctx) }()
	var runErr error
	select {
	case runErr = <-ran:
	case err := <-served:
		fmt.Fprintf(stderr, "orgsync serve: HTTP: %v\n", err)
		stop()
		runErr = <-ran
		if runErr == nil {
			runErr = err
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	if runErr != nil {
		fmt.Fprintf(stderr, "orgsync serve: %s\n", redact.NationalIDs(runErr.Error()))
		return 1
	}
	fmt.Fprintln(stdout, "orgsync serve: stopped")
	return 0
}
