package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/connectors/plugin"
)

// dirEnv names the folder when -dir is not given.
const dirEnv = "ORGSYNC_PAYROLL_DIR"

func main() {
	log := plugin.Logger()
	conn, err := open(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		log.Error("the payroll plugin cannot start", "error", err)
		os.Exit(1)
	}
	plugin.Serve(conn)
}

// open reads the configuration from args and getenv and opens the
// connector, whose log lines go to plugin.Logger.
func open(args []string, getenv func(string) string) (*payrollfile.Connector, error) {
	fs := flag.NewFlagSet("payrollfile-plugin", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are logged; nothing goes to stdout
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: payrollfile-plugin [-dir DIR]\n\nAn orgsync plugin serving the payroll deliveries in DIR (default $%s).\nA host runs it; run by hand it exits.\n", dirEnv)
	}
	dir := fs.String("dir", "", "the `folder` of payroll deliveries (default $"+dirEnv+")")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" {
		*dir = getenv(dirEnv)
	}
	if *dir == "" {
		return nil, fmt.Errorf("no folder: give -dir DIR or set %s", dirEnv)
	}
	return payrollfile.Open(*dir, payrollfile.Options{Logger: plugin.Logger()})
}
