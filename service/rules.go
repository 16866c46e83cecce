package service

import (
	"bytes"
	"errors"
	"io"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/orgmodel/rules"
)

// loadRules reads a file of org rules strictly and compiles them.
func loadRules(path string) (*rules.Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c rules.Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New(path + ": the file is empty")
		}
		return nil, err
	}
	return rules.New(c)
}
