package intake

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel"
)

// The errors a record's problem wraps, for errors.Is. A bad national id
// wraps orgmodel.ErrInvalidCPR instead (its *orgmodel.CPRError says why);
// what connectors.CheckPayroll finds wraps what it says.
var (
	// ErrDuplicateKey: two records of one kind have the same key (an
	// identity source's records have one row each).
	ErrDuplicateKey = errors.New("the key is another record's too")
	// ErrDuplicateNationalID: two persons (records with different keys)
	// have the same national id, which the org model refuses.
	ErrDuplicateNationalID = errors.New("another person has the same national id")
	// ErrOthersEngagement is a manager row whose engagement is another
	// person's on some of the row's days, which the org model refuses.
	ErrOthersEngagement = errors.New("the engagement is another person's")
	// ErrDuplicateAccount: two accounts have the same ObjectGUID.
	ErrDuplicateAccount = errors.New("another account has the same ObjectGUID")
	// ErrUnitNotFound: IdentityOptions.Unit does not know the unit key.
	ErrUnitNotFound = errors.New("no such unit")
	// ErrBadGUID: an ObjectGUID is not a lower-case UUID.
	ErrBadGUID = errors.New("not a lower-case UUID (an objectGUID as the directory contract writes it)")
	// ErrReference: ExportPayroll met a reference to an object that is not
	// in the snapshot, or not of the kind the field names.
	ErrReference = errors.New("refers to an object the snapshot does not have")
	// ErrNoNationalID: ExportPayroll met a person without a national id,
	// which a payroll record must have.
	ErrNoNationalID = errors.New("the person has no national id, which a payroll record needs")
)

// IdentityError is a problem with one record of a
// connectors.IdentitySnapshot: an identity or a service account. It says
// which (the list, the index in it, the key) and which field, so that the
// caller can point at the record in the source.
type IdentityError struct {
	// ServiceAccount says the record is in ServiceAccounts; otherwise it is
	// in Identities.
	ServiceAccount bool
	// Index is the record's index in its list.
	Index int
	// Key is the record's key (masked when printed).
	Key string
	// Field names the field at fault as the contract's Go type names it
	// ("ObjectGUID", "Addresses[1].Value"); empty for the record as a
	// whole.
	Field string
	// Err says what is wrong.
	Err error
}

// Error describes the problem. National ids in it are masked.
func (e *IdentityError) Error() string {
	what := "identity"
	if e.ServiceAccount {
		what = "service account"
	}
	s := "intake: " + what + " " + strconv.Quote(clip(e.Key)) + " (row " + strconv.Itoa(e.Index+1) + ")"
	if e.Field != "" {
		s += " " + e.Field
	}
	return redact.NationalIDs(s + ": " + e.Err.Error())
}

// Unwrap returns the underlying error.
func (e *IdentityError) Unwrap() error { return e.Err }

// ExportError is a problem with one object of the snapshot ExportPayroll
// was given: which object (kind, id, user key), which field, and what.
type ExportError struct {
	// Kind is the object's kind.
	Kind orgmodel.Kind
	// ID is the object's id.
	ID uuid.UUID
	// Key is the object's user key (masked when printed).
	Key string
	// Field names the payroll record's field at fault ("Parent",
	// "NationalID"), or "Key"; empty for the object as a whole.
	Field string
	// Err says what is wrong.
	Err error
}

// Error describes the problem. National ids in it are masked.
func (e *ExportError) Error() string {
	s := "intake: export: " + e.Kind.String() + " " + strconv.Quote(clip(e.Key)) + " (" + e.ID.String() + ")"
	if e.Field != "" {
		s += " " + e.Field
	}
	return redact.NationalIDs(s + ": " + e.Err.Error())
}

// Unwrap returns the underlying error.
func (e *ExportError) Unwrap() error { return e.Err }

// recordError returns a problem with a payroll row, as
// connectors.CheckPayroll reports its own.
func recordError(k connectors.PayrollKind, i int, key, field string, err error) error {
	return &connectors.RecordError{Kind: k, Index: i, Key: clip(key), Field: field, Err: err}
}

// checkSource checks a source's name as orgmodel.Import will.
func checkSource(source string) error {
	if strings.TrimSpace(source) == "" {
		return errors.New("intake: the source has no name")
	}
	if err := connectors.CheckText(source, orgmodel.MaxTextBytes); err != nil {
		return fmt.Errorf("intake: the source's name: %w", err)
	}
	return nil
}

// blank reports whether s holds nothing but white space, which the model
// refuses where a name is required.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// clip shortens a key or name for an error message.
func clip(s string) string { return shorten.To(s, 64) }
