package modelfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// scanner walks a document token by token with a json.Decoder, keeping
// the path of the value it is at, so that every problem names its place.
// Walking rather than unmarshalling is what gives indexed paths and
// positions for every value: json.Unmarshal's errors have neither for
// unknown fields, and its type errors name fields without indexes.
type scanner struct {
	data []byte
	dec  *json.Decoder
	segs []segment
	// badUTF8 is the offset of the first invalid UTF-8 byte, or -1.
	badUTF8 int
}

// segment is one step of a path: an object's field or an array's index.
type segment struct {
	field string
	index int // used when field is ""
}

func newScanner(data []byte) *scanner {
	dec := json.NewDecoder(bytes.NewReader(data))
	// Numbers as text, so that an out-of-range number is this package's
	// error (without the digits, which might be a CPR) and not the
	// decoder's.
	dec.UseNumber()
	return &scanner{data: data, dec: dec, badUTF8: firstInvalidUTF8(data)}
}

func (s *scanner) push(field string) { s.segs = append(s.segs, segment{field: field}) }
func (s *scanner) pushIndex(i int)   { s.segs = append(s.segs, segment{index: i}) }
func (s *scanner) pop()              { s.segs = s.segs[:len(s.segs)-1] }

// path returns the current path, built only when a problem needs it.
func (s *scanner) path() string {
	var b strings.Builder
	for _, sg := range s.segs {
		switch {
		case sg.field == "":
			b.WriteString("[" + strconv.Itoa(sg.index) + "]")
		case plainName(sg.field):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(sg.field)
		default:
			b.WriteString("[" + quote(sg.field) + "]")
		}
	}
	return b.String()
}

// plainName reports whether a field name can stand in a path as it is: a
// short identifier that starts with a letter, so never a number such as a
// CPR.
func plainName(s string) bool {
	if s == "" || len(s) > 40 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// failAt returns the problem err at byte offset off, for the current path.
func (s *scanner) failAt(off int, err error) *Error {
	return s.errorAt(s.path(), off, err)
}

// errorAt returns the problem err at path and byte offset off.
func (s *scanner) errorAt(path string, off int, err error) *Error {
	line, col := position(s.data, off)
	return &Error{Path: path, Line: line, Column: col, Err: err}
}

// start returns the offset where the next token begins: the decoder's
// offset is the end of the last token, before the separators.
func (s *scanner) start() int {
	i := int(s.dec.InputOffset())
	for i < len(s.data) {
		switch s.data[i] {
		case ' ', '\t', '\r', '\n', ':', ',':
			i++
			continue
		}
		break
	}
	return i
}

// token reads the next token and returns it with its offset. A syntax
// error is reported at the offset json.Unmarshal finds for it, because
// the decoder's own offsets are relative to the value it was reading.
func (s *scanner) token() (json.Token, int, error) {
	at := s.start()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, at, s.syntax(err)
	}
	if end := int(s.dec.InputOffset()); s.badUTF8 >= at && s.badUTF8 < end {
		return nil, at, s.failAt(s.badUTF8, problem("is not valid UTF-8"))
	}
	return tok, at, nil
}

// syntax turns the decoder's error into a positioned *Error.
func (s *scanner) syntax(err error) *Error {
	off := int(s.dec.InputOffset())
	var se *json.SyntaxError
	if e := json.Unmarshal(s.data, new(json.RawMessage)); errors.As(e, &se) {
		// Offset counts the bytes read up to and including the bad one,
		// or all of them when the input ends too soon: then the place is
		// the end.
		err, off = se, int(se.Offset)-1
		if strings.HasPrefix(se.Error(), "unexpected end") {
			off = len(s.data)
		}
	}
	return s.failAt(off, err)
}

// describe names a token's JSON type for a message, never its value.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "something else"
}

// wrongType is the problem of a value of the wrong JSON type.
func wrongType(want string, tok json.Token) error {
	return fmt.Errorf("want %s, got %s", want, describe(tok))
}

// object reads an object, calling field for each of its fields with the
// path extended by the field's name. A field given twice is an error:
// encoding/json would keep the last silently, and a hand-edited file with
// two "to"s is a mistake to point out. It returns the object's offset.
func (s *scanner) object(field func(name string, at int) error) (int, error) {
	tok, at, err := s.token()
	if err != nil {
		return at, err
	}
	if tok != json.Delim('{') {
		return at, s.failAt(at, wrongType("an object", tok))
	}
	var seen []string
	for s.dec.More() {
		tok, kat, err := s.token()
		if err != nil {
			return at, err
		}
		name, _ := tok.(string)
		s.push(name)
		for _, n := range seen {
			if n == name {
				return at, s.failAt(kat, problem("is given twice"))
			}
		}
		seen = append(seen, name)
		if err := field(name, kat); err != nil {
			return at, err
		}
		s.pop()
	}
	if _, _, err := s.token(); err != nil { // the closing brace
		return at, err
	}
	return at, nil
}

// array reads an array, calling elem for each element with the path
// extended by its index. It returns the array's offset.
func (s *scanner) array(elem func(i int) error) (int, error) {
	tok, at, err := s.token()
	if err != nil {
		return at, err
	}
	if tok != json.Delim('[') {
		return at, s.failAt(at, wrongType("an array", tok))
	}
	for i := 0; s.dec.More(); i++ {
		s.pushIndex(i)
		if err := elem(i); err != nil {
			return at, err
		}
		s.pop()
	}
	_, _, err = s.token() // the closing bracket
	return at, err
}

// str reads a string and returns it with its offset.
func (s *scanner) str() (string, int, error) {
	tok, at, err := s.token()
	if err != nil {
		return "", at, err
	}
	v, ok := tok.(string)
	if !ok {
		return "", at, s.failAt(at, wrongType("a string", tok))
	}
	return v, at, nil
}

// strings reads an array of strings, and returns them with their
// offsets and the array's.
func (s *scanner) strings() (vs []string, ats []int, at int, err error) {
	at, err = s.array(func(int) error {
		v, vat, err := s.str()
		vs, ats = append(vs, v), append(ats, vat)
		return err
	})
	return vs, ats, at, err
}

// number reads a finite number.
func (s *scanner) number() (float64, error) {
	tok, at, err := s.token()
	if err != nil {
		return 0, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, s.failAt(at, wrongType("a number", tok))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		// Only an overflow fails: JSON syntax was checked, and an
		// underflow reads as zero.
		return 0, s.failAt(at, problem("is too large a number"))
	}
	return f, nil
}

// boolean reads true or false.
func (s *scanner) boolean() (bool, error) {
	tok, at, err := s.token()
	if err != nil {
		return false, err
	}
	b, ok := tok.(bool)
	if !ok {
		return false, s.failAt(at, wrongType("true or false", tok))
	}
	return b, nil
}
