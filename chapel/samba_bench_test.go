package chapel_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
)

// The Samba benchmarks run the chapel over 1,000 accounts in one OU of the
// harness's DC, 100 of whose persons have left, and compare it with the
// same directory writes done with bare go-ldap on one connection:
//
//	go test ./chapel -run '^$' -bench Samba -benchtime 3x -count 3
//
// The accounts are made once per test binary (they live in a shared OU as
// long as its DC does). Before each op, outside the timer, the 100 due
// accounts are put back as they were: moved out of the chapel, enabled and
// unstamped, which is two writes each, far cheaper than making 100
// accounts (each Add with a password costs Samba its key derivations).

const (
	sambaBenchAccounts = 1000
	sambaBenchEvery    = 10 // every tenth person has left
)

// sambaBench is the fixture, built once per test binary.
var sambaBench struct {
	once     sync.Once
	err      error
	root     string // the runner's base
	skolen   string
	chapelOU string
}

// sambaBenchName is the sAMAccountName (and CN) of account i.
func sambaBenchName(i int) string { return fmt.Sprintf("chb%04d", i) }

// sambaBenchDue reports whether the person of the account with that
// sAMAccountName has left.
func sambaBenchDue(sam string) bool {
	n, err := strconv.Atoi(strings.TrimPrefix(sam, "chb"))
	return err == nil && strings.HasPrefix(sam, "chb") && n%sambaBenchEvery == 0
}

// sambaBenchPeople says that every tenth person left on 1 March 2026.
type sambaBenchPeople struct{}

func (sambaBenchPeople) Person(_ context.Context, a chapel.Account, _ time.Time) (chapel.Person, error) {
	if sambaBenchDue(a.Username) {
		return sambaLeft("2026-03-01"), nil
	}
	return chapel.Person{Known: true, Employed: true}, nil
}

// sambaBenchFixture makes the OUs and the accounts, once.
func sambaBenchFixture(b *testing.B, s *adtest.Server, dir *ad.Directory) {
	b.Helper()
	sambaBench.once.Do(func() {
		root := s.SharedOU(b, "chapel-bench")
		sambaBench.root, sambaBench.skolen, sambaBench.chapelOU = root, "OU=Skolen,"+root, "OU=Kapellet,"+root
		began := time.Now()
		sambaBench.err = sambaBenchBuild(dir)
		b.Logf("made %d accounts in %v", sambaBenchAccounts, time.Since(began).Round(time.Millisecond))
	})
	if sambaBench.err != nil {
		b.Fatal(sambaBench.err)
	}
}

