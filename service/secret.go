package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/connectors"
)

// Secret says where a secret is: the first line of a file, or an
// environment variable. A secret is never written in the configuration
// itself, which is why a plain value in its place is refused.
type Secret struct {
	// File holds the secret on its first line.
	File string `yaml:"file" json:"file"`
	// Env names the environment variable holding it.
	Env string `yaml:"env" json:"env"`
}

// errInlineSecret is what a secret written as a value in the file gets.
var errInlineSecret = errors.New("a secret is never written in the configuration: give {file: PATH} or {env: NAME}")

// UnmarshalYAML refuses a secret written as a plain value.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		// "line N: " as yaml writes it, so that Load places it.
		return fmt.Errorf("line %d: %w", n.Line, errInlineSecret)
	}
	type plain Secret
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Secret(p)
	return nil
}

// IsZero says that no place is given.
func (s Secret) IsZero() bool { return s.File == "" && s.Env == "" }

// resolve makes a relative File relative to dir.
func (s *Secret) resolve(dir string) {
	if s.File != "" && !filepath.IsAbs(s.File) {
		s.File = filepath.Join(dir, s.File)
	}
}

// Read reads the secret: the file's first line, else the variable, else
// the variable named by fallbackEnv (if not ""). A secret that is empty
// where it is said to be is an error naming the place, never the value.
func (s Secret) Read(getenv func(string) string, fallbackEnv string) (connectors.Secret, error) {
	switch {
	case s.File != "" && s.Env != "":
		return "", errors.New("give the secret's file or its environment variable, not both")
	case s.File != "":
		b, err := os.ReadFile(s.File)
		if err != nil {
			return "", err
		}
		v := strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
		if v == "" {
			return "", fmt.Errorf("the file %s is empty", s.File)
		}
		return connectors.Secret(v), nil
	case s.Env != "":
		v := getenv(s.Env)
		if v == "" {
			return "", fmt.Errorf("the environment variable %s is not set", s.Env)
		}
		return connectors.Secret(v), nil
	case fallbackEnv != "":
		v := getenv(fallbackEnv)
		if v == "" {
			return "", fmt.Errorf("no secret: give {file: PATH} or {env: NAME}, or set %s", fallbackEnv)
		}
		return connectors.Secret(v), nil
	}
	return "", errors.New("no secret: give {file: PATH} or {env: NAME}")
}
