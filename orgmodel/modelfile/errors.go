package modelfile

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
)

// Error is what Read, ReadFile and Write return for a document they refuse:
// where the problem is and what it is.
//
// Its text never holds a CPR number in full: the messages of this package
// quote input only through redaction, a CPR that does not parse is
// described by orgmodel's CPRError (which names positions, not digits), and
// Error runs the whole text through redaction once more as a safety net.
type Error struct {
	// File is the file's name, set by ReadFile; "" otherwise.
	File string
	// Path is the place in the document, such as
	// "snapshots[0].objects[12].history[1].from", or "" for the document as
	// a whole. A field that is missing is named by the path it should have
	// had.
	Path string
	// Line and Column are where in the text the problem is, both from 1,
	// the column counted in characters; 0 when there is no text (Write's
	// errors).
	Line, Column int
	// Err is the problem. It may be (or wrap) a *json.SyntaxError,
	// timeline.ErrDate or an *orgmodel.CPRError.
	Err error
}

// Error returns e.g. "modelfile: sample.json:14:20:
// snapshots[0].objects[2].history[0].to: is not after from (2024-01-01)",
// or "line 14, column 20" in place of the file's name and position when
// there is no file.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("modelfile: ")
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + ": ")
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column) + ": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid")
	}
	return redact.NationalIDs(b.String())
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// problem returns an error with a fixed text, for Error.Err.
func problem(text string) error { return errors.New(text) }

// quote returns outside text fit for a message: national ids masked,
// clipped to a short length, and quoted.
func quote(s string) string {
	return strconv.Quote(shorten.To(redact.NationalIDs(s), 40))
}

// position returns the line and column of byte offset off in data, both
// from 1, the column in characters so that it matches what an editor
// shows. Invalid UTF-8 counts a byte per character.
func position(data []byte, off int) (line, column int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[start:])
}

// firstInvalidUTF8 returns the offset of the first byte of data that is
// not valid UTF-8, or -1. encoding/json turns such bytes into U+FFFD
// without a word, which would change names silently.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
