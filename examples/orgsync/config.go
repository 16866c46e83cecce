package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/orgsync/orgsync/examples/internal/strictyaml"
)

// decodeFile reads a configuration file into v, strictly: a key v does not
// know is an error, as is a second document. The extension decides the
// format (.json, or .yaml and .yml); a file with another one is read as
// JSON and, failing that, as YAML. Errors do not name the file.
func decodeFile(path string, v any) error {
	data, err := os.ReadFile(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err // the caller names the file
	}
	if err != nil {
		return err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		err = decodeJSON(data, v)
	case ".yaml", ".yml":
		err = decodeYAML(data, v)
	default:
		if jerr := decodeJSON(data, v); jerr != nil {
			reflect.ValueOf(v).Elem().SetZero() // what JSON set before it failed
			if err = decodeYAML(data, v); err != nil {
				err = fmt.Errorf("neither JSON (%v) nor YAML (%w)", jerr, err)
			}
		}
	}
	return err
}

func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the file is empty")
		}
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// decodeYAML reads one YAML document strictly (strictyaml.Decode).
func decodeYAML(data []byte, v any) error { return strictyaml.Decode(data, v) }
