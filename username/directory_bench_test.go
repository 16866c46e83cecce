package username_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/username"
)

// The directory benchmarks compare the two ways of knowing which names are
// taken in AD, on the same Samba, the same 2,000 accounts, the same
// configuration and the same 200 persons: the Index, loaded once, and a
// search per candidate (DirectoryTaken, as OS2mo does it). An op generates
// a username, UPN and e-mail address for each of the 200 persons and then
// releases them, so every op does the same work. A third side searches
// per candidate with equality tests only, to tell the cost of a round trip
// from the cost of Samba's unindexed prefix matching.
//
//	go test ./username -run '^$' -bench 'GenerateIndexed|GeneratePerCandidateSearch' -benchtime 3x -count 3 -timeout 30m

// dirBenchConfig is the in-memory benchmark's configuration with the test
// domain for UPN and mail, so each person costs at least three lookups.
var dirBenchConfig = func() username.Config {
	c := benchConfig
	c.UPNDomain, c.MailDomain = "example.test", "example.test"
	return c
}()

const (
	dirBenchTaken   = 2000 // accounts in the directory
	dirBenchPersons = 200  // persons named per op
)

// dirBench is the fixture, built once per test binary: the accounts live
// in a shared OU for as long as this binary's DC does.
var dirBench struct {
	once     sync.Once
	err      error
	ou       string
	persons  []username.Name
	want     []username.Result // what the index gives the persons
	rejected int               // candidates passed over, for all persons
}

// dirSynthNames returns the persons' names of a synthetic municipality.
func dirSynthNames(seed uint64, persons int) ([]username.Name, error) {
	c := synth.Config{Seed: seed, Persons: persons, Units: 200, Depth: 6, Engagements: persons + persons/5,
		Managers: 150, Today: timeline.MustDate(2026, 11, 1)}
	mu, err := synth.Generate(c)
	if err != nil {
		return nil, err
	}
	var out []username.Name
	for _, o := range mu.Payroll.Objects {
		if o.Kind == orgmodel.KindPerson {
			a := o.Timeline.Span(0).Value.(orgmodel.PersonAttrs)
			out = append(out, username.Name{GivenNames: a.GivenNames, Surname: a.Surname})
		}
	}
	return out, nil
}

// dirBenchFixture creates the 2,000 accounts (once) and works out what the
// persons should get.
func dirBenchFixture(b *testing.B, s *adtest.Server, d *ad.Directory) {
	b.Helper()
	dirBench.once.Do(func() {
		dirBench.ou = s.SharedOU(b, "username-bench-taken")
		dirBench.err = dirBenchBuild(dirBench.ou, d)
	})
	if dirBench.err != nil {
		b.Fatal(dirBench.err)
	}
}

func dirBenchBuild(ou string, d *ad.Directory) error {
	ctx := context.Background()
	// The accounts: a municipality's staff, named by the same rules, so
	// the persons below collide with them as new hires do.
	staff, err := dirSynthNames(7, dirBenchTaken)
	if err != nil {
		return err
	}
	local := username.NewIndex()
	g, err := username.New(dirBenchConfig, []username.Taken{local})
	if err != nil {
		return err
	}
	var accounts []username.Result
	for _, n := range staff {
		r, err := g.Generate(ctx, username.Request{Name: n})
		if errors.Is(err, username.ErrNoLatinLetters) || errors.Is(err, username.ErrEmptyName) {
			continue // no username by this config; the same on both sides
		}
		if err != nil {
			return err
		}
		for _, name := range []string{r.Username, r.UPN[:len(r.UPN)-len("@example.test")], r.Mail[:len(r.Mail)-len("@example.test")]} {
			local.Add(name, username.Holding{Where: username.InList})
		}
		g.Release(r.Token)
		accounts = append(accounts, r)
	}
	if err := dirBenchCreate(ctx, d, ou, accounts); err != nil {
		return err
	}

	persons, err := dirSynthNames(11, dirBenchPersons)
	if err != nil {
		return err
	}
	dirBench.persons = persons
	idx := username.NewIndex()
	if err := username.LoadDirectory(ctx, d, ou, idx); err != nil {
		return err
	}
	if got, err := dirCountAccounts(ctx, d, ou); err != nil || got != len(accounts) {
		return fmt.Errorf("the benchmark OU holds %d accounts (%v), want %d; remove it and run again", got, err, len(accounts))
	}
	want, err := dirGenerateAll(ctx, idx, persons, true)
	if err != nil {
		return err
	}
	for _, r := range want {
		dirBench.rejected += len(r.Rejected)
	}
	dirBench.want = want
	return nil
}

