package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/opus"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/connectors/sdloen"
)

// sourceKind is a kind of source: how to open its connector from its
// configuration section.
type sourceKind struct {
	// payroll says the connector is a connectors.Payroll; else it is a
	// connectors.IdentitySource (a plugin may be either: see open).
	payroll bool
	// open opens the connector; dir is the configuration's folder,
	// which relative paths in the section are read from.
	open func(ctx context.Context, node *yaml.Node, dir string) (any, error)
}

// sourceKinds are the kinds of source, by the name a configuration uses.
var sourceKinds = map[string]sourceKind{
	"file":           {payroll: true, open: openFilePayroll},
	"opus":           {payroll: true, open: openOPUS},
	"sd":             {payroll: true, open: openSD},
	"omada":          {payroll: false, open: openOmada},
	"plugin":         {payroll: true, open: openPayrollPlugin},
	"identityplugin": {payroll: false, open: openIdentityPlugin},
}

// SourceKinds returns the kinds of source a configuration may name.
func SourceKinds() []string { return sourceKindNames() }

func sourceKindNames() []string {
	var out []string
	for k := range sourceKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// IsPayrollKind says whether a kind of source is a payroll (a
// connectors.Payroll, after whose import the org rules run) rather than
// an identity source.
func IsPayrollKind(kind string) bool { return sourceKinds[kind].payroll }

// OpenSource opens the connector of a kind of source from its
// configuration section (decoded strictly: an unknown key is an error);
// dir is the folder relative paths in it are read from. It returns a
// connectors.Payroll or a connectors.IdentitySource, which the caller
// closes. A bad section is a connectors.Error of kind Configuration.
func OpenSource(ctx context.Context, kind string, node *yaml.Node, dir string) (any, error) {
	k, ok := sourceKinds[kind]
	if !ok {
		return nil, connectors.Errorf(connectors.Configuration, "configuration", "no kind of source %q: use one of %v", kind, sourceKindNames())
	}
	return k.open(ctx, node, dir)
}

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

func openSD(_ context.Context, node *yaml.Node, dir string) (any, error) {
	var c sdloen.Config
	if err := decodeNode(node, &c); err != nil {
		return nil, err
	}
	c.PasswordFile, c.CAFile = relativeTo(dir, c.PasswordFile), relativeTo(dir, c.CAFile)
	return sdloen.Open(c)
}

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

// pluginConfig is a plugin source's section: the binary and its
// environment (where its own configuration is named).
type pluginConfig struct {
	// Path is the plugin binary.
	Path string `yaml:"path"`
	// Args are its arguments.
	Args []string `yaml:"args"`
	// Env are NAME=VALUE pairs for the plugin's environment (the
	// service's own is not passed on).
	Env []string `yaml:"env"`
	// SHA256 is the binary's checksum in hex; if set, a binary that
	// differs is refused.
	SHA256 string `yaml:"sha256"`
}

// options are the plugin.Options the section says.
func (c *pluginConfig) options() (plugin.Options, error) {
	o := plugin.Options{Args: c.Args, Env: c.Env, Logger: slog.Default()}
	if c.SHA256 != "" {
		sum, err := hex.DecodeString(c.SHA256)
		if err != nil || len(sum) != sha256.Size {
			return o, connectors.Errorf(connectors.Configuration, "configuration", "connector.sha256: 64 hex digits")
		}
		o.Checksum = sum
	}
	return o, nil
}

func (c *pluginConfig) open(node *yaml.Node, dir string) error {
	if err := decodeNode(node, c); err != nil {
		return err
	}
	if c.Path == "" {
		return connectors.Errorf(connectors.Configuration, "configuration", "connector.path: the plugin binary is missing")
	}
	c.Path = relativeTo(dir, c.Path)
	return nil
}

func openPayrollPlugin(ctx context.Context, node *yaml.Node, dir string) (any, error) {
	var c pluginConfig
	if err := c.open(node, dir); err != nil {
		return nil, err
	}
	o, err := c.options()
	if err != nil {
		return nil, err
	}
	return plugin.OpenPayroll(ctx, c.Path, o)
}

func openIdentityPlugin(ctx context.Context, node *yaml.Node, dir string) (any, error) {
	var c pluginConfig
	if err := c.open(node, dir); err != nil {
		return nil, err
	}
	o, err := c.options()
	if err != nil {
		return nil, err
	}
	return plugin.OpenIdentitySource(ctx, c.Path, o)
}

// decodeNode decodes a connector's section strictly.
func decodeNode(node *yaml.Node, v any) error {
	if node == nil || node.Kind == 0 {
		return connectors.Errorf(connectors.Configuration, "configuration", "the source has no connector section")
	}
	data, err := yaml.Marshal(node)
	if err == nil {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err = dec.Decode(v)
	}
	if err != nil {
		return &connectors.Error{Kind: connectors.Configuration, Op: "configuration", Object: "connector", Err: err}
	}
	return nil
}

// relativeTo resolves path against dir.
func relativeTo(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// errNotASource is a connector that is neither kind of source.
var errNotASource = errors.New("the connector is neither a payroll nor an identity source")

// closeSource closes a connector OpenSource returned.
func closeSource(conn any) error {
	if c, ok := conn.(interface{ Close() error }); ok {
		return c.Close()
	}
	return fmt.Errorf("%w: %T", errNotASource, conn)
}
