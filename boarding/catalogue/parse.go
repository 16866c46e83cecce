package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads and parses the catalogue in the file at path, as [Parse]
// does; a file that cannot be read is an *Error that unwraps to the
// cause (errors.Is(err, fs.ErrNotExist)).
func Load(path string) (*Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		cause := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			cause = pe.Err
		}
		return nil, &Error{File: path, Problem: "cannot read the file: " + cause.Error(), err: err}
	}
	return Parse(path, data)
}

// Parse decodes a catalogue from data and validates it. The format
// follows name's extension: .json is JSON, .yaml and .yml are YAML, and
// anything else is tried as JSON and, if it is not JSON, as YAML. name
// is only for error messages.
//
// Decoding is strict: a key the catalogue does not know is an error (a
// misspelt key must not be ignored), and so is a second document. A
// file that does not decode gives its decoding errors; one that does is
// validated, and gives every problem found. Either way the error joins
// *Error values and the Catalogue is nil.
func Parse(name string, data []byte) (*Catalogue, error) {
	var (
		c    *Catalogue
		root *yaml.Node
		err  error
	)
	isJSON := false
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		isJSON = true
		c, err = decodeJSON(name, data)
	case ".yaml", ".yml":
		c, root, err = decodeYAML(name, data)
	default:
		var se *json.SyntaxError
		c, err = decodeJSON(name, data)
		isJSON = true
		if errors.As(err, &se) {
			isJSON = false
			c, root, err = decodeYAML(name, data)
		}
	}
	if err != nil {
		return nil, toErrors(name, data, err)
	}
	for i := range c.JobRoles {
		if c.JobRoles[i].Lifecycle == "" {
			c.JobRoles[i].Lifecycle = Active
		}
	}
	p := &problems{file: name, root: root}
	c.validate(p)
	if len(p.errs) > 0 {
		if isJSON {
			// JSON is mostly YAML too, and then the problems get their
			// lines; the work is only done for a file with problems.
			var n yaml.Node
			if yaml.Unmarshal(data, &n) == nil {
				for _, e := range p.errs {
					e.Line = lineOf(&n, e.Path)
				}
			}
		}
		return nil, p.err()
	}
	return c, nil
}

// yamlDoc decodes a document both into a node tree, for the lines of
// later problems, and strictly into a Catalogue, from one parse: the
// callback form of the unmarshaler keeps the strict decoder.
type yamlDoc struct {
	root nodeOf
	cat  Catalogue
}

// UnmarshalYAML decodes the document twice from the same node.
func (d *yamlDoc) UnmarshalYAML(unmarshal func(any) error) error {
	if err := unmarshal(&d.root); err != nil {
		return err
	}
	return unmarshal(&d.cat)
}

// nodeOf keeps the node it is decoded from. (The callback cannot decode
// into a yaml.Node itself: it is handed a *yaml.Node, which yaml.v3
// decodes as a struct.)
type nodeOf struct{ n *yaml.Node }

// UnmarshalYAML keeps n.
func (o *nodeOf) UnmarshalYAML(n *yaml.Node) error {
	o.n = n
	return nil
}

// decodeYAML decodes one YAML document strictly.
func decodeYAML(name string, data []byte) (*Catalogue, *yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc yamlDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			// Nothing but comments, or nothing: an empty catalogue,
			// which validation reports.
			return &Catalogue{}, nil, nil
		}
		return nil, nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, nil, &Error{File: name, Line: extra.Line, Problem: "more than one YAML document"}
	}
	return &doc.cat, doc.root.n, nil
}

// decodeJSON decodes one JSON value strictly.
func decodeJSON(name string, data []byte) (*Catalogue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalogue
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return &Catalogue{}, nil
		}
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, &Error{File: name, Line: lineAt(data, dec.InputOffset()), Problem: "more than one JSON value"}
	}
	return &c, nil
}

var (
	// yamlLine finds "line N: …" in a YAML error.
	yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	// unknownField finds yaml.v3's and encoding/json's unknown keys.
	unknownField = regexp.MustCompile(`^(?:json: unknown field "(.*)"|field (.*) not found in type \S+)$`)
)

// toErrors turns a decoder's error into *Error values, joined, each with
// its line where the decoder says it.
func toErrors(name string, data []byte, err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	var msgs []string
	var te *yaml.TypeError
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		msgs = te.Errors
	case errors.As(err, &se):
		return &Error{File: name, Line: lineAt(data, se.Offset), Problem: se.Error()}
	case errors.As(err, &ue) && !errors.As(err, new(*itemJSONError)):
		return &Error{File: name, Line: lineAt(data, ue.Offset), Problem: jsonProblem(ue.Error())}
	default:
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		e := &Error{File: name, Problem: strings.TrimPrefix(m, "yaml: ")}
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			e.Line, _ = strconv.Atoi(g[1])
			e.Problem = g[2]
		}
		e.Problem = jsonProblem(e.Problem)
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// jsonProblem words a decoder's message for an operator.
func jsonProblem(m string) string {
	if g := unknownField.FindStringSubmatch(m); g != nil {
		return fmt.Sprintf("unknown key %q", g[1]+g[2])
	}
	// An item is decoded through itemFile; the operator knows an Item.
	return strings.ReplaceAll(strings.TrimPrefix(m, "json: "), "itemFile", "Item")
}

// itemJSONError marks an error from inside an item's JSON, whose offsets
// count from the item, not the file.
type itemJSONError struct{ err error }

func (e *itemJSONError) Error() string { return e.err.Error() }
func (e *itemJSONError) Unwrap() error { return e.err }

// lineAt is the line of the byte at offset in data.
func lineAt(data []byte, offset int64) int {
	if offset < 0 {
		return 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}
