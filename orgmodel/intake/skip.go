package intake

import (
	"errors"
	"slices"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// maxSkipRounds bounds the rounds of PayrollSkipping and
// IdentitiesSkipping: each round leaves out the records the last one
// refused, and what referred to them is refused in the next.
const maxSkipRounds = 8

// PayrollSkipping is Payroll for a host that imports what it can: a
// record Payroll refuses is left out (and what refers to it, in the
// rounds after) and returned as skipped, with where it is and why,
// instead of stopping the whole import; the snapshot's own Skipped come
// first. An error that names no record (no snapshot, a bad source name)
// still fails it.
func PayrollSkipping(source string, s *connectors.PayrollSnapshot, opts PayrollOptions) (orgmodel.Snapshot, []connectors.SkippedRecord, error) {
	if s == nil {
		snap, err := Payroll(source, s, opts)
		return snap, nil, err
	}
	work := *s
	skipped := slices.Clone(s.Skipped)
	for range maxSkipRounds {
		snap, err := Payroll(source, &work, opts)
		if err == nil {
			return snap, connectors.CapSkipped(skipped), nil
		}
		bad := map[connectors.PayrollKind]map[string]bool{}
		for _, e := range flattenErrors(err) {
			var re *connectors.RecordError
			if !errors.As(e, &re) {
				return orgmodel.Snapshot{}, nil, err
			}
			if bad[re.Kind] == nil {
				bad[re.Kind] = map[string]bool{}
			}
			bad[re.Kind][re.Key] = true
			skipped = append(skipped, connectors.SkippedRecord{Where: "intake", Kind: re.Kind.String(), Key: re.Key, Field: re.Field, Problem: re.Err.Error()})
		}
		work.Units = slices.DeleteFunc(slices.Clone(work.Units), func(u connectors.PayrollUnit) bool { return bad[connectors.PayrollUnitKind][u.Key] })
		work.Persons = slices.DeleteFunc(slices.Clone(work.Persons), func(p connectors.PayrollPerson) bool { return bad[connectors.PayrollPersonKind][p.Key] })
		work.Engagements = slices.DeleteFunc(slices.Clone(work.Engagements), func(e connectors.PayrollEngagement) bool {
			return bad[connectors.PayrollEngagementKind][e.Key]
		})
		work.Leaves = slices.DeleteFunc(slices.Clone(work.Leaves), func(l connectors.PayrollLeave) bool { return bad[connectors.PayrollLeaveKind][l.Key] })
		work.Managers = slices.DeleteFunc(slices.Clone(work.Managers), func(m connectors.PayrollManager) bool { return bad[connectors.PayrollManagerKind][m.Key] })
	}
	return orgmodel.Snapshot{}, nil, errors.New("intake: the payroll still has refused records after leaving out those found in 8 rounds")
}

// IdentitiesSkipping is Identities as PayrollSkipping is Payroll: a
// record Identities refuses is left out and returned as skipped.
func IdentitiesSkipping(source string, s *connectors.IdentitySnapshot, opts IdentityOptions) (orgmodel.Snapshot, []connectors.SkippedRecord, error) {
	if s == nil {
		snap, err := Identities(source, s, opts)
		return snap, nil, err
	}
	work := *s
	skipped := slices.Clone(s.Skipped)
	for range maxSkipRounds {
		snap, err := Identities(source, &work, opts)
		if err == nil {
			return snap, connectors.CapSkipped(skipped), nil
		}
		bad := map[bool]map[string]bool{false: {}, true: {}}
		for _, e := range flattenErrors(err) {
			var ie *IdentityError
			if !errors.As(e, &ie) {
				return orgmodel.Snapshot{}, nil, err
			}
			bad[ie.ServiceAccount][ie.Key] = true
			kind := "identity"
			if ie.ServiceAccount {
				kind = "service account"
			}
			skipped = append(skipped, connectors.SkippedRecord{Where: "intake", Kind: kind, Key: ie.Key, Field: ie.Field, Problem: ie.Err.Error()})
		}
		work.Identities = slices.DeleteFunc(slices.Clone(work.Identities), func(id connectors.Identity) bool { return bad[false][id.Key] })
		work.ServiceAccounts = slices.DeleteFunc(slices.Clone(work.ServiceAccounts), func(sa connectors.ServiceAccount) bool { return bad[true][sa.Key] })
	}
	return orgmodel.Snapshot{}, nil, errors.New("intake: the identities still have refused records after leaving out those found in 8 rounds")
}

// flattenErrors returns the errors joined in err, or err itself.
func flattenErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}
