package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
)

// The sample sync configuration's domain, and the throwaway one's.
const (
	sampleDomain = "DC=example,DC=org"
	base         = "OU=Kommune," + adtest.BaseDN
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, waitForSignal)) }

// waitForSignal blocks until Ctrl-C or SIGTERM.
func waitForSignal() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}

// run starts the DC, sets it up, writes the files into --dir, waits, and
// stops the DC.
func run(args []string, stdout, stderr io.Writer, wait func()) int {
	fs := flag.NewFlagSet("trydc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the `folder` to write ad.yaml, ad-password and sync.yaml into (made if missing)")
	noGroups := fs.Bool("no-groups", false, "do not create the groups the sample names, to see the plan report them missing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: trydc --dir FOLDER [--no-groups]")
		return 2
	}
	fmt.Fprintln(stderr, "trydc: starting a throwaway domain controller (installing Samba if it is missing)…")
	srv, err := adtest.Launch()
	if err != nil {
		fmt.Fprintf(stderr, "trydc: %v\n", err)
		return 1
	}
	defer srv.Stop()
	if err := setUp(srv, *dir, !*noGroups); err != nil {
		fmt.Fprintf(stderr, "trydc: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, `A throwaway domain controller for %s runs at %s.
Its base OU for orgsync is %s. Try, from the repository:

  go run ./examples/orgsync plan  --config %[4]s/sync.yaml
  go run ./examples/orgsync apply --config %[4]s/sync.yaml --fingerprint …   (the plan prints the command)

Stop with Ctrl-C: the DC stops and what it made is removed.
`, adtest.Realm, srv.LDAPSURL(), base, *dir)
	wait()
	fmt.Fprintln(stderr, "trydc: stopping the domain controller")
	return 0
}

// setUp creates the base OU, the chapel OU, the groups OU and (with
// groups) the sample's groups, and writes the files.
func setUp(srv *adtest.Server, dir string, groups bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := ad.Open(ctx, ad.Config{URL: srv.LDAPSURL(), RootCAs: srv.RootCAs, ServerName: adtest.Hostname,
		BindDN: adtest.AdminUPN, BindPassword: connectors.Secret(adtest.AdminPassword)})
	if err != nil {
		return fmt.Errorf("binding to the DC: %w", err)
	}
	defer d.Close()
	create := func(dn string, attrs ...connectors.Attribute) error {
		_, err := d.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: attrs})
		if connectors.KindOf(err) == connectors.AlreadyExists {
			return nil
		}
		return err
	}
	ou := connectors.Attribute{Name: "objectClass", Values: []string{"organizationalUnit"}}
	for _, dn := range []string{base, "OU=Kapellet," + base, "OU=Grupper," + base} {
		if err := create(dn, ou); err != nil {
			return fmt.Errorf("creating %s: %w", dn, err)
		}
	}
	if groups {
		for i, name := range []string{"Alle ansatte", "Skole og Børn", "Pædagoger"} {
			if err := create("CN="+name+",OU=Grupper,"+base, connectors.Attribute{Name: "objectClass", Values: []string{"group"}},
				connectors.Attribute{Name: "sAMAccountName", Values: []string{fmt.Sprintf("trydc-%d", i)}}); err != nil {
				return fmt.Errorf("creating the group %s: %w", name, err)
			}
		}
	}
	return writeFiles(srv, dir)
}

// writeFiles writes the AD connection, the password and the sync
// configuration pointed at the DC.
func writeFiles(srv *adtest.Server, dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "ad-password"), []byte(adtest.AdminPassword+"\n"), 0o600); err != nil {
		return err
	}
	conn := fmt.Sprintf("url: %s\nca_file: %s\nserver_name: %s\nbind_dn: %s\npassword_file: ad-password\n",
		srv.LDAPSURL(), srv.CAFile, adtest.Hostname, adtest.AdminUPN)
	if err := os.WriteFile(filepath.Join(dir, "ad.yaml"), []byte(conn), 0o600); err != nil {
		return err
	}
	directory := "directory:\n"
	for _, l := range strings.Split(strings.TrimSuffix(conn, "\n"), "\n") {
		directory += "  " + l + "\n"
	}
	directory = strings.Replace(directory, "password_file: ad-password", "password_file: "+filepath.Join(dir, "ad-password"), 1)
	sample, err := sampleSync()
	if err != nil {
		return err
	}
	// The sample's directory section, up to the next top-level key, gives
	// way to this DC's; its DNs move to the throwaway domain.
	start := strings.Index(sample, "directory:\n")
	end := strings.Index(sample[start:], "\nzone:")
	if start < 0 || end < 0 {
		return errors.New("the sample sync configuration has changed shape: no directory section before zone")
	}
	text := sample[:start] + directory + sample[start+end+1:]
	text = strings.ReplaceAll(text, sampleDomain, adtest.BaseDN)
	return os.WriteFile(filepath.Join(dir, "sync.yaml"), []byte(text), 0o600)
}
