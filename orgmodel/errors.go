package orgmodel

import (
	"errors"
	"fmt"
	"github.com/orgsync/orgsync/internal/shorten"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Rule names the rule a rejected change broke. Rules are stable: their
// numbers and names may be stored, sent and matched on. A Rule is an
// error, so errors.Is(err, orgmodel.RuleCycle) tells a caller which rule a
// change set broke.
type Rule uint8

// The rules a change set must keep.
const (
	// RuleRequired: a required attribute is missing.
	RuleRequired Rule = iota + 1
	// RuleText: a text attribute is too long, not UTF-8, or holds a
	// control character.
	RuleText
	// RuleRange: a number is out of its range.
	RuleRange
	// RuleMismatch: attributes contradict each other (an account bound to
	// both a person and a unit; a manager's engagement of another person).
	RuleMismatch
	// RuleInterval: an interval holds no day or its dates are out of order.
	RuleInterval
	// RuleUnknownObject: an operation names an object that does not exist.
	RuleUnknownObject
	// RuleExists: a create names an id that is or was in use.
	RuleExists
	// RuleWrongKind: attributes or a reference of the wrong kind.
	RuleWrongKind
	// RuleUnknownRef: a reference to an object that does not exist.
	RuleUnknownRef
	// RuleRefNotValid: a reference to an object that is not valid over the
	// whole period it is referred to (a terminated parent, an engagement
	// outside its unit's or person's validity, a manager of a unit that
	// does not exist then).
	RuleRefNotValid
	// RuleStillReferenced: a termination or deletion would leave other
	// objects pointing at nothing.
	RuleStillReferenced
	// RuleCycle: a unit would become its own ancestor.
	RuleCycle
	// RuleDuplicateNationalID: two persons with the same national id.
	RuleDuplicateNationalID
	// RuleInvalidNationalID: a national id the model's options do not
	// accept (a fictive CPR where none are allowed).
	RuleInvalidNationalID
	// RuleNotValid: an update or termination at a date on which the object
	// is not valid.
	RuleNotValid
	// RuleRegistration: the registration is incomplete or earlier than the
	// last one.
	RuleRegistration
)

var ruleNames = [...]string{
	RuleRequired:            "required",
	RuleText:                "text",
	RuleRange:               "range",
	RuleMismatch:            "mismatch",
	RuleInterval:            "interval",
	RuleUnknownObject:       "unknown-object",
	RuleExists:              "exists",
	RuleWrongKind:           "wrong-kind",
	RuleUnknownRef:          "unknown-reference",
	RuleRefNotValid:         "reference-not-valid",
	RuleStillReferenced:     "still-referenced",
	RuleCycle:               "cycle",
	RuleDuplicateNationalID: "duplicate-national-id",
	RuleInvalidNationalID:   "invalid-national-id",
	RuleNotValid:            "not-valid",
	RuleRegistration:        "registration",
}

// String returns the rule's stable name, such as "cycle".
func (r Rule) String() string {
	if int(r) < len(ruleNames) && ruleNames[r] != "" {
		return ruleNames[r]
	}
	return fmt.Sprintf("Rule(%d)", uint8(r))
}

// Error makes a Rule usable as the target of errors.Is.
func (r Rule) Error() string { return "orgmodel: rule " + r.String() }

// MarshalText returns the rule's name.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// ValidationError says which object broke which rule, and where. Its text
// names objects by id and user key, never by personal data.
type ValidationError struct {
	// Rule is the rule broken.
	Rule Rule
	// Kind and ID name the object the change was about.
	Kind Kind
	// ID is the object's id.
	ID uuid.UUID
	// UserKey is the object's user key, if it has one.
	UserKey string
	// Field is the attribute at fault, if one is.
	Field string
	// Ref is the object referred to, for the reference rules.
	Ref uuid.UUID
	// When is the period the problem covers, if it is about time.
	When timeline.Interval
	// Detail says what is wrong in words.
	Detail string
}

// Error formats the problem on one line. The free text in it (user key,
// detail) is masked for national ids, since a source may have put a CPR
// number in a key; ids are printed whole.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("orgmodel: ")
	if e.Kind.Valid() {
		b.WriteString(e.Kind.String())
		b.WriteByte(' ')
	}
	if e.ID != uuid.Nil {
		b.WriteString(e.ID.String())
	}
	if e.UserKey != "" {
		fmt.Fprintf(&b, " (%q)", redact.NationalIDs(clipText(e.UserKey)))
	}
	subject := b.Len() > len("orgmodel: ")
	if e.Field != "" {
		if subject {
			b.WriteString(": ")
		}
		b.WriteString(e.Field)
		subject = true
	}
	if e.Detail != "" {
		if subject {
			b.WriteString(": ")
		}
		b.WriteString(redact.NationalIDs(e.Detail))
	}
	if e.Ref != uuid.Nil {
		b.WriteString(" (")
		b.WriteString(e.Ref.String())
		b.WriteString(")")
	}
	if e.When != (timeline.Interval{}) {
		b.WriteString(" on ")
		b.WriteString(e.When.String())
	}
	b.WriteString(" [")
	b.WriteString(e.Rule.String())
	b.WriteString("]")
	return b.String()
}

// Is reports whether target is the rule e broke.
func (e *ValidationError) Is(target error) bool {
	r, ok := target.(Rule)
	return ok && r == e.Rule
}

// ChangeSetError is the error of a rejected change set: every problem
// found, up to MaxProblems. The model is unchanged.
type ChangeSetError struct {
	// Problems are the rules broken, in the order found.
	Problems []*ValidationError
	// More counts problems left out beyond MaxProblems.
	More int
}

// MaxProblems bounds the problems one ChangeSetError lists, so a broken
// import of 50,000 rows gives a readable error.
const MaxProblems = 100

// Error lists the problems, one per line after the first.
func (e *ChangeSetError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "orgmodel: change set rejected, nothing applied: %d problem(s)", len(e.Problems)+e.More)
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n\t… and %d more", e.More)
	}
	return b.String()
}

// Unwrap returns the problems, so errors.Is and errors.As see each one.
func (e *ChangeSetError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects validation errors up to MaxProblems.
type problems struct {
	list []*ValidationError
	more int
}

func (ps *problems) add(e *ValidationError) {
	if len(ps.list) < MaxProblems {
		ps.list = append(ps.list, e)
		return
	}
	ps.more++
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ChangeSetError{Problems: ps.list, More: ps.more}
}

// ErrClosed is returned by a model whose store has been closed.
var ErrClosed = errors.New("orgmodel: model is closed")

// clipText bounds outside text quoted in a message.
func clipText(s string) string { return shorten.To(s, 64) }
