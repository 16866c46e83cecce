package adsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
)

// OpKind is the kind of one operation in a plan.
type OpKind uint8

// The operations, in the order a person's are applied.
const (
	// OpCreate creates the account (with a generated username, and the
	// anchor in the same Add).
	OpCreate OpKind = iota + 1
	// OpLink records a found account's objectGUID as the person's link.
	OpLink
	// OpModify changes the attributes that differ.
	OpModify
	// OpMove moves the account to the OU it belongs in.
	OpMove
	// OpEnable enables a disabled account outside the chapel.
	OpEnable
	// OpGroupAdd adds the account to a group.
	OpGroupAdd
	// OpGroupRemove removes it from a group.
	OpGroupRemove
	// OpRename renames the account (its CN) when the person's name
	// changed; applied after a move.
	OpRename
)

var opNames = [...]string{OpCreate: "create", OpLink: "link", OpModify: "modify", OpMove: "move", OpEnable: "enable", OpGroupAdd: "group-add", OpGroupRemove: "group-remove", OpRename: "rename"}

// String names the operation.
func (k OpKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return fmt.Sprintf("OpKind(%d)", uint8(k))
}

// MarshalText writes the name.
func (k OpKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Op is one operation of a plan, with what it changes.
type Op struct {
	// Kind is what the operation does.
	Kind OpKind `json:"op"`
	// Person is the person it is for; for a service account (Service),
	// the org model's account object.
	Person uuid.UUID `json:"person"`
	// Service marks an operation on a service account, bound to a unit.
	Service bool `json:"service,omitempty"`
	// Account is the account's id ("" for a create).
	Account connectors.ID `json:"account,omitempty"`
	// DN is the account's DN (the new one, for a create).
	DN string `json:"dn"`
	// Target is the new parent OU (move), the new name (rename) or the
	// group's DN (group ops).
	Target string `json:"target,omitempty"`
	// Changes are the attributes changed, old and new (create, modify).
	Changes []Change `json:"changes,omitempty"`
	// Reason says why.
	Reason string `json:"reason"`
}

// PersonError is a person the plan could not be made for; the others are
// planned.
type PersonError struct {
	// Person is who.
	Person uuid.UUID `json:"person"`
	// Err is why.
	Err error `json:"-"`
	// Message is Err's text, for JSON.
	Message string `json:"error"`
}

// Error names the person and the problem.
func (e *PersonError) Error() string { return fmt.Sprintf("adsync: person %s: %v", e.Person, e.Err) }

// Unwrap returns the problem.
func (e *PersonError) Unwrap() error { return e.Err }

// Plan is the operations that take AD to what the org model says, in
// order, and the persons that could not be planned.
type Plan struct {
	// Ops are the operations.
	Ops []Op `json:"ops"`
	// Errors are the persons that failed.
	Errors []*PersonError `json:"errors,omitempty"`
}

// String prints the plan for people: an operation a line, with old and
// new values.
func (p *Plan) String() string {
	var b strings.Builder
	for _, op := range p.Ops {
		fmt.Fprintf(&b, "%-12s %s", op.Kind, op.DN)
		if op.Target != "" {
			fmt.Fprintf(&b, " → %s", op.Target)
		}
		fmt.Fprintf(&b, "  (%s)\n", op.Reason)
		for _, c := range masked(op.Changes) {
			fmt.Fprintf(&b, "    %s: %q → %q\n", c.Attribute, strings.Join(c.Old, "; "), strings.Join(c.New, "; "))
		}
	}
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "error        %s\n", redact.NationalIDs(e.Error()))
	}
	return b.String()
}

// JSON returns the plan as JSON, for review and records. Values that look
// like national ids are masked, as in String: a plan is read by people,
// and a CPR number mapped on purpose (employeeID) must not reach them.
func (p *Plan) JSON() ([]byte, error) {
	out := Plan{Ops: make([]Op, len(p.Ops)), Errors: p.Errors}
	for i, op := range p.Ops {
		op.Changes = masked(op.Changes)
		out.Ops[i] = op
	}
	for _, e := range p.Errors {
		e.Message = redact.NationalIDs(e.Err.Error())
	}
	return json.MarshalIndent(out, "", "  ")
}

