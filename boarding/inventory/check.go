package inventory

import (
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The limits on an asset's text, in bytes.
const (
	// MaxKindBytes is the most in a kind (the catalogue's limit on ids).
	MaxKindBytes = 128
	// MaxSerialBytes is the most in a serial.
	MaxSerialBytes = 128
	// MaxNoteBytes is the most in a note.
	MaxNoteBytes = 1024
	// MaxActorBytes is the most in an actor's name.
	MaxActorBytes = 200
)

// InvalidError is an asset or a change with a field a store does not
// take: an empty, oversized or not-UTF-8 text, a control character
// (NUL, a newline), a missing id or time. Nothing is stored or changed.
type InvalidError struct {
	// Field names the field ("serial", "note").
	Field string
	// Problem says what is wrong with it. It never quotes the field's
	// text, which may be anything.
	Problem string
}

// Error says which field is wrong and how.
func (e *InvalidError) Error() string {
	return "inventory: the " + e.Field + " " + e.Problem
}

// invalid returns an *InvalidError.
func invalid(field, problem string) error { return &InvalidError{Field: field, Problem: problem} }

// CheckText checks one text field the way every store does: present if
// required (more than white space), at most max bytes, UTF-8, and
// without control characters. Its error is an *InvalidError naming the
// field.
func CheckText(field, s string, max int, required bool) error {
	if required && blank(s) {
		return invalid(field, "is empty")
	}
	if err := connectors.CheckText(s, max); err != nil {
		return invalid(field, err.Error())
	}
	return nil
}

// CheckSerial checks a serial: a text of at most MaxSerialBytes, without
// white space at either end, which would make " 123" and "123" two
// assets.
func CheckSerial(s string) error {
	if err := CheckText("serial", s, MaxSerialBytes, true); err != nil {
		return err
	}
	if strings.TrimSpace(s) != s {
		return invalid("serial", "begins or ends with white space")
	}
	return nil
}

// CheckAsset checks an asset before a store keeps it: an id, a kind, a
// serial, a known status, a note that fits, a Version of at least 1, and
// hand-out fields that agree with the status (a deployed asset has a
// holder and a time of hand-out; any other has none of them).
func CheckAsset(a *Asset) error {
	if a.ID == uuid.Nil {
		return invalid("id", "is missing")
	}
	if err := CheckText("kind", a.Kind, MaxKindBytes, true); err != nil {
		return err
	}
	if err := CheckSerial(a.Serial); err != nil {
		return err
	}
	if err := CheckText("note", a.Note, MaxNoteBytes, false); err != nil {
		return err
	}
	switch {
	case !a.Status.Valid():
		return invalid("status", "is not one of pending, ready, deployed, undeployable and archived")
	case a.Version < 1:
		return invalid("version", "is below 1")
	case a.Status == Deployed && a.Holder == uuid.Nil:
		return invalid("holder", "is missing on a deployed asset")
	case a.Status == Deployed && a.HandedOut.IsZero():
		return invalid("handed_out", "is missing on a deployed asset")
	case a.Status == Deployed && !dueDate(a.ExpectedReturn):
		return invalid("expected_return", "is neither a day nor open")
	case a.Status != Deployed && (a.Holder != uuid.Nil || a.Unit != uuid.Nil || a.Order != uuid.Nil || !a.HandedOut.IsZero() || a.ExpectedReturn != 0):
		return invalid("holder", "and the other hand-out fields are set on an asset that is not deployed")
	}
	return nil
}

// CheckEntries checks the history entries a store writes with the asset
// id: each of that asset, with a time, an actor and a note that fits.
func CheckEntries(id uuid.UUID, log []Entry) error {
	for i := range log {
		e := &log[i]
		if e.Asset != id {
			return invalid("history", "has an entry of another asset")
		}
		if e.At.IsZero() {
			return invalid("history", "has an entry without a time")
		}
		if err := CheckText("actor", e.By, MaxActorBytes, true); err != nil {
			return err
		}
		if err := CheckText("note", e.Note, MaxNoteBytes, false); err != nil {
			return err
		}
	}
	return nil
}

// checkChange checks a change's own fields.
func checkChange(c *Change) error {
	if c.At.IsZero() {
		return invalid("time", "of the change is missing")
	}
	if err := CheckText("actor", c.By, MaxActorBytes, true); err != nil {
		return err
	}
	if err := CheckText("note", c.Note, MaxNoteBytes, false); err != nil {
		return err
	}
	if c.Action == HandOut && !dueDate(c.ExpectedReturn) {
		return invalid("expected_return", "is neither a day nor open")
	}
	return nil
}

// dueDate reports whether d can be an expected return: a day or Open.
func dueDate(d timeline.Date) bool { return d.Valid() || d == timeline.Open }

// blank reports whether s holds nothing but white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// clip shortens s for an error message.
func clip(s string) string { return shorten.To(s, 60) }

// CheckUpdate checks an Update before a store writes it: the asset as
// CheckAsset does, a Version above prev, and the entries.
func CheckUpdate(a *Asset, prev int, log []Entry) error {
	if err := CheckAsset(a); err != nil {
		return err
	}
	if a.Version <= prev {
		return invalid("version", "of a change is not above the version it was read at")
	}
	return CheckEntries(a.ID, log)
}

// ErrFixed is the error (an *InvalidError) of an Update that changes an
// asset's kind or serial: they are what the asset is.
var ErrFixed error = &InvalidError{Field: "serial", Problem: "and kind of an asset do not change"}
