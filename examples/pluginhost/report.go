package main

import (
	"fmt"
	"strings"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// count counts the objects of a kind in a view.
func count(v orgmodel.View, k orgmodel.Kind) int {
	n := 0
	for range v.All(k) {
		n++
	}
	return n
}

// delivery describes a payroll snapshot: its token (which names the
// delivery) and its records.
func delivery(s *connectors.PayrollSnapshot) string {
	return redact.NationalIDs(fmt.Sprintf("delivery %s: %d units, %d persons, %d engagements, %d leaves", s.Token,
		records(s.Units, func(u connectors.PayrollUnit) string { return u.Key }),
		records(s.Persons, func(p connectors.PayrollPerson) string { return p.Key }),
		records(s.Engagements, func(e connectors.PayrollEngagement) string { return e.Key }),
		records(s.Leaves, func(l connectors.PayrollLeave) string { return l.Key })))
}

// records counts the records of a payroll snapshot's rows: a record with
// history has a row per period.
func records[T any](rows []T, key func(T) string) int {
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		seen[key(r)] = true
	}
	return len(seen)
}

// employed counts the persons who should have an account on the day: an
// engagement then or within the days before a first day.
func employed(m *orgmodel.Model, day timeline.Date) int {
	v, n := m.Latest(), 0
	for _, p := range adsync.PersonsOn(v.At(day)) {
		for k := 0; k <= enableDaysBefore; k++ {
			if _, ok := v.At(day.AddDays(k)).PrimaryEngagement(p); ok {
				n++
				break
			}
		}
	}
	return n
}

// summary says what a run did: the accounts created, modified, moved and
// so on, the chapel's actions, and how many operations failed.
func summary(rep *adsync.RunReport) string {
	done := map[adsync.OpKind]int{}
	for _, r := range accountResults(rep) {
		if r.Err == nil && !r.Skipped {
			done[r.Op.Kind]++
		}
	}
	parts := []string{
		fmt.Sprintf("accounts: %d created, %d modified, %d moved", done[adsync.OpCreate], done[adsync.OpModify], done[adsync.OpMove]),
	}
	for _, k := range []adsync.OpKind{adsync.OpRename, adsync.OpLink, adsync.OpEnable} {
		if done[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", done[k], k))
		}
	}
	acts := map[chapel.Action]int{}
	if rep.Chapel != nil {
		for _, r := range rep.Chapel.Results {
			if r.Err == nil {
				acts[r.Item.Decision.Action]++
			}
		}
	}
	var chap []string
	for _, a := range []chapel.Action{chapel.Disable, chapel.Adopt, chapel.Reactivate, chapel.Redisable, chapel.Delete} {
		if acts[a] > 0 {
			chap = append(chap, fmt.Sprintf("%d %s", acts[a], a))
		}
	}
	if len(chap) == 0 {
		chap = []string{"nothing to do"}
	}
	parts = append(parts, "chapel: "+strings.Join(chap, ", "))
	parts = append(parts, fmt.Sprintf("%d errors", rep.Failed()))
	return strings.Join(parts, "; ")
}

// chapelActions counts the chapel's actions in a plan.
func chapelActions(rp *adsync.RunPlan) int {
	if rp.Chapel == nil {
		return 0
	}
	return len(rp.Chapel.Actions())
}

// failures lists what failed in a run, a line each, the first ten
// (adsync masks national ids in them).
func failures(rep *adsync.RunReport) []string {
	var out []string
	for _, err := range rep.Errors() {
		out = append(out, "failed: "+err.Error())
	}
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("… and %d more", len(out)-10))
	}
	return out
}

// accountResults are the results of a run's accounts part, if it ran.
func accountResults(rep *adsync.RunReport) []adsync.Result {
	if rep.Accounts == nil {
		return nil
	}
	return rep.Accounts.Results
}
