package username_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/username"
)

// The tests in this file run against the harness's Samba AD DC, each in an
// OU of its own. sAMAccountName and userPrincipalName are unique across the
// whole domain, so the tests do not run in parallel: each removes its OU,
// and the names in it, when it ends.

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// dirOpen opens the AD connector on the harness's DC as Administrator,
// closed when the test ends.
func dirOpen(tb testing.TB, s *adtest.Server) *ad.Directory {
	tb.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := ad.Open(c, ad.Config{
		URL:          s.LDAPSURL(),
		RootCAs:      s.RootCAs,
		ServerName:   adtest.Hostname,
		BindDN:       adtest.AdminUPN,
		BindPassword: adtest.AdminPassword,
		MaxConns:     8,
	})
	if err != nil {
		tb.Fatalf("open the AD connector: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// dirCtx is a context that ends with the test, or after two minutes.
func dirCtx(tb testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	return c
}

// dirAccount is an account to create: its CN and the attributes that
// hold names (empty ones are left out).
type dirAccount struct {
	cn, sam, upn, mail string
	proxies            []string
	enabled            bool
}

func (a dirAccount) request(tb testing.TB, parent string) connectors.CreateRequest {
	tb.Helper()
	dn, err := connectors.JoinDN("CN", a.cn, parent)
	require.NoError(tb, err)
	attrs := []connectors.Attribute{{Name: "objectClass", Values: []string{"user"}}}
	for _, v := range []struct{ name, value string }{{"sAMAccountName", a.sam}, {"userPrincipalName", a.upn}, {"mail", a.mail}} {
		if v.value != "" {
			attrs = append(attrs, connectors.Attribute{Name: v.name, Values: []string{v.value}})
		}
	}
	if len(a.proxies) > 0 {
		attrs = append(attrs, connectors.Attribute{Name: "proxyAddresses", Values: a.proxies})
	}
	req := connectors.CreateRequest{DN: dn, Attributes: attrs, Enabled: a.enabled}
	if a.enabled {
		req.Password = "Sup3r!Secret-2024"
	}
	return req
}

// dirCreate creates the account below parent and returns its id.
func dirCreate(tb testing.TB, d *ad.Directory, parent string, a dirAccount) connectors.ID {
	tb.Helper()
	id, err := d.Create(dirCtx(tb), a.request(tb, parent))
	require.NoError(tb, err, "create %s", a.cn)
	return id
}

// dirJensConfig gives Jens Hansen the candidates jhan, jhan2, …, jhan9.
var dirJensConfig = username.Config{Patterns: []string{"FLLL", "FLLLX"}}

var dirJens = username.Name{GivenNames: "Jens", Surname: "Hansen"}

// dirJensAccounts take jhan to jhan6, each name in one place only: the
// other attributes of each account hold names no candidate can be.
func dirJensAccounts(t *testing.T, d *ad.Directory, ou string) map[string]connectors.ID {
	t.Helper()
	chapelDN, err := connectors.JoinDN("OU", "Kapellet", ou)
	require.NoError(t, err)
	_, err = d.Create(dirCtx(t), connectors.CreateRequest{DN: chapelDN, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
	require.NoError(t, err)
	ids := map[string]connectors.ID{
		"jhan":  dirCreate(t, d, ou, dirAccount{cn: "Jens Hansen", sam: "jhan", enabled: true}),
		"jhan2": dirCreate(t, d, ou, dirAccount{cn: "UPN holder", sam: "upn-holder", upn: "jhan2@example.test"}),
		"jhan3": dirCreate(t, d, ou, dirAccount{cn: "Mail holder", sam: "mail-holder", mail: "jhan3@example.test"}),
		"jhan4": dirCreate(t, d, ou, dirAccount{cn: "Proxy holder", sam: "proxy-holder",
			proxies: []string{"smtp:jhan4@example.test", "X500:/o=Kommune/cn=jhan7", "SMTP:proxy.holder@example.test"}}),
		"jhan5": dirCreate(t, d, ou, dirAccount{cn: "Primary holder", sam: "primary-holder",
			proxies: []string{"SMTP:jhan5@example.test", "sip:jhan8@example.test"}}),
		"jhan6": dirCreate(t, d, chapelDN, dirAccount{cn: "Jens Hansen (chapel)", sam: "jhan6"}),
	}
	chapel, err := d.Read(dirCtx(t), ids["jhan6"], []string{"sAMAccountName"})
	require.NoError(t, err)
	require.True(t, chapel.Disabled, "the chapel's account is disabled (ACCOUNTDISABLE)")
	enabled, err := d.Read(dirCtx(t), ids["jhan"], []string{"sAMAccountName"})
	require.NoError(t, err)
	require.False(t, enabled.Disabled)
	return ids
}

// dirWantRejected is what Explain must say about jhan to jhan6.
func dirWantRejected(ids map[string]connectors.ID) []username.Rejection {
	where := []username.Where{username.InSAMAccountName, username.InUPN, username.InMail,
		username.InProxyAddresses, username.InProxyAddresses, username.InSAMAccountName}
	var out []username.Rejection
	for i, name := range []string{"jhan", "jhan2", "jhan3", "jhan4", "jhan5", "jhan6"} {
		out = append(out, username.Rejection{For: "username", Candidate: name,
			Reason: "taken in " + where[i].String() + " by " + string(ids[name])})
	}
	return out
}

// TestEveryPlaceANameIsTakenIn: a name taken as a sAMAccountName, a UPN
// prefix, a mail local part, an smtp: or SMTP: proxy address, or by a
// disabled account in the chapel is skipped, whether the generator asks
// the loaded index or searches the directory per candidate, and the two
// agree on the result and on every reason.
func TestEveryPlaceANameIsTakenIn(t *testing.T) {
	s := adtest.Start(t)
	d := dirOpen(t, s)
	ou := s.NewOU(t)
	ids := dirJensAccounts(t, d, ou)

	idx := username.NewIndex()
	require.NoError(t, username.LoadDirectory(dirCtx(t), d, ou, idx))
	for _, other := range []string{"upn-holder", "mail-holder", "proxy-holder", "primary-holder", "proxy.holder"} {
		hs, _ := idx.Holdings(dirCtx(t), other)
		assert.NotEmpty(t, hs, "%s is loaded too", other)
	}
	hs, _ := idx.Holdings(dirCtx(t), "jhan7")
	assert.Empty(t, hs, "an X500: address is not an e-mail address")
	hs, _ = idx.Holdings(dirCtx(t), "jhan8")
	assert.Empty(t, hs, "a sip: address is not an e-mail address")

	search := username.NewDirectoryTaken(d, ou)
	want := dirWantRejected(ids)
	for _, tc := range []struct {
		name  string
		taken username.Taken
	}{{"index", idx}, {"search per candidate", search}} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := username.New(dirJensConfig, []username.Taken{tc.taken})
			require.NoError(t, err)
			res, err := g.Generate(dirCtx(t), username.Request{Name: dirJens, Explain: true})
			require.NoError(t, err)
			assert.Equal(t, "jhan7", res.Username)
			assert.Equal(t, want, res.Rejected)
		})
	}
	for _, name := range []string{"jhan", "jhan2", "jhan3", "jhan4", "jhan5", "jhan6", "jhan7", "JHAN", "proxy.holder"} {
		fromIndex, err := idx.Holdings(dirCtx(t), name)
		require.NoError(t, err)
		fromSearch, err := search.Holdings(dirCtx(t), name)
		require.NoError(t, err)
		assert.Equal(t, fromIndex, fromSearch, "index and search agree on %q", name)
	}
}

// dirCountingFeed counts the change feed's calls, to show that Run polls
// and does not spin.
type dirCountingFeed struct {
	*ad.Directory
	calls atomic.Int64
}

func (f *dirCountingFeed) Changes(c context.Context, req connectors.ChangesRequest) (*connectors.ChangePage, error) {
	f.calls.Add(1)
	return f.Directory.Changes(c, req)
}

// TestFollowerKeepsTheIndexCurrent: after the load, a new account's names
// are taken, a renamed account's old name and a deleted account's names
// are free again, as soon as the change feed has been read.
func TestFollowerKeepsTheIndexCurrent(t *testing.T) {
	s := adtest.Start(t)
	d := dirOpen(t, s)
	ou := s.NewOU(t)
	ids := dirJensAccounts(t, d, ou)
	idx := username.NewIndex()
	f, err := username.NewFollower(d, ou, idx)
	require.NoError(t, err)
	_, err = f.Sync(dirCtx(t))
	require.Error(t, err, "no Sync before Load: it would read every object")
	require.NoError(t, f.Load(dirCtx(t)))
	require.NotEmpty(t, f.Token())

	g, err := username.New(dirJensConfig, []username.Taken{idx})
	require.NoError(t, err)
	generate := func() string {
		t.Helper()
		res, err := g.Generate(dirCtx(t), username.Request{Name: dirJens})
		require.NoError(t, err)
		g.Release(res.Token)
		return res.Username
	}
	holders := func(name string) []username.Holding {
		t.Helper()
		hs, err := idx.Holdings(dirCtx(t), name)
		require.NoError(t, err)
		return hs
	}
	require.Equal(t, "jhan7", generate())

	// A new account takes the next candidate.
	id7 := dirCreate(t, d, ou, dirAccount{cn: "Jens Hansen 7", sam: "jhan7"})
	require.Equal(t, "jhan7", generate(), "not seen before the feed is read")
	n, err := f.Sync(dirCtx(t))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 1)
	assert.Equal(t, []username.Holding{{Where: username.InSAMAccountName, Holder: string(id7)}}, holders("jhan7"))
	require.Equal(t, "jhan8", generate())

	// A rename, a changed mail, a deleted account, and a change that
	// touches no name.
	mod := d.Modify
	require.NoError(t, mod(dirCtx(t), ids["jhan"], []connectors.Modification{{Op: connectors.ModReplace, Name: "sAMAccountName", Values: []string{"jhanx"}}}))
	require.NoError(t, mod(dirCtx(t), ids["jhan3"], []connectors.Modification{{Op: connectors.ModReplace, Name: "mail", Values: []string{"jens.hansen@example.test"}}}))
	require.NoError(t, d.Delete(dirCtx(t), ids["jhan2"]))
	require.NoError(t, mod(dirCtx(t), ids["jhan4"], []connectors.Modification{{Op: connectors.ModReplace, Name: "description", Values: []string{"still here"}}}))
	_, err = f.Sync(dirCtx(t))
	require.NoError(t, err)
	assert.Empty(t, holders("jhan"), "the old name of a renamed account is free")
	assert.Empty(t, holders("jhan2"), "a deleted account's names are free")
	assert.Empty(t, holders("jhan3"), "a replaced mail is free")
	assert.Equal(t, []username.Holding{{Where: username.InSAMAccountName, Holder: string(ids["jhan"])}}, holders("jhanx"))
	assert.Equal(t, []username.Holding{{Where: username.InMail, Holder: string(ids["jhan3"])}}, holders("jens.hansen"))
	assert.Equal(t, []username.Holding{{Where: username.InProxyAddresses, Holder: string(ids["jhan4"])}}, holders("jhan4"), "unchanged names stay")
	assert.NotEmpty(t, holders("proxy-holder"))
	assert.Equal(t, "jhan", generate())

	// Run follows on its own, polls rather than spins, and stops with its
	// context.
	feed := &dirCountingFeed{Directory: d}
	f2, err := username.NewFollower(feed, ou, idx)
	require.NoError(t, err)
	f2.SetToken(f.Token())
	runCtx, stop := context.WithCancel(dirCtx(t))
	done := make(chan error, 1)
	var reported atomic.Int64
	go func() {
		done <- f2.Run(runCtx, 50*time.Millisecond, func(error) { reported.Add(1) })
	}()
	id9 := dirCreate(t, d, ou, dirAccount{cn: "Jens Hansen 9", sam: "jhan9", mail: "jhan9@example.test"})
	require.Eventually(t, func() bool { return len(holders("jhan9")) == 2 }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, []username.Holding{{Where: username.InSAMAccountName, Holder: string(id9)}, {Where: username.InMail, Holder: string(id9)}}, holders("jhan9"))
	before := feed.calls.Load()
	time.Sleep(500 * time.Millisecond)
	polls := feed.calls.Load() - before
	assert.LessOrEqual(t, polls, int64(12), "about one poll per 50ms, not a busy loop")
	assert.GreaterOrEqual(t, polls, int64(3), "it keeps polling")
	stop()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
	assert.Zero(t, reported.Load(), "no errors along the way")

	// A token from elsewhere cannot be followed: Run says so and returns.
	f2.SetToken("not a token")
	err = f2.Run(dirCtx(t), 10*time.Millisecond, nil)
	require.Error(t, err)
}

// TestDirectoryTakenIsSafeForAnyInput: names are compared as values,
// never as filter syntax, so LDAP's special characters match only
// themselves and no input widens the search.
func TestDirectoryTakenIsSafeForAnyInput(t *testing.T) {
	s := adtest.Start(t)
	d := dirOpen(t, s)
	ou := s.NewOU(t)
	special := dirCreate(t, d, ou, dirAccount{cn: "O'Brien", sam: "o'brien(2)", mail: "o'brien*x@example.test",
		proxies: []string{`smtp:a\b)(c@example.test`}})
	// A wildcard left unescaped in "o'brien*x@*" would match this too.
	other := dirCreate(t, d, ou, dirAccount{cn: "Other", sam: "obrienz", mail: "o'brienzzx@example.test"})
	search := username.NewDirectoryTaken(d, ou)
	idx := username.NewIndex()
	require.NoError(t, username.LoadDirectory(dirCtx(t), d, ou, idx))

	for name, want := range map[string][]username.Holding{
		"o'brien(2)":          {{Where: username.InSAMAccountName, Holder: string(special)}},
		"O'Brien(2)":          {{Where: username.InSAMAccountName, Holder: string(special)}},
		"o'brien*x":           {{Where: username.InMail, Holder: string(special)}},
		"o'brienzzx":          {{Where: username.InMail, Holder: string(other)}},
		`a\b)(c`:              {{Where: username.InProxyAddresses, Holder: string(special)}},
		"obrienz":             {{Where: username.InSAMAccountName, Holder: string(other)}},
		"o'brien":             nil,
		"o'brien*":            nil,
		"*":                   nil,
		"x)(sAMAccountName=*": nil,
		"*)(|(mail=*":         nil,
		`\2a`:                 nil,
		`a\`:                  nil,
		"":                    nil,
		" ":                   nil,
	} {
		got, err := search.Holdings(dirCtx(t), name)
		require.NoError(t, err, "%q", name)
		assert.Equal(t, want, got, "search for %q", name)
		got, err = idx.Holdings(dirCtx(t), name)
		require.NoError(t, err)
		assert.Equal(t, want, got, "index for %q", name)
	}
	for name, wantErr := range map[string]bool{"jhan\x00": true, "\x00": true, "o'brien(2)\x00x": true, "*\x00*": true, "\xff\xfe": false} {
		var got []username.Holding
		var err error
		require.NotPanics(t, func() { got, err = search.Holdings(dirCtx(t), name) }, "%q", name)
		assert.Empty(t, got, "%q", name)
		if wantErr {
			assert.Truef(t, errors.Is(err, connectors.Invalid), "%q: want an Invalid error, got %v", name, err)
		} else {
			assert.NoError(t, err, "%q", name)
		}
	}
}

// TestCreateMovesOnWhenSambaSaysTaken: a name taken in the directory after
// the index was loaded is refused by Samba itself, as AlreadyExists
// whether the sAMAccountName or the userPrincipalName clashes, and Create
// moves on to the next candidate.
func TestCreateMovesOnWhenSambaSaysTaken(t *testing.T) {
	s := adtest.Start(t)
	d := dirOpen(t, s)
	ou := s.NewOU(t)
	dirJensAccounts(t, d, ou)
	idx := username.NewIndex()
	require.NoError(t, username.LoadDirectory(dirCtx(t), d, ou, idx))

	// Someone else takes jhan7 as a sAMAccountName and jhan8 as a UPN,
	// under other CNs, so only the names clash.
	dirCreate(t, d, ou, dirAccount{cn: "Intruder", sam: "jhan7"})
	dirCreate(t, d, ou, dirAccount{cn: "Intruder 2", sam: "intruder2", upn: "jhan8@example.test"})

	cfg := dirJensConfig
	cfg.UPNDomain = "example.test"
	g, err := username.New(cfg, []username.Taken{idx})
	require.NoError(t, err)
	var attempts []string
	var errs []error
	res, err := g.Create(dirCtx(t), username.Request{Name: dirJens}, 5,
		func(err error) bool { return errors.Is(err, connectors.AlreadyExists) },
		func(c context.Context, r username.Result) error {
			attempts = append(attempts, r.Username)
			_, err := d.Create(c, dirAccount{cn: "Jens Hansen " + r.Username, sam: r.Username, upn: r.UPN}.request(t, ou))
			errs = append(errs, err)
			return err
		})
	require.NoError(t, err)
	assert.Equal(t, "jhan9", res.Username)
	assert.Equal(t, "jhan9@example.test", res.UPN)
	assert.Equal(t, []string{"jhan7", "jhan8", "jhan9"}, attempts)
	require.Len(t, errs, 3)
	assert.Truef(t, errors.Is(errs[0], connectors.AlreadyExists), "a taken sAMAccountName: %v", errs[0])
	assert.Truef(t, errors.Is(errs[1], connectors.AlreadyExists), "a taken userPrincipalName: %v", errs[1])
	t.Logf("Samba on a taken sAMAccountName: %v", errs[0])
	t.Logf("Samba on a taken userPrincipalName: %v", errs[1])

	var found []string
	err = d.Search(dirCtx(t), connectors.SearchRequest{BaseDN: ou, Filter: connectors.Eq("userPrincipalName", "jhan9@example.test"),
		Attributes: []string{"sAMAccountName"}}, func(e *connectors.Entry) error {
		found = append(found, e.First("sAMAccountName"))
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"jhan9"}, found, "the account exists once, as generated")
}

// TestConcurrentCreatesAgainstSamba: twenty requests for the same name
// through one generator create twenty accounts with twenty names, and
// Samba never sees a clash: a name is reserved while its account is
// created, and recorded in the index before the reservation ends.
func TestConcurrentCreatesAgainstSamba(t *testing.T) {
	s := adtest.Start(t)
	d := dirOpen(t, s)
	ou := s.NewOU(t)
	idx := username.NewIndex()
	require.NoError(t, username.LoadDirectory(dirCtx(t), d, ou, idx))
	cfg := username.Config{Patterns: []string{"FLLL", "FLLLX"}, SuffixBase: "FFLLL", UPNDomain: "example.test"}
	g, err := username.New(cfg, []username.Taken{idx})
	require.NoError(t, err)

	const n = 20
	var clashes atomic.Int64
	results := make([]username.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = g.Create(dirCtx(t), username.Request{Name: dirJens, Person: fmt.Sprint("person-", i)}, 3,
				func(err error) bool { return errors.Is(err, connectors.AlreadyExists) },
				func(c context.Context, r username.Result) error {
					id, err := d.Create(c, dirAccount{cn: r.Username, sam: r.Username, upn: r.UPN}.request(t, ou))
					if errors.Is(err, connectors.AlreadyExists) {
						clashes.Add(1)
					}
					if err != nil {
						return err
					}
					// Record the account before the reservation ends, as a
					// Follower would a moment later.
					idx.Add(r.Username, username.Holding{Where: username.InSAMAccountName, Holder: string(id)})
					return nil
				})
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i], "request %d", i)
		assert.False(t, seen[results[i].Username], "%s given twice", results[i].Username)
		seen[results[i].Username] = true
	}
	assert.Len(t, seen, n)
	assert.Zero(t, clashes.Load(), "Samba never had to refuse a name")

	inAD := map[string]bool{}
	err = d.Search(dirCtx(t), connectors.SearchRequest{BaseDN: ou, Filter: connectors.Eq("objectClass", "user"),
		Attributes: []string{"sAMAccountName"}}, func(e *connectors.Entry) error {
		inAD[e.First("sAMAccountName")] = true
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, seen, inAD, "every generated name is an account in Samba")
}
