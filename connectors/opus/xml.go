package opus

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// field is a child element of a record the connector reads.
type field uint8

// The fields read; every other child element is ignored.
const (
	fStartDate field = iota
	fEndDate
	fParent
	fShortName
	fLongName
	fOrgType
	fOrgTypeTxt
	fEntryDate
	fLeaveDate
	fCPR
	fFirstName
	fLastName
	fWorkContract
	fWorkContractText
	fPosition
	fIsManager
	fSuperiorLevel
	fSubordinateLevel
	fOrgUnit
	fNumerator
	fDenominator
	fType
	nFields
)

// fieldNames are the fields' element names, by field.
var fieldNames = [nFields]string{
	fStartDate: "startDate", fEndDate: "endDate", fParent: "parentOrgUnit", fShortName: "shortName",
	fLongName: "longName", fOrgType: "orgType", fOrgTypeTxt: "orgTypeTxt", fEntryDate: "entryDate",
	fLeaveDate: "leaveDate", fCPR: "cpr", fFirstName: "firstName", fLastName: "lastName",
	fWorkContract: "workContract", fWorkContractText: "workContractText", fPosition: "position",
	fIsManager: "isManager", fSuperiorLevel: "superiorLevel", fSubordinateLevel: "subordinateLevel",
	fOrgUnit: "orgUnit", fNumerator: "numerator", fDenominator: "denominator", fType: "type",
}

// fieldOf returns the field an element name names.
var fieldOf = func() map[string]field {
	m := make(map[string]field, nFields)
	for f, n := range fieldNames {
		m[n] = field(f)
	}
	return m
}()

// elemKind is the kind of a record element under <kmd>.
type elemKind uint8

// The record elements: OPUS's two, and orgsync's two (see the package
// documentation).
const (
	orgUnitElem elemKind = iota
	employeeElem
	personElem
	absenceElem
	nKinds
)

// kindNames are the record elements' names.
var kindNames = [nKinds]string{"orgUnit", "employee", "person", "absence"}

// element is one record element as the dump writes it: its attributes
// and the text of its fields, spaces trimmed; an empty element is "".
type element struct {
	kind   elemKind
	line   int
	id     string
	ref    string // an absence's employee attribute
	leave  bool   // action="leave"
	has    [nFields]bool
	val    [nFields]string
	bad    field  // the first field at fault in the XML, if problem
	badMsg string // what is wrong with it; "" if nothing
}

// dumpError is a problem with a dump as a whole: it is not complete XML,
// or not an OPUS dump. The dump is passed over.
type dumpError struct {
	line       int
	incomplete bool // the document has not ended: it may be being written
	err        error
}

func (e *dumpError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("line %d: %v", e.line, e.err)
	}
	return e.err.Error()
}

// checkEvery is how many records are read between looks at the context.
const checkEvery = 1024

// charsetReader reads the 8-bit encodings Danish exports are written in.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "iso_8859-1":
		return charmap.ISO8859_1.NewDecoder().Reader(r), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	case "iso-8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15.NewDecoder().Reader(r), nil
	}
	return nil, fmt.Errorf("the encoding %q is not one the connector reads (UTF-8, ISO-8859-1, ISO-8859-15, Windows-1252)", label)
}

// decodeXML reads a dump's record elements, calling fn with each (the
// element is reused: fn copies what it keeps). It returns a *dumpError if
// the dump is not a whole OPUS document, or ctx.Err().
func decodeXML(ctx context.Context, data []byte, fn func(*element)) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	line := func() int { l, _ := d.InputPos(); return l }
	fail := func(err error) error {
		var de *dumpError
		if errors.As(err, &de) {
			if de.line == 0 {
				de.line = line()
			}
			return de
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			inc := strings.Contains(se.Msg, "unexpected EOF")
			return &dumpError{line: se.Line, incomplete: inc, err: errors.New(se.Msg)}
		}
		return &dumpError{line: line(), err: err}
	}
	// The root.
	var root xml.StartElement
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return &dumpError{incomplete: true, err: errors.New("no root element: the file is empty or being written")}
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			root = t
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return &dumpError{line: line(), err: errors.New("text before the root element")}
			}
			continue
		default:
			continue
		}
		break
	}
	if root.Name.Local != "kmd" {
		return &dumpError{line: line(), err: fmt.Errorf("the root element is <%s>, not <kmd>: not an OPUS dump", root.Name.Local)}
	}
	var e element
	for n := 1; ; n++ {
		if n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := d.RawToken()
		if err == io.EOF {
			return &dumpError{line: line(), incomplete: true, err: errors.New("the file ends before </kmd>: it is being written, or was cut short")}
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			k := elemKind(255)
			for i, name := range kindNames {
				if t.Name.Local == name {
					k = elemKind(i)
				}
			}
			if k == 255 {
				if err := skip(d, t.Name.Local); err != nil {
					return fail(err)
				}
				continue
			}
			e = element{kind: k, line: line()}
			for _, a := range t.Attr {
				v := strings.TrimSpace(a.Value)
				switch a.Name.Local {
				case "id":
					e.id = v
				case "action":
					e.leave = v == "leave"
				case "employee":
					e.ref = v
				}
			}
			if err := readFields(d, &e, t.Name.Local); err != nil {
				return fail(err)
			}
			fn(&e)
		case xml.EndElement:
			if t.Name.Local != root.Name.Local {
				return &dumpError{line: line(), err: fmt.Errorf("</%s> closes <%s>", t.Name.Local, root.Name.Local)}
			}
			return trailer(d, line)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return &dumpError{line: line(), err: errors.New("text between records")}
			}
		}
	}
}

