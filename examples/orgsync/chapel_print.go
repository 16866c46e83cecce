package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// chapelStates are the states list shows: every account in the chapel OU,
// and those stamped outside it (a run that stopped half-way).
var chapelStates = []chapel.State{chapel.InChapel, chapel.ReenabledInChapel, chapel.UnstampedInChapel, chapel.BadStamp, chapel.Interrupted}

// listLine is one account in list's output; with --json it is printed as
// one JSON object a line.
type listLine struct {
	Username    string `json:"username"`
	ID          string `json:"id"`
	DN          string `json:"dn"`
	State       string `json:"state"`
	Disabled    string `json:"disabled,omitempty"`
	Reason      string `json:"reason,omitempty"`
	DeletionDue string `json:"deletion_due,omitempty"`
	Action      string `json:"action"`
	Note        string `json:"note"`
	sortKey     string
}

// actionLine is one action of a plan (type "action"), or one result of
// apply (type "result"), in --json output.
type actionLine struct {
	Type            string `json:"type"`
	Result          string `json:"result,omitempty"`
	Action          string `json:"action"`
	Username        string `json:"username"`
	ID              string `json:"id"`
	DN              string `json:"dn"`
	State           string `json:"state"`
	Target          string `json:"target,omitempty"`
	Reason          string `json:"reason"`
	QuarantineUntil string `json:"quarantine_until,omitempty"`
	Error           string `json:"error,omitempty"`
}

// errorLine is an account that could not be planned (type "error").
type errorLine struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	DN    string `json:"dn"`
	Error string `json:"error"`
}

// planLine sums a plan up (type "plan").
type planLine struct {
	Type        string `json:"type"`
	Now         string `json:"now"`
	InScope     int    `json:"in_scope"`
	Actions     int    `json:"actions"`
	Errors      int    `json:"errors"`
	Tripped     string `json:"tripped"`
	Fingerprint string `json:"fingerprint"`
}

// tombstoneLine is a deleted account (type "tombstone").
type tombstoneLine struct {
	Type            string `json:"type"`
	ID              string `json:"id"`
	Username        string `json:"username"`
	Deleted         string `json:"deleted"`
	QuarantineUntil string `json:"quarantine_until"`
}

// summaryLine sums apply up (type "summary").
type summaryLine struct {
	Type        string `json:"type"`
	Done        int    `json:"done"`
	Failed      int    `json:"failed"`
	Fingerprint string `json:"fingerprint"`
	Approved    bool   `json:"approved"`
}

func (c *chapelCmd) json(v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(c.stdout, "%s\n", b)
}

// table is a tabwriter that writes its lines to the command's output
// without the padding after their last cell.
type table struct {
	buf bytes.Buffer
	tw  *tabwriter.Writer
	out io.Writer
}

func (c *chapelCmd) table() *table {
	t := &table{out: c.stdout}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	return t
}

// row writes one line of cells.
func (t *table) row(cells ...string) { fmt.Fprintln(t.tw, strings.Join(cells, "\t")) }

// flush writes the table out.
func (t *table) flush() {
	t.tw.Flush()
	for _, l := range strings.SplitAfter(t.buf.String(), "\n") {
		if l != "" {
			fmt.Fprintln(t.out, strings.TrimRight(l, " \n"))
		}
	}
}

func (c *chapelCmd) at() string { return c.now.In(c.zone.Location()).Format(time.RFC3339) }

