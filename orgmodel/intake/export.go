package intake

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// ExportPayroll is Payroll the other way: it turns the units, persons,
// engagements and leaves of an org-model snapshot into the payroll
// snapshot a payroll connector would deliver, a row per span, so that a
// generated model (synth's Payroll snapshot) can be written as payroll
// files and read back. The package doc says which fields it writes and
// which it leaves out; objects of other kinds are not payroll data and
// are skipped.
//
// A record's key is its object's user key, and references become the user
// keys of the objects they name, which must be in the snapshot and of the
// right kind. It refuses (each problem an *ExportError, joined, and no
// snapshot) a payroll object without a user key or with one another
// object of its kind has, a reference it cannot turn into a key, a person
// without a national id (a payroll record needs one), and an engagement
// whose employment number is not its user key. What it makes is then
// checked with connectors.CheckPayroll, whose *connectors.RecordErrors it
// returns as they are (a name too long for the contract, say).
//
// The national ids are written in full: a payroll snapshot is personal
// data, to be kept as the payroll system's is.
func ExportPayroll(snap orgmodel.Snapshot) (*connectors.PayrollSnapshot, error) {
	type kindKey struct {
		kind orgmodel.Kind
		key  string
	}
	type named struct {
		kind orgmodel.Kind
		key  string
	}
	var errs []error
	byID := make(map[uuid.UUID]named, len(snap.Objects))
	byKey := make(map[kindKey]uuid.UUID, len(snap.Objects))
	for _, o := range snap.Objects {
		if !payrollKind(o.Kind) {
			continue
		}
		fail := func(field string, err error) {
			errs = append(errs, &ExportError{Kind: o.Kind, ID: o.ID, Key: clip(o.UserKey), Field: field, Err: err})
		}
		switch {
		case o.UserKey == "":
			fail("Key", errors.New("is empty: a payroll record's key is its object's user key"))
		case connectors.CheckText(o.UserKey, connectors.MaxKeyBytes) != nil:
			fail("Key", connectors.CheckText(o.UserKey, connectors.MaxKeyBytes))
		default:
			if other, dup := byKey[kindKey{o.Kind, o.UserKey}]; dup {
				fail("Key", fmt.Errorf("%w (%s)", ErrDuplicateKey, other))
			}
			byKey[kindKey{o.Kind, o.UserKey}] = o.ID
		}
		if prev, dup := byID[o.ID]; dup {
			fail("", fmt.Errorf("the id is the %s %q's too", prev.kind, clip(prev.key)))
		}
		byID[o.ID] = named{o.Kind, o.UserKey}
	}

	out := &connectors.PayrollSnapshot{}
	for _, o := range snap.Objects {
		if !payrollKind(o.Kind) {
			continue
		}
		failed := map[string]bool{}
		fail := func(field string, err error) {
			if !failed[field] {
				failed[field] = true
				errs = append(errs, &ExportError{Kind: o.Kind, ID: o.ID, Key: clip(o.UserKey), Field: field, Err: err})
			}
		}
		// key returns the user key of the object a reference names.
		key := func(field string, id uuid.UUID, want orgmodel.Kind) string {
			n, ok := byID[id]
			switch {
			case !ok:
				fail(field, fmt.Errorf("%w: %s", ErrReference, id))
			case n.kind != want:
				fail(field, fmt.Errorf("%w: %s is a %s, not a %s", ErrReference, id, n.kind, want))
			}
			return n.key
		}
		if o.Timeline.IsEmpty() {
			fail("Valid", errors.New("the object has no validity"))
		}
		for sp := range o.Timeline.All() {
			if sp.Value == nil || sp.Value.Kind() != o.Kind {
				fail("", fmt.Errorf("a span of %s holds attributes of another kind", sp.Interval))
				continue
			}
			switch a := sp.Value.(type) {
			case orgmodel.UnitAttrs:
				u := connectors.PayrollUnit{Key: o.UserKey, Name: a.Name, Level: a.Level, Type: a.Type, Valid: sp.Interval}
				if a.Parent != uuid.Nil {
					u.Parent = key("Parent", a.Parent, orgmodel.KindUnit)
				}
				out.Units = append(out.Units, u)
			case orgmodel.PersonAttrs:
				if a.NationalID.IsZero() {
					fail("NationalID", ErrNoNationalID)
				}
				out.Persons = append(out.Persons, connectors.PayrollPerson{
					Key:        o.UserKey,
					NationalID: connectors.NationalID(a.NationalID.Reveal()),
					GivenNames: a.GivenNames,
					Surname:    a.Surname,
					Valid:      sp.Interval,
				})
			case orgmodel.EngagementAttrs:
				if a.EmploymentNumber != "" && a.EmploymentNumber != o.UserKey {
					fail("Key", fmt.Errorf("the employment number %q is not the user key: a payroll engagement's key is its employment number", clip(a.EmploymentNumber)))
				}
				out.Engagements = append(out.Engagements, connectors.PayrollEngagement{
					Key:         o.UserKey,
					Person:      key("Person", a.Person, orgmodel.KindPerson),
					Unit:        key("Unit", a.SourcePlacement(), orgmodel.KindUnit),
					JobFunction: a.JobFunction,
					Type:        a.Type,
					Fraction:    a.Fraction,
					Valid:       sp.Interval,
				})
			case orgmodel.LeaveAttrs:
				out.Leaves = append(out.Leaves, connectors.PayrollLeave{
					Key:        o.UserKey,
					Engagement: key("Engagement", a.Engagement, orgmodel.KindEngagement),
					Type:       a.Type,
					Valid:      sp.Interval,
				})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := connectors.CheckPayroll(out); err != nil {
		return nil, err
	}
	return out, nil
}

// payrollKind reports whether objects of kind k are payroll records.
func payrollKind(k orgmodel.Kind) bool {
	switch k {
	case orgmodel.KindUnit, orgmodel.KindPerson, orgmodel.KindEngagement, orgmodel.KindLeave:
		return true
	}
	return false
}