// dirBenchCreate creates the accounts, eight at a time. An account that
// exists already (a rerun on the same DC) is fine.
func dirBenchCreate(ctx context.Context, d *ad.Directory, ou string, accounts []username.Result) error {
	work := make(chan username.Result)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for r := range work {
				dn, err := connectors.JoinDN("CN", r.Username, ou)
				if err == nil {
					_, err = d.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
						{Name: "objectClass", Values: []string{"user"}},
						{Name: "sAMAccountName", Values: []string{r.Username}},
						{Name: "userPrincipalName", Values: []string{r.UPN}},
						{Name: "mail", Values: []string{r.Mail}},
					}})
				}
				if err != nil && !errors.Is(err, connectors.AlreadyExists) {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for _, r := range accounts {
		work <- r
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// dirCountAccounts counts the accounts below ou.
func dirCountAccounts(ctx context.Context, d *ad.Directory, ou string) (int, error) {
	n := 0
	err := d.Search(ctx, connectors.SearchRequest{BaseDN: ou, Filter: connectors.Eq("objectClass", "user"), Attributes: []string{"cn"}},
		func(*connectors.Entry) error { n++; return nil })
	return n, err
}

// dirGenerateAll names every person with a fresh generator over taken, as
// one op does, and returns the results.
func dirGenerateAll(ctx context.Context, taken username.Taken, persons []username.Name, explain bool) ([]username.Result, error) {
	g, err := username.New(dirBenchConfig, []username.Taken{taken})
	if err != nil {
		return nil, err
	}
	return dirGenerateWith(ctx, g, persons, explain)
}

// dirGenerateWith names every person with g, then releases the names, so
// that g is as it was.
func dirGenerateWith(ctx context.Context, g *username.Generator, persons []username.Name, explain bool) ([]username.Result, error) {
	out := make([]username.Result, 0, len(persons))
	defer func() {
		for _, r := range out {
			g.Release(r.Token)
		}
	}()
	for _, n := range persons {
		r, err := g.Generate(ctx, username.Request{Name: n, Explain: explain})
		if errors.Is(err, username.ErrNoLatinLetters) || errors.Is(err, username.ErrEmptyName) {
			continue // no username by this config; the same on both sides
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// dirSameNames reports whether two runs gave every person the same names.
func dirSameNames(a, b []username.Result) bool {
	return slices.EqualFunc(a, b, func(x, y username.Result) bool {
		return x.Username == y.Username && x.UPN == y.UPN && x.Mail == y.Mail
	})
}

// dirBenchRun times ops of naming the persons against taken.
func dirBenchRun(b *testing.B, taken func(*ad.Directory) username.Taken) {
	s := adtest.Start(b)
	d := dirOpen(b, s)
	dirBenchFixture(b, s, d)
	ctx := context.Background()
	g, err := username.New(dirBenchConfig, []username.Taken{taken(d)})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		got, err := dirGenerateWith(ctx, g, dirBench.persons, false)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 && !dirSameNames(got, dirBench.want) {
			b.Fatalf("the two ways of knowing what is taken disagree: %d results, want %d", len(got), len(dirBench.want))
		}
	}
	b.StopTimer()
	names := float64(b.N * len(dirBench.want))
	b.ReportMetric(float64(b.Elapsed().Microseconds())/names, "µs/name")
	b.ReportMetric(float64(dirBench.rejected)/float64(len(dirBench.want)), "rejected/name")
}

// BenchmarkGenerateIndexed names 200 persons per op against 2,000 AD
// accounts through an Index loaded once (outside the timer): a map lookup
// per candidate.
func BenchmarkGenerateIndexed(b *testing.B) {
	dirBenchRun(b, func(d *ad.Directory) username.Taken {
		idx := username.NewIndex()
		if err := username.LoadDirectory(context.Background(), d, dirBench.ou, idx); err != nil {
			b.Fatal(err)
		}
		return idx
	})
}

// BenchmarkGeneratePerCandidateSearch names the same persons against the
// same accounts with one LDAP search per candidate (DirectoryTaken), the
// way OS2mo's generator checks AD.
func BenchmarkGeneratePerCandidateSearch(b *testing.B) {
	dirBenchRun(b, func(d *ad.Directory) username.Taken {
		return username.NewDirectoryTaken(d, dirBench.ou)
	})
}

// BenchmarkGeneratePerCandidateSearchExact is the per-candidate search at
// its cheapest on Samba: equality tests on name@example.test instead of
// prefix tests on name@*. Samba indexes equality but answers a prefix test
// by scanning every object (about 20 ms each with these accounts), where
// AD answers both from its indexes; this side shows the round trip alone.
func BenchmarkGeneratePerCandidateSearchExact(b *testing.B) {
	dirBenchRun(b, func(d *ad.Directory) username.Taken {
		return dirExactTaken{d: d, base: dirBench.ou, domain: "example.test"}
	})
}

// dirExactTaken looks a name up with equality tests only, for one domain.
// It knows less than DirectoryTaken (a name held at another domain is
// missed), so it is a yardstick, not an alternative.
type dirExactTaken struct {
	d            *ad.Directory
	base, domain string
}

func (t dirExactTaken) Holdings(ctx context.Context, name string) ([]username.Holding, error) {
	name = strings.ToLower(name)
	addr := name + "@" + t.domain
	filter := connectors.Or(connectors.Eq("sAMAccountName", name), connectors.Eq("userPrincipalName", addr),
		connectors.Eq("mail", addr), connectors.Eq("proxyAddresses", "smtp:"+addr))
	var hs []username.Holding
	err := t.d.Search(ctx, connectors.SearchRequest{BaseDN: t.base, Filter: filter,
		Attributes: []string{"sAMAccountName", "userPrincipalName", "mail", "proxyAddresses"}}, func(e *connectors.Entry) error {
		for _, p := range []struct {
			attr, value string
			where       username.Where
		}{
			{"sAMAccountName", name, username.InSAMAccountName},
			{"userPrincipalName", addr, username.InUPN},
			{"mail", addr, username.InMail},
			{"proxyAddresses", "smtp:" + addr, username.InProxyAddresses},
		} {
			for _, v := range e.Get(p.attr) {
				if strings.EqualFold(v, p.value) {
					hs = append(hs, username.Holding{Where: p.where, Holder: string(e.ID)})
				}
			}
		}
		return nil
	})
	return hs, err
}