// count says "1 action", "2 actions": n and the noun, plural unless n is
// 1 (the plural is the noun with an s, or the one given).
func count(n int, noun string, plural ...string) string {
	if n == 1 {
		return "1 " + noun
	}
	if len(plural) > 0 {
		return strconv.Itoa(n) + " " + plural[0]
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printList shows who is in the chapel, the next deletion first.
func (c *chapelCmd) printList(ctx context.Context, plan *chapel.Plan) {
	var out []listLine
	for _, it := range plan.Items {
		d := it.Decision
		if !slices.Contains(chapelStates, d.State) {
			continue
		}
		l := listLine{Username: it.Account.Username, ID: it.Account.ID, DN: it.Account.DN, State: d.State.String(), Action: d.Action.String(), Note: d.Reason, sortKey: "~"}
		if d.Stamp.Reason != "" {
			l.Disabled, l.Reason = d.Stamp.Disabled.String(), string(d.Stamp.Reason)
		}
		switch {
		case d.Action == chapel.Delete:
			l.DeletionDue = c.deletionDay(ctx, it).String()
		case d.State == chapel.InChapel && !d.Due.IsZero():
			l.DeletionDue = c.zone.Date(d.Due).String()
		}
		if l.DeletionDue != "" {
			l.sortKey = l.DeletionDue
		}
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(a, b listLine) int {
		return cmp.Or(cmp.Compare(a.sortKey, b.sortKey), cmp.Compare(a.Username, b.Username))
	})
	if c.asJSON {
		for _, l := range out {
			c.json(l)
		}
		return
	}
	if len(out) == 0 {
		fmt.Fprintf(c.stdout, "in the chapel at %s: nobody (%s in scope)\n", c.at(), count(plan.InScope, "account"))
		return
	}
	fmt.Fprintf(c.stdout, "in the chapel at %s: %d of %s in scope\n", c.at(), len(out), count(plan.InScope, "account"))
	tw := c.table()
	header := []string{"USERNAME", "STATE", "DISABLED", "REASON", "DELETION DUE", "DN"}
	if slices.ContainsFunc(out, func(l listLine) bool { return l.DeletionDue == "" }) {
		header = append(header, "NOTE")
	}
	tw.row(header...)
	for _, l := range out {
		due, note := l.DeletionDue, ""
		switch {
		case l.Action == chapel.Delete.String():
			due = "now (since " + due + ")"
		case due == "":
			note = l.Note
		}
		tw.row(orDash(l.Username), l.State, orDash(l.Disabled), orDash(l.Reason), orDash(due), l.DN, note)
	}
	tw.flush()
	c.printErrors(plan)
}

// deletionDay is the day an account whose deletion is due now became due
// for it (the decision says only that it is due): its stamp's day plus
// the retention for its person's unit.
func (c *chapelCmd) deletionDay(ctx context.Context, it chapel.Item) timeline.Date {
	pol := c.runner.Policy
	r := pol.Retention
	if p, err := c.runner.People.Person(ctx, it.Account, c.now); err == nil {
		if ur, ok := pol.UnitRetention[p.Unit]; ok {
			r = ur
		}
	}
	return r.After(it.Decision.Stamp.Disabled)
}

// reason is an action's reason as a plan shows it.
func (c *chapelCmd) reason(d chapel.Decision) string {
	if d.Action == chapel.Delete {
		return d.Reason + "; the username is quarantined until " + d.QuarantineUntil.String()
	}
	return d.Reason
}

func (c *chapelCmd) actionLine(typ string, it chapel.Item) actionLine {
	d := it.Decision
	l := actionLine{Type: typ, Action: d.Action.String(), Username: it.Account.Username, ID: it.Account.ID, DN: it.Account.DN, State: d.State.String(), Target: d.Target, Reason: d.Reason}
	if d.Action == chapel.Delete {
		l.QuarantineUntil = d.QuarantineUntil.String()
	}
	return l
}

// printPlan shows the plan's actions with their reasons, the errors, the
// breaker's verdict and the fingerprint.
func (c *chapelCmd) printPlan(plan *chapel.Plan) {
	actions := plan.Actions()
	if c.asJSON {
		for _, it := range actions {
			c.json(c.actionLine("action", it))
		}
		for _, e := range plan.Errors {
			c.json(errorLine{Type: "error", ID: e.ID, DN: e.DN, Error: e.Err.Error()})
		}
		c.json(planLine{Type: "plan", Now: c.at(), InScope: plan.InScope, Actions: len(actions), Errors: len(plan.Errors), Tripped: plan.Tripped, Fingerprint: plan.Fingerprint()})
		return
	}
	if len(actions) == 0 {
		fmt.Fprintf(c.stdout, "plan at %s: nothing to do for %s in scope\n", c.at(), count(plan.InScope, "account"))
		c.printErrors(plan)
		return
	}
	fmt.Fprintf(c.stdout, "plan at %s: %s for %s in scope\n", c.at(), count(len(actions), "action"), count(plan.InScope, "account"))
	tw := c.table()
	tw.row("ACTION", "USERNAME", "DN", "TARGET", "REASON")
	for _, it := range actions {
		tw.row(it.Decision.Action.String(), orDash(it.Account.Username), it.Account.DN, orDash(it.Decision.Target), c.reason(it.Decision))
	}
	tw.flush()
	c.printErrors(plan)
	if plan.Tripped != "" {
		fmt.Fprintf(c.stdout, "breaker: tripped: %s; apply needs --approve %s\n", plan.Tripped, plan.Fingerprint())
	} else {
		fmt.Fprintf(c.stdout, "breaker: not tripped: %s\n", c.breakerCount(plan))
	}
	fmt.Fprintf(c.stdout, "fingerprint: %s\n", plan.Fingerprint())
}

// breakerCount says how a plan stands against the breaker's limits.
func (c *chapelCmd) breakerCount(plan *chapel.Plan) string {
	n := 0
	for _, it := range plan.Items {
		switch it.Decision.Action {
		case chapel.Disable, chapel.Adopt, chapel.Redisable, chapel.Delete:
			n++
		}
	}
	limit := func(on bool, s string) string {
		if on {
			return s
		}
		return "none"
	}
	b := c.runner.Breaker
	return fmt.Sprintf("%s of %s in scope (limits: %s, %s)", count(n, "disable or deletion", "disables and deletions"), count(plan.InScope, "account"),
		limit(b.MaxActions > 0, strconv.Itoa(b.MaxActions)), limit(b.MaxShare > 0, strconv.FormatFloat(100*b.MaxShare, 'f', 1, 64)+"%"))
}

// printErrors lists the accounts that could not be planned.
func (c *chapelCmd) printErrors(plan *chapel.Plan) {
	if len(plan.Errors) == 0 {
		return
	}
	fmt.Fprintf(c.stdout, "%s could not be planned:\n", count(len(plan.Errors), "account"))
	for _, e := range plan.Errors {
		fmt.Fprintf(c.stdout, "  %s: %v\n", e.DN, e.Err)
	}
}

// printReport shows how each action went and the tombstones.
func (c *chapelCmd) printReport(plan *chapel.Plan, rep *chapel.Report) {
	failed := rep.Failed()
	approved := plan.Tripped != "" && c.approve == plan.Fingerprint()
	if c.asJSON {
		for _, r := range rep.Results {
			l := c.actionLine("result", r.Item)
			l.Result = "done"
			if r.Err != nil {
				l.Result, l.Error = "error", r.Err.Err.Error()
			}
			c.json(l)
		}
		for _, e := range plan.Errors {
			c.json(errorLine{Type: "error", ID: e.ID, DN: e.DN, Error: e.Err.Error()})
		}
		for _, t := range rep.Tombstones {
			c.json(tombstoneLine{Type: "tombstone", ID: t.ID, Username: t.Username, Deleted: t.Deleted.String(), QuarantineUntil: t.QuarantineUntil.String()})
		}
		c.json(summaryLine{Type: "summary", Done: len(rep.Results) - failed, Failed: failed, Fingerprint: plan.Fingerprint(), Approved: approved})
		return
	}
	if len(rep.Results) == 0 {
		fmt.Fprintf(c.stdout, "apply at %s: nothing to do for %s in scope\n", c.at(), count(plan.InScope, "account"))
		c.printErrors(plan)
		return
	}
	head := fmt.Sprintf("apply at %s: %s for %s in scope, plan %s", c.at(), count(len(rep.Results), "action"), count(plan.InScope, "account"), plan.Fingerprint())
	if approved {
		head += " (the breaker tripped; approved)"
	}
	fmt.Fprintln(c.stdout, head)
	tw := c.table()
	for _, r := range rep.Results {
		it := r.Item
		what := it.Account.DN
		if it.Decision.Target != "" {
			what += " → " + it.Decision.Target
		}
		result := "done"
		if r.Err != nil {
			result, what = "error", what+": "+r.Err.Err.Error()
		}
		tw.row(result, it.Decision.Action.String(), orDash(it.Account.Username), what)
	}
	tw.flush()
	for _, t := range rep.Tombstones {
		fmt.Fprintf(c.stdout, "tombstone: %s deleted %s; the username is quarantined until %s\n", orDash(t.Username), t.Deleted, t.QuarantineUntil)
	}
	c.printErrors(plan)
	fmt.Fprintf(c.stdout, "%d done, %d failed\n", len(rep.Results)-failed, failed)
}