// masked returns the changes with national ids in their values masked.
func masked(changes []Change) []Change {
	out := make([]Change, len(changes))
	for i, c := range changes {
		out[i] = Change{Attribute: c.Attribute, Old: maskAll(c.Old), New: maskAll(c.New)}
	}
	return out
}

func maskAll(vs []string) []string {
	if vs == nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = redact.NationalIDs(v)
	}
	return out
}

// GroupRule gives members of a unit (and its subtree), or holders of a job
// function, a group.
type GroupRule struct {
	// Unit is a unit's user key; its members and those of units below it
	// get the group. Empty: any unit.
	Unit string `json:"unit" yaml:"unit"`
	// JobFunction, if set, limits the rule to that job function.
	JobFunction string `json:"job_function" yaml:"job_function"`
	// Group is the group's DN.
	Group string `json:"group" yaml:"group"`
}

// groupsFor returns the groups the rules give a person, as normalised DN →
// DN as written.
func groupsFor(rules []GroupRule, d *Data) map[string]string {
	out := map[string]string{}
	for _, r := range rules {
		if r.JobFunction != "" && r.JobFunction != d.Primary.JobFunction {
			continue
		}
		if r.Unit != "" && r.Unit != d.Unit.UserKey && !ancestorKey(d, r.Unit) {
			continue
		}
		if n, err := connectors.NormalizeDN(r.Group); err == nil {
			out[n] = r.Group
		}
	}
	return out
}

func ancestorKey(d *Data, key string) bool {
	for _, a := range d.Ancestors {
		if a.UserKey == key {
			return true
		}
	}
	return false
}

// planPerson plans one person whose account correlation found (or not).
// attrs are the desired attributes; target the OU; groups what the rules
// give; managed the groups the rules mention at all (only those are
// removed).
func planPerson(person uuid.UUID, m Match, attrs []connectors.Attribute, target string, groups, managed map[string]string, inChapel func(dn string) bool) []Op {
	name := accountName(person, attrs)
	if m.Outcome == Unmatched {
		dn, err := connectors.JoinDN("CN", name, target)
		if err != nil {
			dn = "CN=" + person.String() + "," + target
		}
		var changes []Change
		for _, a := range attrs {
			if len(a.Values) > 0 {
				changes = append(changes, Change{Attribute: a.Name, New: a.Values})
			}
		}
		ops := []Op{{Kind: OpCreate, Person: person, DN: dn, Changes: changes, Reason: "no account matches the person"}}
		for _, g := range sortedValues(groups) {
			ops = append(ops, Op{Kind: OpGroupAdd, Person: person, DN: dn, Target: g, Reason: "a group rule gives it"})
		}
		return ops
	}
	e := m.Entry
	var ops []Op
	if m.Outcome == Unlinked {
		ops = append(ops, Op{Kind: OpLink, Person: person, Account: e.ID, DN: e.DN, Reason: "found by " + m.By})
	}
	if inChapel(e.DN) {
		// The chapel reactivates (or holds) it; attributes wait.
		return ops
	}
	if ch := Diff(attrs, e); len(ch) > 0 {
		ops = append(ops, Op{Kind: OpModify, Person: person, Account: e.ID, DN: e.DN, Changes: ch, Reason: "mapped attributes differ"})
	}
	if !inOU(e.DN, target) {
		ops = append(ops, Op{Kind: OpMove, Person: person, Account: e.ID, DN: e.DN, Target: target, Reason: "the person's unit belongs in another OU"})
	}
	if !named(e.DN, name) {
		ops = append(ops, Op{Kind: OpRename, Person: person, Account: e.ID, DN: e.DN, Target: name, Reason: "the person's name changed"})
	}
	if e.Disabled {
		ops = append(ops, Op{Kind: OpEnable, Person: person, Account: e.ID, DN: e.DN, Reason: "the person is employed"})
	}
	have := map[string]bool{}
	for _, g := range e.Get("memberOf") {
		if n, err := connectors.NormalizeDN(g); err == nil {
			have[n] = true
		}
	}
	for _, n := range sortedKeys(groups) {
		if !have[n] {
			ops = append(ops, Op{Kind: OpGroupAdd, Person: person, Account: e.ID, DN: e.DN, Target: groups[n], Reason: "a group rule gives it"})
		}
	}
	for _, n := range sortedKeys(managed) {
		if have[n] && groups[n] == "" {
			ops = append(ops, Op{Kind: OpGroupRemove, Person: person, Account: e.ID, DN: e.DN, Target: managed[n], Reason: "no group rule gives it any more"})
		}
	}
	return ops
}