// trailer reads what follows the root's end: only spaces, comments and
// processing instructions may.
func trailer(d *xml.Decoder, line func() int) error {
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &dumpError{line: line(), err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			return &dumpError{line: line(), err: errors.New("an element after </kmd>")}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return &dumpError{line: line(), err: errors.New("text after </kmd>")}
			}
		}
	}
}

// readFields reads a record element's children up to its end tag.
func readFields(d *xml.Decoder, e *element, name string) error {
	for {
		tok, err := d.RawToken()
		if err != nil {
			return eofIsIncomplete(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			f, ok := fieldOf[t.Name.Local]
			if !ok {
				if err := skip(d, t.Name.Local); err != nil {
					return err
				}
				continue
			}
			text, nested, err := readText(d, t.Name.Local)
			if err != nil {
				return err
			}
			switch {
			case e.badMsg != "":
			case e.has[f]:
				e.bad, e.badMsg = f, "given twice"
			case nested:
				e.bad, e.badMsg = f, "holds elements, not text"
			}
			e.has[f], e.val[f] = true, clean(f, text)
		case xml.EndElement:
			if t.Name.Local != name {
				return fmt.Errorf("</%s> closes <%s>", t.Name.Local, name)
			}
			return nil
		}
	}
}

// readText reads a field's text up to its end tag, and whether it held
// elements.
func readText(d *xml.Decoder, name string) (string, bool, error) {
	var (
		text   string
		buf    []byte
		n      int
		nested bool
	)
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", false, eofIsIncomplete(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			switch n {
			case 0:
				text = string(t)
			case 1:
				buf = append([]byte(text), t...)
			default:
				buf = append(buf, t...)
			}
			n++
		case xml.StartElement:
			nested = true
			if err := skip(d, t.Name.Local); err != nil {
				return "", false, err
			}
		case xml.EndElement:
			if t.Name.Local != name {
				return "", false, fmt.Errorf("</%s> closes <%s>", t.Name.Local, name)
			}
			if n > 1 {
				text = string(buf)
			}
			return text, nested, nil
		}
	}
}

// isText are the fields that hold text, which is kept as written (but
// for text that is only spaces, which is empty); the others (dates,
// numbers, ids, flags) have the spaces around them trimmed, as OPUS
// writes "37 " for a numerator.
var isText = [nFields]bool{fShortName: true, fLongName: true, fOrgType: true, fOrgTypeTxt: true, fFirstName: true,
	fLastName: true, fWorkContract: true, fWorkContractText: true, fPosition: true, fType: true}

// clean returns a field's text as the connector reads it.
func clean(f field, s string) string {
	t := strings.TrimSpace(s)
	if isText[f] && t != "" {
		return s
	}
	return t
}

// skip reads past the element whose start tag was just read.
func skip(d *xml.Decoder, name string) error {
	names := []string{name}
	for len(names) > 0 {
		tok, err := d.RawToken()
		if err != nil {
			return eofIsIncomplete(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			names = append(names, t.Name.Local)
		case xml.EndElement:
			if t.Name.Local != names[len(names)-1] {
				return fmt.Errorf("</%s> closes <%s>", t.Name.Local, names[len(names)-1])
			}
			names = names[:len(names)-1]
		}
	}
	return nil
}

// errEOF is the end of the file inside an element.
var errEOF = errors.New("the file ends inside an element: it is being written, or was cut short")

func eofIsIncomplete(err error) error {
	if err == io.EOF {
		return &dumpError{incomplete: true, err: errEOF}
	}
	return err
}
