package chapel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/internal/redact"
)

// People tells the runner about the person an account belongs to. The org
// model satisfies it (through adsync's links); tests give a map.
type People interface {
	// Person returns what is known at instant now of the person account a
	// belongs to. Service accounts are reported with Service set.
	Person(ctx context.Context, a Account, now time.Time) (Person, error)
}

// Runner plans and applies the chapel's transitions over a directory.
type Runner struct {
	// Dir is the directory. It must be a Modifier, Mover, Enabler and
	// Deleter (and a GroupManager if the policy removes groups).
	Dir connectors.Directory
	// Base is where the accounts in scope are; the chapel OU is searched
	// too if it is not below it.
	Base string
	// Policy is the chapel's policy (validated by NewRunner).
	Policy *Policy
	// People says who has left.
	People People
	// Breaker stops a run that would disable or delete too much.
	Breaker Breaker
}

// Breaker is the mass-action breaker: a plan that would disable or delete
// more than MaxActions accounts, or more than MaxShare of those in scope,
// is not applied without an approval of that very plan. Zero values turn a
// limit off.
type Breaker struct {
	// MaxActions is the most disables and deletions a run may do.
	MaxActions int
	// MaxShare is the largest share (0–1) of accounts in scope a run may
	// disable or delete.
	MaxShare float64
}

// ErrBreaker is returned when a plan trips the breaker and was not
// approved.
var ErrBreaker = errors.New("chapel: the mass-action breaker stopped the run")

// Item is one account in a plan, with the decision on it.
type Item struct {
	// Account is the account as read when planning.
	Account Account
	// Decision is what the chapel decided for it.
	Decision Decision
}

// AccountError is a failure that concerns one account only.
type AccountError struct {
	// ID and DN name the account.
	ID string
	// DN is where the account was.
	DN string
	// Err is what went wrong; errors.Is sees the connectors kind.
	Err error
}

// Error says which account and what. A DN an operator built from a CPR
// number is masked like every other error text.
func (e *AccountError) Error() string {
	return redact.NationalIDs(fmt.Sprintf("chapel: account %s (%s): %v", e.ID, e.DN, e.Err))
}

// Unwrap returns the underlying error.
func (e *AccountError) Unwrap() error { return e.Err }

// Plan is what a run would do at an instant.
type Plan struct {
	// Now is the instant planned for.
	Now time.Time
	// Items are every account in scope with its decision, actions first.
	Items []Item
	// Errors are the accounts that could not be planned.
	Errors []*AccountError
	// InScope counts the accounts read.
	InScope int
	// Mass counts the disables and deletions the breaker weighs.
	Mass int
	// Tripped says why the breaker would stop this plan; "" if it does not.
	Tripped string
	// Warnings are problems that concern the whole run but did not stop
	// it, such as a chapel OU that does not exist (every disable will then
	// fail on its account, and nothing else is harmed).
	Warnings []string
}

// Actions returns the items with something to do.
func (p *Plan) Actions() []Item {
	var out []Item
	for _, it := range p.Items {
		if it.Decision.Action != Nothing {
			out = append(out, it)
		}
	}
	return out
}

