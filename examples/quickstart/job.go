package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/service"
	"github.com/orgsync/orgsync/username"
)

// enableDaysBefore is how many days before their first day a new
// employee's account is made and enabled.
const enableDaysBefore = 14

// job is one quickstart run: the org model, the directory and the engine
// wired together, and a clock the job moves by hand.
type job struct {
	w     io.Writer
	dir   connectors.Directory
	base  string
	mu    *synth.Municipality
	model *orgmodel.Model
	links links
	eng   *adsync.Engine
	rec   *adsync.Reconciler
	back  *adsync.ReadBack
	names *username.Generator
	// follow keeps the username index current from the directory's
	// change feed.
	follow *username.Follower
	// groups are the group rules' groups: DN → name.
	groups map[string]string
	chapel string // the chapel OU
	// runs counts the runs before this one on the state database (0
	// without one): each lives through another day, with another hire.
	runs int

	clockMu sync.Mutex
	at      time.Time
}

// links are the engine's account links, in memory or in the state
// database.
type links interface {
	adsync.Links
	Len() int
}

// now is the engine's clock: the job sets it, nothing reads the wall clock.
func (j *job) now() time.Time {
	j.clockMu.Lock()
	defer j.clockMu.Unlock()
	return j.at
}

func (j *job) setNow(t time.Time) {
	j.clockMu.Lock()
	defer j.clockMu.Unlock()
	j.at = t
}

// municipality is the synthetic municipality of o's size: about ten
// persons a unit, six levels, one engagement in five a second one.
func municipality(o options) synth.Config {
	units := max(6, o.persons/10)
	return synth.Config{Seed: o.seed, Persons: o.persons, Units: units, Depth: 6, Engagements: o.persons * 6 / 5, Managers: units * 2 / 3, Today: o.today}
}

// newJob builds the org model, prepares the directory (the chapel OU, the
// groups) and wires the engine, the chapel, the reconciler and the
// read-back.
//
// With st (--db), the org model, the links and the change-feed token are
// the database's, and a later run goes on from the previous one: its
// model, and its clock.
func newJob(ctx context.Context, o options, dir connectors.Directory, w io.Writer, st *state) (*job, error) {
	j := &job{w: w, dir: dir, base: o.base, model: orgmodel.New(orgmodel.Options{})}
	var err error
	if st != nil {
		if j.model, err = orgmodel.Open(ctx, orgmodel.Options{Store: st.db.Model()}); err != nil {
			return nil, err
		}
	}
	j.setNow(j.model.Zone().Start(o.today).Add(7 * time.Hour))
	if st != nil && st.last != nil {
		j.setNow(st.last.clock)
		j.runs = st.last.n
	}
	if j.mu, err = synth.Generate(municipality(o)); err != nil {
		return nil, err
	}
	switch _, known := j.model.Latest().Object(j.mu.Root); {
	case len(j.model.Registrations(1)) == 0:
		// Registrations carry the wall clock: they say when the model
		// learnt something, which never goes backwards; the job's
		// clock says which day it is.
		if err := j.mu.Load(ctx, j.model, time.Now()); err != nil {
			return nil, err
		}
	case !known:
		return nil, errors.New("the database's org model is not the synthetic municipality of these --persons and --seed")
	}
	j.chapel = "OU=Kapellet," + j.base
	groupsOU := "OU=Grupper," + j.base
	cfg := adsync.Config{
		Base:     j.base,
		ChapelOU: j.chapel,
		Mapping: adsync.Mapping{
			Attributes: map[string]string{
				"givenName":      "{{.Person.GivenNames}}",
				"sn":             "{{.Person.Surname}}",
				"displayName":    "{{.Person.GivenNames}} {{.Person.Surname}}",
				"title":          "{{.Primary.JobFunction}}",
				"department":     "{{.Unit.Name}}",
				"company":        "{{(root .).Name}}",
				"manager":        "{{.ManagerDN}}",
				"employeeNumber": "{{.Primary.EmploymentNumber}}",
			},
			EnableDaysBefore: enableDaysBefore,
		},
		OU:     adsync.OURule{Mode: "mirror", Base: j.base},
		Groups: j.groupRules(groupsOU),
	}
	for _, ou := range []string{groupsOU, j.chapel} {
		if err := j.ensure(ctx, ou, "organizationalUnit"); err != nil {
			return nil, err
		}
	}
	j.groups = map[string]string{}
	for _, r := range cfg.Groups {
		if err := j.ensure(ctx, r.Group, "group"); err != nil {
			return nil, err
		}
		rdn, _, _ := connectors.SplitDN(r.Group)
		j.groups[r.Group] = rdn.Value
	}

	var tokens adsync.TokenStore = &adsync.MemTokens{}
	if st != nil {
		// One directory per database (openState checks): its links and
		// change-feed token are kept under one name.
		const name = "quickstart"
		if j.links, err = st.db.Links(ctx, name); err != nil {
			return nil, err
		}
		tokens = st.db.Tokens(name)
	} else {
		j.links = adsync.NewMapLinks()
	}
	// The names taken follow the directory as the day goes on.
	idx := username.NewIndex()
	if j.follow, err = username.NewFollower(dir, "", idx); err != nil {
		return nil, err
	}
	if err := j.follow.Load(ctx); err != nil {
		return nil, err
	}
	// The same wiring as the service's: a second quickstart against the
	// same directory finds the accounts of the first by their anchors.
	wired, err := service.WireSync(ctx, service.SyncParts{
		Model: j.model, Directory: dir, Links: j.links, Tokens: tokens, Sync: cfg, Names: idx, Now: j.now,
		Username: username.Config{
			Patterns:   []string{"FFLL", "FFFL", "FLLL", "FFLLX"},
			SuffixBase: "FFLL", SuffixMax: 999,
			Fallback:  "medarb",
			Forbidden: []string{"admin", "root", "test", "guest"},
			UPNDomain: "example.org", MailDomain: "example.org",
		},
		Chapel:  &chapel.Policy{ChapelOU: j.chapel, Retention: chapel.Retention{Months: 3}, Quarantine: chapel.Retention{Months: 12}},
		Breaker: chapel.Breaker{MaxActions: 50, MaxShare: 0.1},
	})
	if err != nil {
		return nil, err
	}
	j.eng, j.rec, j.back, j.names = wired.Engine, wired.Reconciler, wired.ReadBack, wired.Usernames
	return j, nil
}

