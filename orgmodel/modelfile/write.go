package modelfile

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Write writes the snapshots as one document: objects and spans in the
// order given (spans in a timeline's order), two-space indented, every
// object with its id and every reference as a uuid, so that the same
// snapshots always give the same bytes. National ids are written in full:
// the file holds personal data and must be kept like the model's store.
//
// It refuses, with a *Error naming the place and nothing written, what
// Read would refuse or could not read back as it was: an empty or repeated
// source, an object without an id or of no known kind, an id that repeats
// within a snapshot or a key within a snapshot and kind, a span whose
// attributes are of another kind, dates outside the years 1 to 9998, a
// fraction that is not a finite number, text that is not UTF-8
// (encoding/json would replace it silently), and a responsibility holding
// NUL.
func Write(w io.Writer, snaps ...orgmodel.Snapshot) error {
	doc := fileJSON{Format: Format, Snapshots: make([]snapshotJSON, 0, len(snaps))}
	sources := make(map[string]int, len(snaps))
	for i, snap := range snaps {
		base := fmt.Sprintf("snapshots[%d]", i)
		switch prev, dup := sources[snap.Source]; {
		case strings.TrimSpace(snap.Source) == "":
			return writeError(base+".source", "is empty")
		case !utf8.ValidString(snap.Source):
			return writeError(base+".source", "is not valid UTF-8")
		case dup:
			return writeError(base+".source", fmt.Sprintf("is also the source of snapshots[%d]", prev))
		}
		sources[snap.Source] = i
		sj, err := encodeSnapshot(base, snap)
		if err != nil {
			return err
		}
		doc.Snapshots = append(doc.Snapshots, sj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Names with "&" or "<" stay readable; the file is not HTML.
	enc.SetEscapeHTML(false)
	// Encode marshals the whole document before it writes, so a failure
	// (there should be none after the checks) writes nothing.
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("modelfile: write: %w", err)
	}
	return nil
}

// writeError is a problem Write found at path.
func writeError(path, text string) error { return &Error{Path: path, Err: problem(text)} }

// encodeSnapshot returns the snapshot as the file holds it.
func encodeSnapshot(base string, snap orgmodel.Snapshot) (snapshotJSON, error) {
	sj := snapshotJSON{Source: snap.Source, Objects: make([]objectJSON, 0, len(snap.Objects))}
	byKey := make(map[kindKey]int, len(snap.Objects))
	byID := make(map[uuid.UUID]int, len(snap.Objects))
	for j, o := range snap.Objects {
		op := fmt.Sprintf("%s.objects[%d]", base, j)
		name, ok := kindNames[o.Kind]
		if !ok {
			return sj, writeError(op+".kind", fmt.Sprintf("%s is not a kind of object", o.Kind))
		}
		if o.ID == uuid.Nil {
			return sj, writeError(op+".id", "is the nil uuid")
		}
		if prev, dup := byID[o.ID]; dup {
			return sj, writeError(op+".id", fmt.Sprintf("is also the id of objects[%d]", prev))
		}
		byID[o.ID] = j
		if prev, dup := byKey[kindKey{o.Kind, o.UserKey}]; dup {
			return sj, writeError(op+".key", fmt.Sprintf("is also the key of objects[%d], of the same kind", prev))
		}
		byKey[kindKey{o.Kind, o.UserKey}] = j
		if !utf8.ValidString(o.UserKey) {
			return sj, writeError(op+".key", "is not valid UTF-8")
		}
		oj := objectJSON{ID: o.ID.String(), Kind: name, Key: o.UserKey, History: make([]spanJSON, 0, o.Timeline.Len())}
		for k := 0; k < o.Timeline.Len(); k++ {
			v, err := encodeSpan(fmt.Sprintf("%s.history[%d]", op, k), o.Kind, o.Timeline.Span(k))
			if err != nil {
				return sj, err
			}
			oj.History = append(oj.History, v)
		}
		sj.Objects = append(sj.Objects, oj)
	}
	return sj, nil
}

// encodeSpan returns one span of an object of kind k as the file holds it.
func encodeSpan(sp string, k orgmodel.Kind, s timeline.Span[orgmodel.Attrs]) (spanJSON, error) {
	switch {
	case s.Value == nil:
		return spanJSON{}, writeError(sp, "has no attributes")
	case s.Value.Kind() != k:
		return spanJSON{}, writeError(sp, fmt.Sprintf("holds %s attributes in a %s", s.Value.Kind(), k))
	case !s.From.Valid():
		return spanJSON{}, writeError(sp+".from", fmt.Sprintf("%s is not a day of the years 1 to 9998", s.From))
	case s.To != timeline.Open && !s.To.Valid():
		return spanJSON{}, writeError(sp+".to", fmt.Sprintf("%s is not a day of the years 1 to 9998", s.To))
	}
	v := fromAttrs(s.Value)
	v.From = s.From
	if s.To != timeline.Open {
		to := s.To
		v.To = &to
	}
	if math.IsNaN(v.Fraction) || math.IsInf(v.Fraction, 0) {
		return v, writeError(sp+".fraction", "is not a finite number")
	}
	if m, ok := s.Value.(orgmodel.ManagerAttrs); ok && m.Responsibilities != orgmodel.NewKeys(m.Responsibilities.All()...) {
		// A key with NUL came back from All split in two.
		return v, writeError(sp+".responsibilities", "a key contains NUL, which the file cannot hold")
	}
	if field := invalidText(v); field != "" {
		return v, writeError(sp+"."+field, "is not valid UTF-8")
	}
	return v, nil
}

// invalidText returns the JSON name of the first text field of v that is
// not valid UTF-8, or "". It goes by reflection so that a field added to
// spanJSON is checked without anyone remembering to.
func invalidText(v spanJSON) string {
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		var texts []string
		switch {
		case f.Kind() == reflect.String:
			texts = []string{f.String()}
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			texts = f.Interface().([]string)
		}
		for _, t := range texts {
			if !utf8.ValidString(t) {
				name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
				return name
			}
		}
	}
	return ""
}