// PlanPerson plans one person on the graph's day: their desired account,
// found by correlation in dir below base. A person without an engagement
// in the window gets no operations (the chapel handles leavers).
func (e *Engine) PlanPerson(ctx context.Context, g orgmodel.Graph, person uuid.UUID) ([]Op, error) {
	return e.planPerson(ctx, g, person, dirFinder{dir: e.dir, base: e.cfg.Base, attrs: e.readAttrs()})
}

func (e *Engine) planPerson(ctx context.Context, g orgmodel.Graph, person uuid.UUID, f finder) ([]Op, error) {
	w, err := e.want(g, person)
	if err != nil {
		return nil, err
	}
	return e.compare(ctx, w, f)
}

// wanted is a person's desired account, worked out from the org model
// alone.
type wanted struct {
	person uuid.UUID
	data   *Data
	attrs  []connectors.Attribute
	target string
	groups map[string]string
}

// want works out the person's desired account: the model side of a plan,
// which needs nothing from the directory.
func (e *Engine) want(g orgmodel.Graph, person uuid.UUID) (*wanted, error) {
	d, err := DataFor(g, &e.cfg.Mapping, person, e.links)
	if err != nil {
		return nil, err
	}
	attrs, err := e.cfg.Mapping.Render(d)
	if err != nil {
		return nil, err
	}
	target, err := e.cfg.OU.Target(d)
	if err != nil {
		return nil, err
	}
	return &wanted{person: person, data: d, attrs: attrs, target: target, groups: groupsFor(e.cfg.Groups, d)}, nil
}

// compare finds the person's account and plans what takes it to w: the
// directory side of a plan.
func (e *Engine) compare(ctx context.Context, w *wanted, f finder) ([]Op, error) {
	link, _ := e.links.Link(w.person)
	m, err := e.cfg.Correlation.correlate(ctx, f, link, w.data)
	if err != nil {
		return nil, err
	}
	if m.Outcome == Disputed {
		return nil, fmt.Errorf("adsync: %d accounts match the person by %s (%v): resolve by hand", len(m.Candidates), m.By, m.Candidates)
	}
	return planPerson(w.person, m, w.attrs, w.target, w.groups, e.managedGroups, e.inChapel), nil
}

// accountName is the CN an account is given: the mapped displayName, or
// the person's id where there is none.
func accountName(person uuid.UUID, attrs []connectors.Attribute) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, "displayName") && len(a.Values) > 0 && a.Values[0] != "" {
			return a.Values[0]
		}
	}
	return person.String()
}

// named reports whether the account at dn is called name, or name
// numbered as a create numbers a name that was taken ("Jens Hansen 2").
func named(dn, name string) bool {
	if strings.HasPrefix(dn, "CN="+connectors.EscapeDNValue(name)+",") {
		return true // the common case, without parsing
	}
	rdn, _, err := connectors.SplitDN(dn)
	if err != nil {
		return true // not ours to judge; the directory gave it
	}
	if rdn.Value == name {
		return true
	}
	n, ok := strings.CutPrefix(rdn.Value, name+" ")
	if !ok || n == "" {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// inOU reports whether dn is directly in the OU target. Most accounts are
// where they belong, and the directory returns DNs as they were written,
// so a plain comparison settles most of them before any DN is parsed: an
// RDN without commas or escapes, followed by exactly the target.
func inOU(dn, target string) bool {
	if rdn, ok := strings.CutSuffix(dn, ","+target); ok && !strings.ContainsAny(rdn, ",\\") {
		return true
	}
	_, parent, err := connectors.SplitDN(dn)
	return err == nil && connectors.EqualDN(parent, target)
}

// Fingerprint identifies the plan's operations as they print (national
// ids masked), so that a reviewed plan can be applied exactly.
func (p *Plan) Fingerprint() string {
	h := sha256.New()
	for _, op := range p.Ops {
		fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", op.Kind, op.Person, op.Account, op.DN, op.Target)
		for _, c := range masked(op.Changes) {
			fmt.Fprintf(h, "  %s|%q|%q\n", c.Attribute, c.Old, c.New)
		}
	}
	for _, e := range p.Errors {
		fmt.Fprintf(h, "error %s\n", e.Person)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