// groupRules gives everyone "Alle ansatte", each department (a unit just
// below the municipality) a group of its own, and pedagogues theirs.
func (j *job) groupRules(ou string) []adsync.GroupRule {
	dn := func(name string) string {
		d, err := connectors.JoinDN("CN", name, ou)
		if err != nil {
			panic(err) // the names are the synthetic municipality's
		}
		return d
	}
	rules := []adsync.GroupRule{{Group: dn("Alle ansatte")}, {JobFunction: "Pædagog", Group: dn("Pædagoger")}}
	g := j.model.Latest().At(j.mu.Config.Today)
	for _, u := range g.Children(j.mu.Root) {
		if !strings.HasSuffix(u.Name, "_leder") {
			rules = append(rules, adsync.GroupRule{Unit: u.UserKey, Group: dn(u.Name)})
		}
	}
	return rules
}

// ensure creates an OU or a group if it is not there. A group's
// sAMAccountName, unique in the whole domain, is made from its DN.
func (j *job) ensure(ctx context.Context, dn, class string) error {
	if _, err := j.dir.ReadDN(ctx, dn, []string{"cn"}); err == nil {
		return nil
	} else if !errors.Is(err, connectors.NotFound) {
		return err
	}
	attrs := []connectors.Attribute{{Name: "objectClass", Values: []string{class}}}
	if class == "group" {
		sum := sha256.Sum256([]byte(strings.ToLower(dn)))
		attrs = append(attrs, connectors.Attribute{Name: "sAMAccountName", Values: []string{"qs-" + hex.EncodeToString(sum[:6])}})
	}
	_, err := j.dir.(connectors.Creator).Create(ctx, connectors.CreateRequest{DN: dn, Attributes: attrs})
	return err
}

// run does the whole job and prints what it did.
func (j *job) run(ctx context.Context) error {
	g := j.model.Latest().Today(j.now())
	root, _ := g.Unit(j.mu.Root)
	c := j.mu.Config
	fmt.Fprintf(j.w, "org model   %s (synthetic, seed %d): %d persons, %d units, on %s\n", root.Name, c.Seed, c.Persons, len(g.Subtree(j.mu.Root)), g.Day())
	fmt.Fprintf(j.w, "mapping     givenName, sn, displayName, title, department, company, manager, employeeNumber;\n")
	fmt.Fprintf(j.w, "            the org tree mirrored as OUs; %d group rules; accounts made %d days before the first day\n", len(j.groups), enableDaysBefore)
	if err := j.converge(ctx); err != nil {
		return err
	}
	if err := j.readBack(ctx, "read-back   "); err != nil {
		return err
	}
	if err := j.samples(ctx); err != nil {
		return err
	}
	return j.day(ctx)
}

