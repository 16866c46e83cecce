package opus

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// Config is the connector's configuration, as the examples load it from
// YAML or JSON.
type Config struct {
	// Dir is the folder KMD writes the dumps into. Required.
	Dir string `yaml:"dir" json:"dir"`
	// Units are the ids of the units whose subtrees are read: each unit
	// named and every unit below it. Every other unit, and the employees
	// in it, is left out. Empty reads the whole tree.
	Units []string `yaml:"units,omitempty" json:"units,omitempty"`
}

// Validate checks the whole configuration and returns every problem in
// it, joined in one Configuration error; nil if there is none.
func (c *Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Dir) == "" {
		errs = append(errs, errors.New("dir: empty; name the folder the OPUS dumps are written to"))
	} else if err := connectors.CheckText(c.Dir, 4096); err != nil {
		errs = append(errs, fmt.Errorf("dir: %w", err))
	}
	seen := map[string]bool{}
	for i, u := range c.Units {
		switch {
		case strings.TrimSpace(u) == "":
			errs = append(errs, fmt.Errorf("units[%d]: empty", i))
		case strings.TrimSpace(u) != u:
			errs = append(errs, fmt.Errorf("units[%d]: %q has spaces around it", i, u))
		case seen[u]:
			errs = append(errs, fmt.Errorf("units[%d]: %q is named twice", i, u))
		default:
			if err := connectors.CheckText(u, connectors.MaxKeyBytes); err != nil {
				errs = append(errs, fmt.Errorf("units[%d]: %w", i, err))
			}
		}
		seen[u] = true
	}
	if len(errs) == 0 {
		return nil
	}
	return &connectors.Error{Kind: connectors.Configuration, Op: "config", Err: errors.Join(errs...)}
}

// Options are the connector's settings that are not configuration. The
// zero value is ready to use.
type Options struct {
	// Logger receives the connector's few log lines (a dump read, a dump
	// passed over); default slog.Default(). No line holds personal data.
	Logger *slog.Logger
}