// Fingerprint identifies the plan's actions: an operator approves a
// tripped plan by passing its fingerprint to Apply, so an approval cannot
// be reused for a different plan.
func (p *Plan) Fingerprint() string {
	h := sha256.New()
	for _, it := range p.Actions() {
		fmt.Fprintf(h, "%s %s %s\n", it.Account.ID, it.Decision.Action, it.Decision.Target)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// NewRunner validates the policy and the directory's capabilities.
func NewRunner(r Runner) (*Runner, error) {
	if r.Dir == nil || r.People == nil || r.Policy == nil {
		return nil, errors.New("chapel: a runner needs a directory, people and a policy")
	}
	if err := r.Policy.Validate(); err != nil {
		return nil, err
	}
	caps := connectors.Capabilities(r.Dir)
	need := []string{"Modifier", "Mover", "Enabler", "Deleter"}
	if r.Policy.Groups == GroupsRemove {
		need = append(need, "GroupManager")
	}
	for _, c := range need {
		if !slices.Contains(caps, c) {
			return nil, fmt.Errorf("chapel: the directory cannot %s (it has %v)", c, caps)
		}
	}
	if !(r.Breaker.MaxShare >= 0 && r.Breaker.MaxShare <= 1) || r.Breaker.MaxActions < 0 { // NaN too
		return nil, errors.New("chapel: breaker limits must be a count ≥ 0 and a share from 0 to 1")
	}
	return &r, nil
}

// attrs are the attributes the runner reads of an account.
func (r *Runner) attrs() []string {
	a := []string{"sAMAccountName", "memberOf", r.Policy.StampAttribute}
	if r.Policy.ProtectedAttribute != "" {
		a = append(a, r.Policy.ProtectedAttribute)
	}
	return a
}

// account turns an entry into an Account.
func (r *Runner) account(e *connectors.Entry) Account {
	a := Account{
		ID:         string(e.ID),
		DN:         e.DN,
		Username:   e.First("sAMAccountName"),
		Enabled:    !e.Disabled,
		StampValue: e.First(r.Policy.StampAttribute),
		Groups:     e.Get("memberOf"),
	}
	if r.Policy.ProtectedAttribute != "" {
		a.Protected = len(e.Get(r.Policy.ProtectedAttribute)) > 0
	}
	return a
}

// Scan reads the accounts in scope: user accounts below Base and in the
// chapel OU. A chapel OU that does not exist holds no accounts: it is
// reported in the warnings, and each disable fails on its own account.
func (r *Runner) Scan(ctx context.Context) ([]Account, []string, error) {
	var warnings []string
	bases := []string{r.Base}
	if !connectors.IsUnderDN(r.Policy.ChapelOU, r.Base) {
		bases = append(bases, r.Policy.ChapelOU)
	}
	seen := map[string]bool{}
	var out []Account
	for _, b := range bases {
		req := connectors.SearchRequest{
			BaseDN:     b,
			Filter:     connectors.And(connectors.Eq("objectClass", "user"), connectors.Not(connectors.Eq("objectClass", "computer"))),
			Attributes: r.attrs(),
		}
		err := r.Dir.Search(ctx, req, func(e *connectors.Entry) error {
			if !seen[string(e.ID)] {
				seen[string(e.ID)] = true
				out = append(out, r.account(e))
			}
			return nil
		})
		if err != nil && b == r.Policy.ChapelOU && errors.Is(err, connectors.NotFound) {
			warnings = append(warnings, "the chapel OU "+b+" does not exist: create it, or every disable will fail")
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("chapel: reading the accounts under %s: %w", b, err)
		}
	}
	if len(bases) == 1 {
		// The chapel OU is below the base; say so if it is missing.
		if _, err := r.Dir.ReadDN(ctx, r.Policy.ChapelOU, []string{"ou"}); errors.Is(err, connectors.NotFound) {
			warnings = append(warnings, "the chapel OU "+r.Policy.ChapelOU+" does not exist: create it, or every disable will fail")
		}
	}
	return out, warnings, nil
}

// Plan decides for every account in scope at instant now. An account whose
// person cannot be looked up is an AccountError and is left out; the
// others are planned.
func (r *Runner) Plan(ctx context.Context, now time.Time) (*Plan, error) {
	accounts, warnings, err := r.Scan(ctx)
	if err != nil {
		return nil, err
	}
	return r.plan(ctx, now, accounts, warnings), nil
}

// Attributes are the attributes the runner reads of an account: a caller
// that reads the accounts for it (PlanEntries) asks for at least these.
func (r *Runner) Attributes() []string { return append(r.attrs(), "objectClass") }

// PlanEntries is Plan over accounts the caller has read, with at least
// Attributes, for a caller that reads every account once for several
// purposes (adsync's reconciliation). Entries outside the runner's scope
// (below Base or in the chapel OU) and computers are ignored; the chapel
// OU is checked as Scan checks it.
func (r *Runner) PlanEntries(ctx context.Context, now time.Time, entries []*connectors.Entry) (*Plan, error) {
	var accounts []Account
	seen := map[connectors.ID]bool{}
	for _, e := range entries {
		if seen[e.ID] || !(connectors.IsUnderDN(e.DN, r.Base) || connectors.IsUnderDN(e.DN, r.Policy.ChapelOU)) {
			continue
		}
		if len(e.Get("objectClass")) > 0 && (!e.Has("objectClass", "user") || e.Has("objectClass", "computer")) {
			continue
		}
		seen[e.ID] = true
		accounts = append(accounts, r.account(e))
	}
	var warnings []string
	if _, err := r.Dir.ReadDN(ctx, r.Policy.ChapelOU, []string{"ou"}); errors.Is(err, connectors.NotFound) {
		warnings = append(warnings, "the chapel OU "+r.Policy.ChapelOU+" does not exist: create it, or every disable will fail")
	} else if err != nil {
		return nil, err
	}
	return r.plan(ctx, now, accounts, warnings), nil
}

// plan decides for the accounts.
func (r *Runner) plan(ctx context.Context, now time.Time, accounts []Account, warnings []string) *Plan {
	plan := &Plan{Now: now, InScope: len(accounts), Warnings: warnings}
	for _, a := range accounts {
		p, err := r.People.Person(ctx, a, now)
		if err != nil {
			plan.Errors = append(plan.Errors, &AccountError{ID: a.ID, DN: a.DN, Err: err})
			continue
		}
		plan.Items = append(plan.Items, Item{Account: a, Decision: r.decide(now, a, p)})
	}
	slices.SortStableFunc(plan.Items, func(x, y Item) int {
		return boolInt(x.Decision.Action == Nothing) - boolInt(y.Decision.Action == Nothing)
	})
	plan.Mass = mass(plan)
	plan.Tripped = r.Breaker.check(plan)
	return plan
}

func (r *Runner) decide(now time.Time, a Account, p Person) Decision {
	a.Service = a.Service || p.Service
	return r.Policy.Decide(now, a, p)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mass counts the plan's disables and deletions.
func mass(p *Plan) int {
	n := 0
	for _, it := range p.Items {
		switch it.Decision.Action {
		case Disable, Adopt, Redisable, Delete:
			n++
		}
	}
	return n
}

// check returns why the breaker trips on the plan, or "".
func (b Breaker) check(p *Plan) string {
	n := p.Mass
	switch {
	case b.MaxActions > 0 && n > b.MaxActions:
		return fmt.Sprintf("%d disables and deletions exceed the limit of %d", n, b.MaxActions)
	case b.MaxShare > 0 && p.InScope > 0 && float64(n)/float64(p.InScope) > b.MaxShare:
		return fmt.Sprintf("%d disables and deletions are %.1f%% of %d accounts, above the limit of %.1f%%", n, 100*float64(n)/float64(p.InScope), p.InScope, 100*b.MaxShare)
	}
	return ""
}