// converge reconciles until a run has nothing to do, and says what each
// run did.
func (j *job) converge(ctx context.Context) error {
	fmt.Fprintln(j.w)
	for n := 1; ; n++ {
		if _, err := j.follow.Sync(ctx); err != nil {
			return err
		}
		ousBefore, err := j.count(ctx, "organizationalUnit")
		if err != nil {
			return err
		}
		t0 := time.Now()
		rp, err := j.rec.Plan(ctx)
		if err != nil {
			return err
		}
		if empty(rp) {
			fmt.Fprintf(j.w, "reconcile %d  nothing to do: 0 operations for %d accounts (planned in %s)\n", n, j.links.Len(), since(t0))
			return nil
		}
		if n == 4 {
			return fmt.Errorf("the fourth run still plans %d operations:\n%s", len(rp.Accounts.Ops), rp)
		}
		// Reconcile plans afresh (the same plan, a moment later) and
		// applies it, and fills in the managers whose accounts it made.
		rep, err := j.rec.Reconcile(ctx)
		if err != nil {
			return err
		}
		ous, err := j.count(ctx, "organizationalUnit")
		if err != nil {
			return err
		}
		fmt.Fprintf(j.w, "reconcile %d  %s (%s)\n", n, j.summary(rep, ous-ousBefore), since(t0))
		if n == 1 {
			fmt.Fprintf(j.w, "             (the accounts of %d persons with no engagement now or in the next %d days are the chapel's)\n",
				len(adsync.PersonsOn(j.model.Latest().Today(j.now())))-len(rep.Accounts.Created), enableDaysBefore)
		}
		for _, line := range failures(rep) {
			fmt.Fprintf(j.w, "             %s\n", line)
		}
	}
}

// empty reports whether a run plan has nothing to do.
func empty(rp *adsync.RunPlan) bool {
	return len(rp.Accounts.Ops) == 0 && len(rp.Accounts.Errors) == 0 && (rp.Chapel == nil || len(rp.Chapel.Actions()) == 0)
}

