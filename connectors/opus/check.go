package opus

import (
	"errors"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
)

// fieldsOf name, by kind of record, the elements that hold the contract's
// fields, for the reports of CheckPayroll's problems.
var fieldsOf = [nKinds]map[string]string{
	orgUnitElem:  {"Key": "id", "Parent": "parentOrgUnit", "Name": "longName", "Level": "orgType", "Type": "orgTypeTxt", "Valid": "startDate"},
	employeeElem: {"Key": "id", "Person": "cpr", "Unit": "orgUnit", "JobFunction": "position", "Type": "workContractText", "Fraction": "numerator", "Valid": "entryDate"},
	personElem:   {"Key": "id", "NationalID": "cpr", "GivenNames": "firstName", "Surname": "lastName", "Valid": "startDate"},
	absenceElem:  {"Key": "id", "Engagement": "employee", "Type": "type", "Valid": "startDate"},
}

// managerFields name the elements that hold a manager role's fields: the
// role is its employee element's.
var managerFields = map[string]string{"Key": "id", "Unit": "orgUnit", "Person": "cpr", "Engagement": "id", "Type": "position",
	"Level": "superiorLevel", "Valid": "entryDate"}

// elemOf is the record element of each kind of the contract's records.
var elemOf = map[connectors.PayrollKind]elemKind{
	connectors.PayrollUnitKind:       orgUnitElem,
	connectors.PayrollPersonKind:     personElem,
	connectors.PayrollEngagementKind: employeeElem,
	connectors.PayrollLeaveKind:      absenceElem,
	connectors.PayrollManagerKind:    employeeElem,
}

// check runs connectors.CheckPayroll over the rows and leaves out every
// record it finds a problem with (all its rows), reporting where the row
// came from, until the rest passes: a unit left out takes the employees
// in it along, each reported. What passes is the state's snapshot, its
// manager roles (from the employees marked isManager) included; a role
// that fails the check takes its employee along. With derived, the
// persons are derived from the engagements left on every round, and a
// person left out takes its engagements along.
func (s *state) check(units []unitRow, persons []personRow, emps []empRow, absences []absenceRow, derived bool) {
	for {
		if derived {
			persons = derive(emps)
		}
		snap := connectors.PayrollSnapshot{
			Units:       make([]connectors.PayrollUnit, len(units)),
			Persons:     make([]connectors.PayrollPerson, len(persons)),
			Engagements: make([]connectors.PayrollEngagement, len(emps)),
			Leaves:      make([]connectors.PayrollLeave, len(absences)),
		}
		for i := range units {
			snap.Units[i] = units[i].PayrollUnit
		}
		for i := range persons {
			snap.Persons[i] = persons[i].PayrollPerson
		}
		for i := range emps {
			snap.Engagements[i] = emps[i].PayrollEngagement
		}
		for i := range absences {
			snap.Leaves[i] = absences[i].PayrollLeave
		}
		var managersAt []at
		snap.Managers, managersAt = payrollManagers(emps)
		err := connectors.CheckPayroll(&snap)
		if err == nil {
			s.snap = snap
			s.managers = managersOf(emps)
			return
		}
		drop := map[connectors.PayrollRef]bool{}
		for _, err := range unjoin(err) {
			var re *connectors.RecordError
			if !errors.As(err, &re) || !re.Kind.Valid() {
				// Not a row's problem: nothing can be left out for it.
				s.snap = snap
				s.managers = managersOf(emps)
				s.skipped = append(s.skipped, connectors.SkippedRecord{Kind: "dump", Problem: maskedText(err)})
				return
			}
			k := elemOf[re.Kind]
			fields := fieldsOf[k]
			var where at
			key := re.Key
			switch re.Kind {
			case connectors.PayrollUnitKind:
				where, key = units[re.Index].at, units[re.Index].Key
			case connectors.PayrollPersonKind:
				where, key = persons[re.Index].at, persons[re.Index].Key
			case connectors.PayrollEngagementKind:
				where, key = emps[re.Index].at, emps[re.Index].Key
			case connectors.PayrollLeaveKind:
				where, key = absences[re.Index].at, absences[re.Index].Key
			case connectors.PayrollManagerKind:
				// The role is its employee's: leave the employee out.
				where, key, fields = managersAt[re.Index], snap.Managers[re.Index].Engagement, managerFields
			}
			ref := connectors.PayrollRef{Kind: re.Kind, Key: key}
			if re.Kind == connectors.PayrollManagerKind {
				ref.Kind = connectors.PayrollEngagementKind
			}
			if drop[ref] {
				continue
			}
			drop[ref] = true
			field := fields[re.Field]
			if field == "" {
				field = re.Field
			}
			s.skip(k, where, key, field, re.Err)
		}
		units = dropRows(units, drop, connectors.PayrollUnitKind, func(r *unitRow) string { return r.Key })
		persons = dropRows(persons, drop, connectors.PayrollPersonKind, func(r *personRow) string { return r.Key })
		if derived {
			for _, e := range emps {
				ref := connectors.PayrollRef{Kind: connectors.PayrollEngagementKind, Key: e.Key}
				if drop[connectors.PayrollRef{Kind: connectors.PayrollPersonKind, Key: e.Person}] && !drop[ref] {
					drop[ref] = true
					s.skip(employeeElem, e.at, e.Key, "cpr", errors.New("the person of this CPR number is left out (see the person's record)"))
				}
			}
		}
		emps = dropRows(emps, drop, connectors.PayrollEngagementKind, func(r *empRow) string { return r.Key })
		absences = dropRows(absences, drop, connectors.PayrollLeaveKind, func(r *absenceRow) string { return r.Key })
	}
}

// dropRows returns rows without those of the records in drop.
func dropRows[T any](rows []T, drop map[connectors.PayrollRef]bool, kind connectors.PayrollKind, key func(*T) string) []T {
	out := rows[:0:0]
	for i := range rows {
		if !drop[connectors.PayrollRef{Kind: kind, Key: key(&rows[i])}] {
			out = append(out, rows[i])
		}
	}
	return out
}

// unjoin returns the errors errors.Join joined.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// maskedText returns an error's text with national ids masked.
func maskedText(err error) string { return redact.NationalIDs(err.Error()) }