func sambaBenchBuild(dir *ad.Directory) error {
	for _, ou := range []string{sambaBench.skolen, sambaBench.chapelOU} {
		_, err := dir.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
		if err != nil && !errors.Is(err, connectors.AlreadyExists) {
			return err
		}
	}
	// Eight at a time: Samba runs single-process here, but the round
	// trips and TLS overlap.
	work := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				name := sambaBenchName(i)
				_, err := dir.Create(ctx, connectors.CreateRequest{DN: "CN=" + name + "," + sambaBench.skolen, Enabled: true, Password: sambaPassword,
					Attributes: []connectors.Attribute{
						{Name: "objectClass", Values: []string{"user"}},
						{Name: "sAMAccountName", Values: []string{name}},
						{Name: "userPrincipalName", Values: []string{name + "@example.test"}},
					}})
				if err != nil && !errors.Is(err, connectors.AlreadyExists) {
					select {
					case errs <- fmt.Errorf("create %s: %w", name, err):
					default:
					}
				}
			}
		})
	}
	for i := range sambaBenchAccounts {
		work <- i
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

// sambaBenchReset puts the due accounts back in Skolen, enabled and
// without a stamp, as they were before the op.
func sambaBenchReset(b *testing.B, c *ldap.Conn) {
	b.Helper()
	res, err := c.SearchWithPaging(ldap.NewSearchRequest(sambaBench.chapelOU, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=user)", []string{"cn"}, nil), 500)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range res.Entries {
		rdn := "CN=" + ldap.EscapeDN(e.GetAttributeValue("cn"))
		if err := c.ModifyDN(ldap.NewModifyDNRequest(e.DN, rdn, true, sambaBench.skolen)); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < sambaBenchAccounts; i += sambaBenchEvery {
		m := ldap.NewModifyRequest("CN="+sambaBenchName(i)+","+sambaBench.skolen, nil)
		m.Replace("userAccountControl", []string{"512"}) // NORMAL_ACCOUNT, enabled
		m.Replace("adminDescription", nil)
		if err := c.Modify(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanAndApplySamba: one op is a Plan and an Apply of the chapel
// over 1,000 accounts in Samba, 100 of them due to be disabled (stamped,
// disabled and moved to the chapel).
func BenchmarkPlanAndApplySamba(b *testing.B) {
	s := adtest.Start(b)
	dir := sambaOpen(b, s)
	sambaBenchFixture(b, s, dir)
	reset := s.Dial(b)
	r, err := chapel.NewRunner(chapel.Runner{
		Dir: dir, Base: sambaBench.root, People: sambaBenchPeople{},
		Policy: &chapel.Policy{ChapelOU: sambaBench.chapelOU, Retention: chapel.Retention{Months: 3}, Quarantine: chapel.Retention{Months: 12}},
	})
	if err != nil {
		b.Fatal(err)
	}
	var planning time.Duration // of the op, to tell reading from writing
	for b.Loop() {
		b.StopTimer()
		sambaBenchReset(b, reset)
		b.StartTimer()
		began := time.Now()
		plan, err := r.Plan(ctx, at("2026-03-01"))
		if err != nil {
			b.Fatal(err)
		}
		planning += time.Since(began)
		if plan.InScope != sambaBenchAccounts {
			b.Fatalf("%d accounts in scope, want %d", plan.InScope, sambaBenchAccounts)
		}
		rep, err := r.Apply(ctx, plan, "")
		if err != nil || len(rep.Results) != sambaBenchAccounts/sambaBenchEvery || rep.Failed() != 0 {
			b.Fatalf("%v: %d results, %d failed", err, len(rep.Results), rep.Failed())
		}
	}
	b.ReportMetric(float64(planning.Milliseconds())/float64(b.N), "plan-ms/op")
}

// BenchmarkRawDisableSamba is BenchmarkPlanAndApplySamba's baseline: the
// same directory work with bare go-ldap on one connection and no chapel
// logic — one paged search of the 1,000 accounts, then for each of the
// 100 due accounts the three writes the runner makes (the stamp in
// adminDescription, userAccountControl, the move). It leaves out the
// runner's re-read of each account before acting and the reads its
// connector makes before userAccountControl's compare-and-swap and the
// move (AD takes no <GUID=…> DN for a ModifyDN).
func BenchmarkRawDisableSamba(b *testing.B) {
	s := adtest.Start(b)
	sambaBenchFixture(b, s, sambaOpen(b, s))
	reset, c := s.Dial(b), s.Dial(b)
	stamp, err := chapel.Stamp{Disabled: d("2026-03-01"), Reason: chapel.ReasonLeft, From: sambaBench.skolen}.Format()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		sambaBenchReset(b, reset)
		b.StartTimer()
		// A new request each time: SearchWithPaging keeps the last
		// page's cookie in the request's control.
		search := ldap.NewSearchRequest(sambaBench.root, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
			"(&(objectClass=user)(!(objectClass=computer)))",
			[]string{"objectGUID", "userAccountControl", "sAMAccountName", "memberOf", "adminDescription"}, nil)
		res, err := c.SearchWithPaging(search, 500)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Entries) != sambaBenchAccounts {
			b.Fatalf("%d accounts, want %d", len(res.Entries), sambaBenchAccounts)
		}
		done := 0
		for _, e := range res.Entries {
			sam := e.GetAttributeValue("sAMAccountName")
			if !sambaBenchDue(sam) {
				continue
			}
			uac, err := strconv.Atoi(e.GetAttributeValue("userAccountControl"))
			if err != nil {
				b.Fatal(err)
			}
			m := ldap.NewModifyRequest(e.DN, nil)
			m.Replace("adminDescription", []string{stamp})
			if err := c.Modify(m); err != nil {
				b.Fatal(err)
			}
			m = ldap.NewModifyRequest(e.DN, nil)
			m.Replace("userAccountControl", []string{strconv.Itoa(uac | 2)}) // ACCOUNTDISABLE
			if err := c.Modify(m); err != nil {
				b.Fatal(err)
			}
			if err := c.ModifyDN(ldap.NewModifyDNRequest(e.DN, "CN="+ldap.EscapeDN(sam), true, sambaBench.chapelOU)); err != nil {
				b.Fatal(err)
			}
			done++
		}
		if done != sambaBenchAccounts/sambaBenchEvery {
			b.Fatalf("%d disabled, want %d", done, sambaBenchAccounts/sambaBenchEvery)
		}
	}
}