// summary says what a run did: accounts created, OUs, memberships, the
// attributes it changed, and the chapel's actions.
func (j *job) summary(rep *adsync.RunReport, ous int) string {
	done := map[adsync.OpKind]int{}
	attrs := map[string]int{}
	for _, r := range rep.Accounts.Results {
		if r.Err != nil || r.Skipped {
			continue
		}
		done[r.Op.Kind]++
		if r.Op.Kind == adsync.OpModify {
			for _, c := range r.Op.Changes {
				attrs[c.Attribute]++
			}
		}
	}
	var parts []string
	if n := done[adsync.OpCreate]; n > 0 {
		parts = append(parts, fmt.Sprintf("created %s, %s and %s", count(n, "account"), count(ous, "OU"), count(done[adsync.OpGroupAdd], "group membership")))
	} else if n := done[adsync.OpGroupAdd]; n > 0 {
		parts = append(parts, "added "+count(n, "group membership"))
	}
	if n := done[adsync.OpModify]; n > 0 {
		var which []string
		for _, a := range slices.Sorted(maps.Keys(attrs)) {
			which = append(which, fmt.Sprintf("%s %d", a, attrs[a]))
		}
		note := ""
		if len(attrs) == 1 && attrs["manager"] > 0 && done[adsync.OpCreate] == 0 {
			note = ": the managers' accounts did not exist yet when the last run was planned"
		}
		parts = append(parts, fmt.Sprintf("modified %s (%s)%s", count(n, "account"), strings.Join(which, ", "), note))
	}
	for _, k := range []adsync.OpKind{adsync.OpLink, adsync.OpMove, adsync.OpEnable, adsync.OpGroupRemove} {
		if n := done[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if rep.Chapel != nil {
		for _, r := range rep.Chapel.Results {
			if r.Err == nil {
				parts = append(parts, fmt.Sprintf("chapel: %s %s", r.Item.Decision.Action, j.brief(r.Item.Account.DN)))
			}
		}
	}
	parts = append(parts, fmt.Sprintf("%d failed", rep.Failed()))
	return strings.Join(parts, "; ")
}

// count says "1 account", "2 accounts": n and the noun, plural unless n
// is 1 (the noun with an s, or the plural given).
func count(n int, noun string, plural ...string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case len(plural) > 0:
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, noun)
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

// count counts the objects of a class below the base.
func (j *job) count(ctx context.Context, class string) (int, error) {
	n := 0
	err := j.dir.Search(ctx, connectors.SearchRequest{BaseDN: j.base, Filter: connectors.Eq("objectClass", class), Attributes: []string{"objectClass"}}, func(*connectors.Entry) error {
		n++
		return nil
	})
	return n, err
}

// readBack follows the directory's change feed into the org model; label
// starts its line.
func (j *job) readBack(ctx context.Context, label string) error {
	t0 := time.Now()
	rep, err := j.back.Sync(ctx)
	if err != nil {
		return err
	}
	accounts, mails := 0, 0
	g := j.model.Latest().Today(j.now())
	for _, p := range rep.Recorded {
		for _, a := range g.Accounts(p) {
			if a.System == adsync.System {
				accounts++
			}
		}
		for _, a := range g.Addresses(p) {
			if a.Type == "EMAIL" {
				mails++
			}
		}
	}
	fmt.Fprintf(j.w, "%s%s read from the directory's feed: recorded %s and %s in the org model; %d drifted, %s (%s)\n",
		label, count(rep.Changes, "change"), count(accounts, "account"), count(mails, "e-mail address", "e-mail addresses"), len(rep.Drift), count(len(rep.Errors), "error"), since(t0))
	for i, e := range rep.Errors {
		if i == 3 {
			fmt.Fprintf(j.w, "            … and %d more\n", len(rep.Errors)-3)
			break
		}
		fmt.Fprintf(j.w, "            %v\n", e)
	}
	return nil
}

// samples shows a few accounts as the directory has them: an employee, the
// employee's manager, and someone whose name has no Latin letters.
func (j *job) samples(ctx context.Context) error {
	g := j.model.Latest().Today(j.now())
	var picks []uuid.UUID
	for _, p := range adsync.PersonsOn(g) {
		if mgr := manager(g, p); mgr != uuid.Nil && len(g.Ancestors(unitOf(g, p))) >= 3 {
			if _, ok := j.links.Link(mgr); ok {
				picks = append(picks, p, mgr)
				break
			}
		}
	}
	for _, p := range adsync.PersonsOn(g) {
		if pp, ok := g.Person(p); ok && !latin(pp.GivenNames) {
			if _, ok := j.links.Link(p); ok {
				picks = append(picks, p)
				break
			}
		}
	}
	fmt.Fprintf(j.w, "\nsample accounts (DNs without \",%s\")\n", j.base)
	for _, p := range picks {
		id, _ := j.links.Link(p)
		e, err := j.dir.Read(ctx, id, []string{"sAMAccountName", "displayName", "title", "department", "company", "employeeNumber", "mail", "userPrincipalName", "manager", "memberOf"})
		if err != nil {
			return err
		}
		fmt.Fprintf(j.w, "  %-8s %s\n", e.First("sAMAccountName"), j.short(e.DN))
		fmt.Fprintf(j.w, "           title %q, department %q, company %q, employeeNumber %q\n", e.First("title"), e.First("department"), e.First("company"), e.First("employeeNumber"))
		fmt.Fprintf(j.w, "           mail %s, userPrincipalName %s\n", e.First("mail"), e.First("userPrincipalName"))
		fmt.Fprintf(j.w, "           manager %s\n", orNone(j.brief(e.First("manager"))))
		fmt.Fprintf(j.w, "           groups %s\n", j.groupNames(e.Get("memberOf")))
	}
	return nil
}

// manager returns the person's manager (inherited, never themselves).
func manager(g orgmodel.Graph, p uuid.UUID) uuid.UUID {
	for _, m := range g.PersonManagers(p) {
		if m.Person != uuid.Nil {
			return m.Person
		}
	}
	return uuid.Nil
}

// unitOf returns the unit of the person's primary engagement.
func unitOf(g orgmodel.Graph, p uuid.UUID) uuid.UUID {
	e, _ := g.PrimaryEngagement(p)
	return e.Unit
}

// latin reports whether s has a Latin letter.
func latin(s string) bool {
	for _, r := range s {
		if r < 0x250 && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 0xC0) {
			return true
		}
	}
	return false
}

// short cuts the base off a DN.
func (j *job) short(dn string) string {
	if s, ok := strings.CutSuffix(dn, ","+j.base); ok {
		return s
	}
	return dn
}

// brief shortens a DN below the base to its first two names, "…" for the
// rest: the OU tree mirrors the org tree and runs long.
func (j *job) brief(dn string) string {
	first, rest, err := connectors.SplitDN(dn)
	if err != nil || !connectors.IsUnderDN(dn, j.base) {
		return dn
	}
	out, _ := connectors.JoinDN(first.Type, first.Value, "")
	if connectors.EqualDN(rest, j.base) {
		return out
	}
	second, rest, err := connectors.SplitDN(rest)
	if err != nil {
		return dn
	}
	s, _ := connectors.JoinDN(second.Type, second.Value, "")
	out += "," + s
	if !connectors.EqualDN(rest, j.base) {
		out += ",…"
	}
	return out
}

// groupNames names the groups of a memberOf, those of the group rules.
func (j *job) groupNames(dns []string) string {
	var out []string
	for _, dn := range dns {
		for g, name := range j.groups {
			if connectors.EqualDN(dn, g) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return orNone(strings.Join(out, ", "))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// since is the time since t0, rounded for people.
func since(t0 time.Time) string {
	d := time.Since(t0)
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
