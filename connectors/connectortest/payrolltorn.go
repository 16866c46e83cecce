package connectortest

import (
	"fmt"
	"reflect"

	"github.com/orgsync/orgsync/connectors"
)

// tornFrom checks a snapshot of a source that [PayrollFixture.Tears],
// taken while a and b were published in turn: it must pass
// CheckPayroll, every record in it must have the rows it has in a or in
// b, and every record that a and b hold alike must be there, unless a
// record it refers to is not (the connector left it out for want of its
// unit or person, and says so in Skipped).
func tornFrom(snap, a, b *connectors.PayrollSnapshot) error {
	if err := connectors.CheckPayroll(snap); err != nil {
		return fmt.Errorf("it fails CheckPayroll: %w", err)
	}
	got, ra, rb := recordsOf(snap), recordsOf(a), recordsOf(b)
	for ref, rows := range got {
		if !reflect.DeepEqual(rows, ra[ref]) && !reflect.DeepEqual(rows, rb[ref]) {
			return fmt.Errorf("%s %q has rows that neither version has", ref.Kind, ref.Key)
		}
	}
	for ref, rows := range ra {
		if _, ok := got[ref]; ok || !reflect.DeepEqual(rows, rb[ref]) {
			continue
		}
		if refersToMissing(rows, got) {
			continue
		}
		return fmt.Errorf("%s %q is in both versions alike but missing", ref.Kind, ref.Key)
	}
	return nil
}

// refersToMissing says whether a row of the record names a unit, person
// or engagement that got does not hold.
func refersToMissing(rows []any, got map[connectors.PayrollRef][]any) bool {
	missing := func(kind connectors.PayrollKind, key string) bool {
		if key == "" {
			return false
		}
		_, ok := got[connectors.PayrollRef{Kind: kind, Key: key}]
		return !ok
	}
	for _, row := range rows {
		switch r := row.(type) {
		case connectors.PayrollUnit:
			if missing(connectors.PayrollUnitKind, r.Parent) {
				return true
			}
		case connectors.PayrollEngagement:
			if missing(connectors.PayrollPersonKind, r.Person) || missing(connectors.PayrollUnitKind, r.Unit) {
				return true
			}
		case connectors.PayrollLeave:
			if missing(connectors.PayrollEngagementKind, r.Engagement) {
				return true
			}
		case connectors.PayrollManager:
			if missing(connectors.PayrollUnitKind, r.Unit) || missing(connectors.PayrollPersonKind, r.Person) ||
				missing(connectors.PayrollEngagementKind, r.Engagement) {
				return true
			}
		}
	}
	return false
}
