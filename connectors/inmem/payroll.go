package inmem

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// PayrollOptions configure a payroll twin.
type PayrollOptions struct {
	// ChangePageSize is the most records, changed or deleted, that one
	// page of changes holds; default 500. Tests set it low to exercise
	// paging.
	ChangePageSize int
}

// Payroll is the in-memory twin of a payroll connector: a payroll system
// whose state the test or demo sets with Publish, one version at a time,
// as a payroll system's nightly export would. It implements
// [connectors.Payroll] and [connectors.PayrollChangeReader].
//
// Every version published is kept, so Changes can report what changed from
// any earlier version's token to the latest, deletions included. Tokens are
// opaque strings ("inmem-payroll/1:…") that only the twin that issued them
// accepts. Snapshot and Changes return copies, which the caller may change
// freely. The zero value is not usable; call NewPayroll. A Payroll is safe
// for concurrent use.
type Payroll struct {
	mu       sync.RWMutex
	closed   bool
	versions []*payrollVersion // versions[0] is the empty state before any Publish
	instance string            // tells this twin's tokens from others'
	pageSize int
}

// Compile-time checks that the twin implements the contract.
var (
	_ connectors.Payroll             = (*Payroll)(nil)
	_ connectors.PayrollChangeReader = (*Payroll)(nil)
)

// NewPayroll returns a payroll twin that holds nothing until the first
// Publish.
func NewPayroll(opts PayrollOptions) *Payroll {
	if opts.ChangePageSize <= 0 {
		opts.ChangePageSize = 500
	}
	var inst [6]byte
	rand.Read(inst[:])
	return &Payroll{
		versions: []*payrollVersion{newPayrollVersion()},
		instance: hex.EncodeToString(inst[:]),
		pageSize: opts.ChangePageSize,
	}
}

// Publish makes s the payroll system's state: the next Snapshot returns
// it, and Changes reports what changed since earlier versions. Each call is
// a new version, even if nothing changed. s must pass
// [connectors.CheckPayroll]; if it does not, Publish returns an Invalid
// error that wraps every problem found and the twin is unchanged. s.Token
// is ignored, and the twin keeps no reference to s.
func (p *Payroll) Publish(s *connectors.PayrollSnapshot) error {
	const op = "publish"
	if s == nil {
		return connectors.Errorf(connectors.Invalid, op, "no snapshot")
	}
	if err := connectors.CheckPayroll(s); err != nil {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Err: err}
	}
	v := newPayrollVersion()
	v.units.add(s.Units)
	v.persons.add(s.Persons)
	v.engagements.add(s.Engagements)
	v.leaves.add(s.Leaves)
	v.managers.add(s.Managers)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return p.closedErr(op)
	}
	p.versions = append(p.versions, v)
	return nil
}

// Ping checks that the twin is open.
func (p *Payroll) Ping(ctx context.Context) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.check(ctx, "ping")
}

// Snapshot returns a copy of the latest version, each list sorted by key
// and then by the start of each row (the order
// [connectors.PayrollSnapshot.Apply] leaves), and a Token from which
// Changes reports what is published after it.
func (p *Payroll) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if err := p.check(ctx, "snapshot"); err != nil {
		return nil, err
	}
	latest := p.latest()
	v := p.versions[latest]
	return &connectors.PayrollSnapshot{
		Units:       v.units.all(),
		Persons:     v.persons.all(),
		Engagements: v.engagements.all(),
		Leaves:      v.leaves.all(),
		Managers:    v.managers.allOrNil(),
		Token:       p.token(latest, latest, 0),
	}, nil
}

