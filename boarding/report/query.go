package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/internal/shorten"
	"github.com/orgsync/orgsync/orgmodel"
)

// Query asks for one report over a registration window.
type Query struct {
	// Report is which report: Hires, Terminations or Changes.
	Report Report
	// From and To are the registration window [From, To): every
	// registration made at or after From and before To counts, whatever
	// days it is about. Two reports whose windows meet (one's To the
	// next's From) list every registration exactly once.
	From, To time.Time
	// Filter narrows the rows.
	Filter Filter
}

// Filter narrows a report's rows. The zero Filter lists every row.
type Filter struct {
	// Units, by id or user key, keep the rows whose unit is one of them
	// or below one.
	Units []string `yaml:"units" json:"units,omitempty"`
	// EngagementTypes keeps the rows of these engagement types.
	EngagementTypes []string `yaml:"engagement_types" json:"engagement_types,omitempty"`
	// Tree is which unit a row is placed in, for the Units filter and
	// the unit columns: "administrative" (the default: the unit the org
	// model places the engagement in, after the coupling rule), or
	// "payroll" (the unit the payroll places it in).
	Tree string `yaml:"tree" json:"tree,omitempty"`
	// Accounts is "with" (only persons with an account in System),
	// "without" (only those without one: who still needs one), or "" for
	// both.
	Accounts string `yaml:"accounts" json:"accounts,omitempty"`
	// System is the IT system whose accounts the Username column and the
	// Accounts filter read (default "Active Directory").
	System string `yaml:"system" json:"system,omitempty"`
}

// DefaultSystem is the account system a report reads by default.
const DefaultSystem = "Active Directory"

// QueryError is a query that cannot run: a window out of order, an
// unknown report, unit or column, with the field at fault.
type QueryError struct {
	// Field is the query's field ("to", "filter.units[0]", "columns[3]").
	Field string
	// Problem says what is wrong and what would be right.
	Problem string
}

// Error says report: field: problem.
func (e *QueryError) Error() string { return "report: " + e.Field + ": " + e.Problem }

// Result is a report's rows, with what it covered.
type Result struct {
	// Query is the query, as run.
	Query Query
	// First and Last are the registrations the window holds (Last <
	// First: none).
	First, Last uint64
	// Rows are the rows, by registration, then employment number,
	// engagement and kind.
	Rows []Row
}

// Run runs the query over the model. It fails with a *QueryError, before
// reading anything, for a window whose To is before its From, an unknown
// report or filter value, or a unit the model does not know.
func Run(m *orgmodel.Model, q Query) (*Result, error) {
	f, err := q.check(m)
	if err != nil {
		return nil, err
	}
	res := &Result{Query: q}
	res.First, res.Last = window(m, q.From, q.To)
	if res.Last < res.First {
		return res, nil
	}
	end := m.AsOf(res.Last)
	d := newDescriber(m, end, f.system)
	for _, id := range m.Registered(orgmodel.KindEngagement, res.First, res.Last) {
		h := m.History(id)
		for i, ver := range h {
			seq := ver.Registration.Seq
			if seq < res.First {
				continue
			}
			if seq > res.Last {
				break
			}
			var prev *orgmodel.Version
			if i > 0 {
				prev = &h[i-1]
			}
			for _, row := range classify(m, prev, &ver) {
				d.describe(&row, f.tree)
				if q.Report.lists(&row) && f.keeps(&row, d) {
					res.Rows = append(res.Rows, row)
				}
			}
		}
	}
	slices.SortStableFunc(res.Rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Registration.Seq, b.Registration.Seq),
			cmp.Compare(a.EmploymentNumber, b.EmploymentNumber),
			strings.Compare(a.Engagement.String(), b.Engagement.String()),
			cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)))
	})
	return res, nil
}

// window returns the registrations made in [from, to).
func window(m *orgmodel.Model, from, to time.Time) (first, last uint64) {
	before := m.AsOfTime(from.Add(-time.Nanosecond)).Registration().Seq
	last = m.AsOfTime(to.Add(-time.Nanosecond)).Registration().Seq
	return before + 1, last
}

// checked is a query's filter made ready.
type checked struct {
	units    map[uuid.UUID]bool
	types    map[string]bool
	tree     string
	accounts string
	system   string
}

// check checks the query against the model, every problem a *QueryError.
func (q Query) check(m *orgmodel.Model) (*checked, error) {
	if _, err := ParseReport(string(q.Report)); err != nil {
		return nil, err
	}
	switch {
	case q.From.IsZero() || q.To.IsZero():
		return nil, &QueryError{Field: "from", Problem: "a report needs a registration window: from and to"}
	case q.To.Before(q.From):
		return nil, &QueryError{Field: "to", Problem: fmt.Sprintf("the window ends (%s) before it starts (%s)", q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))}
	}
	f := q.Filter
	c := &checked{tree: cmp.Or(f.Tree, "administrative"), accounts: f.Accounts, system: cmp.Or(f.System, DefaultSystem)}
	if c.tree != "administrative" && c.tree != "payroll" {
		return nil, &QueryError{Field: "filter.tree", Problem: fmt.Sprintf("%q: want administrative or payroll", clip(f.Tree))}
	}
	if c.accounts != "" && c.accounts != "with" && c.accounts != "without" {
		return nil, &QueryError{Field: "filter.accounts", Problem: fmt.Sprintf("%q: want with, without or nothing", clip(f.Accounts))}
	}
	if len(f.Units) > 0 {
		c.units = map[uuid.UUID]bool{}
		v := m.Latest()
		for i, ref := range f.Units {
			id, err := resolveUnit(v, ref)
			if err != nil {
				return nil, &QueryError{Field: fmt.Sprintf("filter.units[%d]", i), Problem: err.Error()}
			}
			c.units[id] = true
		}
	}
	if len(f.EngagementTypes) > 0 {
		c.types = map[string]bool{}
		for _, t := range f.EngagementTypes {
			c.types[t] = true
		}
	}
	return c, nil
}

// resolveUnit finds a unit by id or by user key (which must name one).
func resolveUnit(v orgmodel.View, ref string) (uuid.UUID, error) {
	if id, err := uuid.Parse(ref); err == nil {
		if o, ok := v.Object(id); ok && o.Kind == orgmodel.KindUnit {
			return id, nil
		}
		return uuid.Nil, fmt.Errorf("no unit has the id %s", id)
	}
	ids := v.Lookup(orgmodel.KindUnit, ref)
	switch len(ids) {
	case 0:
		return uuid.Nil, fmt.Errorf("no unit has the id or number %q", clip(ref))
	case 1:
		return ids[0], nil
	}
	return uuid.Nil, fmt.Errorf("%d units have the number %q: give the id", len(ids), clip(ref))
}

// keeps applies the filter to a described row.
func (c *checked) keeps(r *Row, d *describer) bool {
	if c.types != nil && !c.types[r.EngagementType] {
		return false
	}
	switch c.accounts {
	case "with":
		if r.Username == "" {
			return false
		}
	case "without":
		if r.Username != "" {
			return false
		}
	}
	if c.units != nil && !d.below(r.UnitID, r.day(), c.units) {
		return false
	}
	return true
}

func clip(s string) string { return shorten.To(s, 60) }
