package modelfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// Read reads a document and returns its snapshots in the file's order,
// each object with Source set to its snapshot's source. A document it
// refuses gives a *Error naming the first problem and no snapshots.
//
// Read checks the document, not the model: it refuses what cannot be a
// snapshot (bad JSON, unknown fields or kinds, bad dates, overlapping
// history, a "key:" reference to nothing, duplicate ids or keys, a CPR
// that does not parse) and leaves the model's rules (text without control
// characters, references to objects that exist and are valid, no cycles)
// to Load, where the model checks them.
func Read(r io.Reader) ([]orgmodel.Snapshot, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("modelfile: read: %w", err)
	}
	return decode(data)
}

// ReadFile reads the document in the named file, as Read does; a *Error
// it returns has File set. It is the package's only access to files.
func ReadFile(path string) ([]orgmodel.Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("modelfile: %w", err)
	}
	snaps, err := decode(data)
	if e := (*Error)(nil); errors.As(err, &e) {
		e.File = path
	}
	return snaps, err
}

// bom is the UTF-8 byte order mark, which some editors put first in a
// file. It is not JSON, but refusing a file for an invisible character
// helps no one.
var bom = []byte("\xef\xbb\xbf")

// decode reads a whole document.
func decode(data []byte) ([]orgmodel.Snapshot, error) {
	d := &document{scanner: newScanner(bytes.TrimPrefix(data, bom)), sources: make(map[string]int)}
	if err := d.read(); err != nil {
		return nil, err
	}
	return d.snaps, nil
}

// document reads the top of a document and its snapshots; object.go reads
// the objects and refs.go turns each snapshot's into orgmodel objects.
type document struct {
	*scanner
	snaps   []orgmodel.Snapshot
	sources map[string]int // source → index of its snapshot
}

// child returns the current path extended by a field.
func (d *document) child(field string) string { return d.path() + "." + field }

// unknown is the problem of a field this format does not have.
func (d *document) unknown(at int) error {
	return d.failAt(at, problem("is not a field of "+Format))
}

// read reads the document: its format, its snapshots, and the end of the
// text.
func (d *document) read() error {
	var format, snapshots bool
	at, err := d.object(func(name string, at int) error {
		switch name {
		case "format":
			v, vat, err := d.str()
			if err != nil {
				return err
			}
			if v != Format {
				return d.failAt(vat, fmt.Errorf("is %s; this reader reads %q", quote(v), Format))
			}
			format = true
		case "snapshots":
			snapshots = true
			d.snaps = make([]orgmodel.Snapshot, 0)
			_, err := d.array(d.snapshot)
			return err
		default:
			return d.unknown(at)
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !format:
		return d.errorAt("format", at, problem("is missing"))
	case !snapshots:
		return d.errorAt("snapshots", at, problem("is missing"))
	}
	// The decoder would read a second document after the first; a file
	// holds one.
	at = d.start()
	switch tok, err := d.dec.Token(); {
	case err == io.EOF:
		return nil
	case err != nil:
		return d.syntax(err)
	default:
		return d.failAt(at, fmt.Errorf("%s follows the document", describe(tok)))
	}
}

// snapshot reads snapshots[i].
func (d *document) snapshot(i int) error {
	var source string
	sourceAt := -1
	var objects []pendingObject
	objectsGiven := false
	at, err := d.object(func(name string, at int) error {
		var err error
		switch name {
		case "source":
			source, sourceAt, err = d.str()
		case "objects":
			objectsGiven = true
			objects = make([]pendingObject, 0)
			_, err = d.array(func(int) error {
				o, err := d.readObject()
				objects = append(objects, o)
				return err
			})
		default:
			err = d.unknown(at)
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case sourceAt < 0:
		return d.errorAt(d.child("source"), at, problem("is missing"))
	case strings.TrimSpace(source) == "":
		return d.errorAt(d.child("source"), sourceAt, problem("is empty"))
	case !objectsGiven:
		// Required even when empty: an empty snapshot terminates
		// everything its source owns, which must not happen because a
		// field was forgotten.
		return d.errorAt(d.child("objects"), at, problem("is missing"))
	}
	if prev, ok := d.sources[source]; ok {
		// Importing a source twice would make the second snapshot
		// terminate what the first created.
		return d.errorAt(d.child("source"), sourceAt, fmt.Errorf("is also the source of snapshots[%d]", prev))
	}
	d.sources[source] = i
	snap, err := d.resolve(source, objects)
	if err != nil {
		return err
	}
	d.snaps = append(d.snaps, snap)
	return nil
}

// parseID parses an object's id or a reference that is not by key.
// uuid.Parse also takes the urn and brace forms; Write writes the plain
// one.
func parseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, fmt.Errorf("is %s, which is not a uuid", quote(s))
	}
	return id, nil
}