// Changes returns the records that changed after the token, each with all
// its rows, and the records deleted, at most ChangePageSize of them a page,
// units first, then persons, engagements, leaves and managers, each kind
// by key.
//
// A page's token fixes the version the pages lead to, so a Publish while
// the caller pages does not shift the pages under it: the caller reaches
// that version, then (More) goes on to the newer one. A token of the
// latest version gives an empty page with the same token. An empty token,
// one that is not the twin's, and one from another twin are Invalid.
func (p *Payroll) Changes(ctx context.Context, token connectors.Token) (*connectors.PayrollChanges, error) {
	const op = "changes"
	p.mu.RLock()
	defer p.mu.RUnlock()
	if err := p.check(ctx, op); err != nil {
		return nil, err
	}
	from, to, offset, err := p.parseToken(token)
	if err != nil {
		return nil, err
	}
	latest := p.latest()
	if from == to {
		if to == latest {
			return &connectors.PayrollChanges{Token: token}, nil
		}
		to = latest
	}
	changed := p.versions[from].diff(p.versions[to])
	if offset > len(changed) {
		return nil, badToken(op)
	}
	end := min(offset+p.pageSize, len(changed))
	page := p.versions[to].page(changed[offset:end])
	if end < len(changed) {
		page.Token, page.More = p.token(from, to, end), true
	} else {
		page.Token, page.More = p.token(to, to, 0), to < latest
	}
	return page, nil
}

// Close closes the twin; later calls fail with an Invalid error. Closing
// a closed twin does nothing.
func (p *Payroll) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

// latest returns the number of the latest version; the caller holds p.mu.
func (p *Payroll) latest() int { return len(p.versions) - 1 }

// check is the common start of every call: the context still live, the
// twin still open. The caller holds p.mu.
func (p *Payroll) check(ctx context.Context, op string) error {
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, "")
	}
	if p.closed {
		return p.closedErr(op)
	}
	return nil
}

func (p *Payroll) closedErr(op string) error {
	return &connectors.Error{Kind: connectors.Invalid, Op: op, Err: errPayrollClosed}
}

type payrollClosed struct{}

func (payrollClosed) Error() string { return "the payroll twin is closed" }

var errPayrollClosed = payrollClosed{}

// payrollTokenPrefix starts every token; the number is the format's
// version.
const payrollTokenPrefix = "inmem-payroll/1:"

// token returns the position offset records into the changes from version
// from to version to; from == to is "at version to, nothing pending".
func (p *Payroll) token(from, to, offset int) connectors.Token {
	return connectors.Token(payrollTokenPrefix + p.instance + ":" + strconv.Itoa(from) + ":" + strconv.Itoa(to) + ":" + strconv.Itoa(offset))
}

// parseToken reads a token this twin issued; the caller holds p.mu.
func (p *Payroll) parseToken(t connectors.Token) (from, to, offset int, err error) {
	const op = "changes"
	if t == "" {
		return 0, 0, 0, connectors.Errorf(connectors.Invalid, op, "the token is empty; start from a snapshot's token")
	}
	rest, ok := strings.CutPrefix(string(t), payrollTokenPrefix)
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 4 {
		return 0, 0, 0, badToken(op)
	}
	if parts[0] != p.instance {
		return 0, 0, 0, connectors.Errorf(connectors.Invalid, op, "the token is from another payroll twin")
	}
	var n [3]int
	for i, s := range parts[1:] {
		if n[i], err = strconv.Atoi(s); err != nil || n[i] < 0 || strconv.Itoa(n[i]) != s {
			return 0, 0, 0, badToken(op)
		}
	}
	from, to, offset = n[0], n[1], n[2]
	if from > to || to > p.latest() || from == to && offset != 0 {
		return 0, 0, 0, badToken(op)
	}
	return from, to, offset, nil
}

func badToken(op string) error {
	return connectors.Errorf(connectors.Invalid, op, "the token is not one of this payroll twin's")
}

// payrollVersion is the state one Publish set: every record's rows, by key.
// A version never changes once published.
type payrollVersion struct {
	units       rows[connectors.PayrollUnit]
	persons     rows[connectors.PayrollPerson]
	engagements rows[connectors.PayrollEngagement]
	leaves      rows[connectors.PayrollLeave]
	managers    rows[connectors.PayrollManager]
}

func newPayrollVersion() *payrollVersion {
	return &payrollVersion{
		units:       rows[connectors.PayrollUnit]{kv: func(u *connectors.PayrollUnit) (string, timeline.Interval) { return u.Key, u.Valid }},
		persons:     rows[connectors.PayrollPerson]{kv: func(p *connectors.PayrollPerson) (string, timeline.Interval) { return p.Key, p.Valid }},
		engagements: rows[connectors.PayrollEngagement]{kv: func(e *connectors.PayrollEngagement) (string, timeline.Interval) { return e.Key, e.Valid }},
		leaves:      rows[connectors.PayrollLeave]{kv: func(l *connectors.PayrollLeave) (string, timeline.Interval) { return l.Key, l.Valid }},
		managers:    rows[connectors.PayrollManager]{kv: func(m *connectors.PayrollManager) (string, timeline.Interval) { return m.Key, m.Valid }},
	}
}

