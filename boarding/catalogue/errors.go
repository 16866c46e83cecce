package catalogue

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem with a catalogue, with where it is, so an
// operator can fix every problem of a file in one go: Parse, Load and
// Validate return all of them joined (errors.Join), each an *Error.
type Error struct {
	// File is the name given to Parse or Load ("" from Validate).
	File string
	// Line is the line of the key at fault in a YAML file (also in a
	// JSON file that YAML can read), or of the nearest key above it that
	// is there; 0 when unknown.
	Line int
	// Path is the key at fault as written in the file
	// ("job_roles[3].items[1].resource"); "" for the file as a whole.
	Path string
	// Problem says what is wrong.
	Problem string

	// err is the cause, for errors.Is (a file that cannot be read).
	err error
}

// Error says where and what: "catalogue: FILE:LINE: PATH: PROBLEM".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("catalogue: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Unwrap returns the cause, if there is one (a read error from Load).
func (e *Error) Unwrap() error { return e.err }

// problems gathers a catalogue's problems, each with the line of its key.
type problems struct {
	file string
	root *yaml.Node // nil when lines are unknown
	errs []*Error
}

// add records a problem at path.
func (p *problems) add(path, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: lineOf(p.root, path), Path: path, Problem: fmt.Sprintf(format, args...)})
}

// err returns the problems joined, in the file's order (problems the
// file's lines do not place keep the order they were found in), or nil.
func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(p.errs, func(a, b *Error) int { return a.Line - b.Line })
	errs := make([]error, len(p.errs))
	for i, e := range p.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// lineOf returns the line of the key at path ("job_roles[3].items[1]")
// in the document, or of the nearest key or element above it that is
// there; 0 without a document.
func lineOf(root *yaml.Node, path string) int {
	if root == nil {
		return 0
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	if path == "" {
		return n.Line
	}
	for _, step := range splitPath(path) {
		var next *yaml.Node
		switch {
		case step.key != "" && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == step.key {
					line, next = n.Content[i].Line, n.Content[i+1]
					break
				}
			}
		case step.key == "" && n.Kind == yaml.SequenceNode:
			if step.index < len(n.Content) {
				next = n.Content[step.index]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// pathStep is one step of a path: a key, or (key "") an index.
type pathStep struct {
	key   string
	index int
}

// splitPath splits "job_roles[3].items[1].resource" into its steps.
func splitPath(path string) []pathStep {
	var steps []pathStep
	for part := range strings.SplitSeq(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			steps = append(steps, pathStep{key: key})
		}
		for rest != "" {
			num, after, ok := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if !ok || err != nil || i < 0 {
				return steps
			}
			steps = append(steps, pathStep{index: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return steps
}
