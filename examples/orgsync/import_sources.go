package main

import (
	"context"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/connectors/sdloen"
)

// importSource is a kind of source `orgsync import` reads: a payroll
// (file, SD Løn, OPUS) or an identity source (Omada).
type importSource struct {
	// payroll says the source is a connectors.Payroll; else it is a
	// connectors.IdentitySource.
	payroll bool
	// open opens the connector from the configuration file's connector
	// section; dir is the configuration file's folder, which relative
	// paths in it are read from.
	open func(ctx context.Context, node *yaml.Node, dir string) (any, error)
}

// importSources are the kinds, by the name the command takes.
var importSources = map[string]importSource{
	"file":  {payroll: true, open: openFilePayroll},
	"opus":  {payroll: true, open: openOPUS},
	"sd":    {payroll: true, open: openSD},
	"omada": {payroll: false, open: openOmada},
}

// openOmada opens the Omada connector over its OData view.
func openOmada(_ context.Context, node *yaml.Node, dir string) (any, error) {
	var c omada.Config
	if err := decodeNode(node, &c); err != nil {
		return nil, err
	}
	c.CAFile = relativeTo(dir, c.CAFile)
	if c.Basic != nil {
		c.Basic.PasswordFile = relativeTo(dir, c.Basic.PasswordFile)
	}
	if c.OIDC != nil {
		c.OIDC.ClientSecretFile = relativeTo(dir, c.OIDC.ClientSecretFile)
	}
	return omada.Open(c)
}

// openSD opens the SD Løn connector over its web service.
func openSD(_ context.Context, node *yaml.Node, dir string) (any, error) {
	var c sdloen.Config
	if err := decodeNode(node, &c); err != nil {
		return nil, err
	}
	c.PasswordFile, c.CAFile = relativeTo(dir, c.PasswordFile), relativeTo(dir, c.CAFile)
	return sdloen.Open(c)
}

// openOPUS opens the OPUS connector over its folder of dumps.
func openOPUS(_ context.Context, node *yaml.Node, dir string) (any, error) {
	var c opus.Config
	if err := decodeNode(node, &c); err != nil {
		return nil, err
	}
	c.Dir = relativeTo(dir, c.Dir)
	return opus.Open(c, opus.Options{})
}

// fileConfig is the file payroll connector's section.
type fileConfig struct {
	// Dir is the folder of deliveries.
	Dir string `yaml:"dir"`
}

func openFilePayroll(_ context.Context, node *yaml.Node, dir string) (any, error) {
	var c fileConfig
	if err := decodeNode(node, &c); err != nil {
		return nil, err
	}
	if c.Dir == "" {
		return nil, connectors.Errorf(connectors.Configuration, "configuration", "connector.dir: the folder of payroll deliveries is missing")
	}
	return payrollfile.Open(relativeTo(dir, c.Dir), payrollfile.Options{})
}

// decodeNode decodes a configuration section strictly: an unknown key is
// an error, as in the rest of the configuration.
func decodeNode(node *yaml.Node, v any) error {
	if node == nil || node.Kind == 0 {
		return connectors.Errorf(connectors.Configuration, "configuration", "the configuration has no connector section")
	}
	data, err := yaml.Marshal(node)
	if err == nil {
		err = decodeYAML(data, v)
	}
	if err != nil {
		return &connectors.Error{Kind: connectors.Configuration, Op: "configuration", Object: "connector", Err: err}
	}
	return nil
}

// relativeTo resolves path against the configuration file's folder.
func relativeTo(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