// diff returns the records that differ between v and w (added, changed or
// gone), by kind and then key.
func (v *payrollVersion) diff(w *payrollVersion) []connectors.PayrollRef {
	var out []connectors.PayrollRef
	out = diffRows(out, connectors.PayrollUnitKind, v.units, w.units)
	out = diffRows(out, connectors.PayrollPersonKind, v.persons, w.persons)
	out = diffRows(out, connectors.PayrollEngagementKind, v.engagements, w.engagements)
	out = diffRows(out, connectors.PayrollLeaveKind, v.leaves, w.leaves)
	return diffRows(out, connectors.PayrollManagerKind, v.managers, w.managers)
}

// page returns the page that brings the records refs to their state in v:
// their rows, or their deletion.
func (v *payrollVersion) page(refs []connectors.PayrollRef) *connectors.PayrollChanges {
	page := &connectors.PayrollChanges{}
	for _, r := range refs {
		var ok bool
		switch r.Kind {
		case connectors.PayrollUnitKind:
			page.Units, ok = v.units.appendKey(page.Units, r.Key)
		case connectors.PayrollPersonKind:
			page.Persons, ok = v.persons.appendKey(page.Persons, r.Key)
		case connectors.PayrollEngagementKind:
			page.Engagements, ok = v.engagements.appendKey(page.Engagements, r.Key)
		case connectors.PayrollLeaveKind:
			page.Leaves, ok = v.leaves.appendKey(page.Leaves, r.Key)
		case connectors.PayrollManagerKind:
			page.Managers, ok = v.managers.appendKey(page.Managers, r.Key)
		}
		if !ok {
			page.Deleted = append(page.Deleted, r)
		}
	}
	return page
}

// rows are the rows of one kind of record, by key, each key's sorted by
// start and end.
type rows[T comparable] struct {
	byKey map[string][]T
	kv    func(*T) (string, timeline.Interval)
}

// add adds rows to r, which is being built.
func (r *rows[T]) add(in []T) {
	r.byKey = make(map[string][]T, len(in))
	for i := range in {
		k, _ := r.kv(&in[i])
		r.byKey[k] = append(r.byKey[k], in[i])
	}
	for _, s := range r.byKey {
		slices.SortStableFunc(s, func(a, b T) int {
			_, va := r.kv(&a)
			_, vb := r.kv(&b)
			return cmp.Or(cmp.Compare(va.From, vb.From), cmp.Compare(va.To, vb.To))
		})
	}
}

// keys returns the keys, sorted.
func (r rows[T]) keys() []string {
	keys := make([]string, 0, len(r.byKey))
	for k := range r.byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// all returns a copy of every row, by key and then start.
func (r rows[T]) all() []T {
	out := make([]T, 0, len(r.byKey))
	for _, k := range r.keys() {
		out = append(out, r.byKey[k]...)
	}
	return out
}

// allOrNil is all, but nil when there are no rows: the managers of a
// source without any stay nil, as before the contract had them.
func (r rows[T]) allOrNil() []T {
	if len(r.byKey) == 0 {
		return nil
	}
	return r.all()
}

// appendKey appends a copy of the rows of key to out, and reports whether
// there are any.
func (r rows[T]) appendKey(out []T, key string) ([]T, bool) {
	s, ok := r.byKey[key]
	return append(out, s...), ok
}

// diffRows appends to out the keys whose rows differ between a and b.
func diffRows[T comparable](out []connectors.PayrollRef, kind connectors.PayrollKind, a, b rows[T]) []connectors.PayrollRef {
	keys := a.keys()
	for k := range b.byKey {
		if _, ok := a.byKey[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Equal(a.byKey[k], b.byKey[k]) {
			out = append(out, connectors.PayrollRef{Kind: kind, Key: k})
		}
	}
	return out
}
