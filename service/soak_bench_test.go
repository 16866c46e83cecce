package service

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/google/uuid"

	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The soak of issue 20: 50 concurrent API clients for a minute while the
// org model takes 20 changes a second, against a real Samba DC.
const (
	soakDefault   = 60 * time.Second        // the soak's length unless ORGSYNC_SOAK says
	soakPersons   = 300                     // the synthetic municipality's persons
	soakClients   = 50                      // concurrent API clients, each logged in
	soakInterval  = time.Second             // each client's time between requests
	soakPlanEvery = 10                      // every 10th request of a client is /plan (9:1)
	soakRate      = 20                      // org-model changes per second
	soakSample    = 20                      // persons whose last surname is read from AD at the end
	soakBaseMax   = 10 * time.Second        // the baselines' length (the soak's, if shorter)
	soakDrain     = time.Minute             // the longest wait for the worker to catch up
	soakTimeout   = 30 * time.Second        // a request that takes longer is an error
	soakActor     = "orgsync soak bench"    // the changes' registration actor
	soakBodyLimit = 64 << 20                // the most of a response body read
	soakSetup     = 3 * time.Minute         // the longest wait for the first reconcile
	soakRouteStat = "/api/v1/status"        // the light route
	soakRoutePlan = "/api/v1/plan"          // the heavy route: a full plan against AD
	soakStaffName = "Soak Klient"           // the CN prefix of the clients' AD users
	soakAdmins    = "orgsync-admins"        // their group, an admin role (for /plan)
	soakSurname   = "Østergård-Ågesen-Soak" // the changes' surname, with a counter
)

// BenchmarkSoak is the load and soak benchmark of the reference service
// (issue 20): a Samba DC, a synthetic municipality of soakPersons persons
// reconciled into an OU of the test domain, the service running on a
// SQLite store in a temporary folder, and its Handler behind
// httptest.NewTLSServer. Fifty AD users (all in orgsync-admins) log in
// with their AD passwords through the login form, one session and one
// keep-alive connection each. Then, for ORGSYNC_SOAK (a Go duration,
// default 60s), after a warm-up of a tenth of that (2 to 6 s):
//
//   - each of the 50 clients sends one request a second, on a fixed
//     schedule (phases spread over the second), nine GET /api/v1/status to
//     one GET /api/v1/plan: 45 status and 5 plans a second in all. A fixed
//     rate, not a closed loop: the figure is a latency under a
//     load, and a closed loop on two cores measures only the saturation
//     point. Each latency runs from when the request was due, so a stall
//     counts against every request that should have been sent during it
//     (no coordinated omission);
//   - a writer registers 20 surname changes a second (one registration
//     each, round-robin over the persons with an account), on the same
//     kind of fixed schedule, and each change's latency runs from its
//     registration's time to the batchHook's done time of the batch that
//     holds its event. After the load the worker is given a minute to
//     catch up, and the last surname of soakSample persons is read back
//     from AD.
//
// Goroutines and the live heap (after runtime.GC) are taken after the
// warm-up and at the end, both times with the clients idle (their
// connections open) and the worker caught up.
//
// Then, the service stopped, the raw baselines in the same op: a bare
// go-ldap connection (LDAPS, bound as Administrator) doing the two writes
// the worker does per surname change (a modify of sn and displayName, a
// rename of the CN) on the same accounts, serially at the same 20/s, and
// a bare net/http handler behind httptest.NewTLSServer answering the body
// the service's /status gave, to the same 50 clients on the same
// schedule, each for min(ORGSYNC_SOAK, 10s). The ratios are the service's
// figure over the baseline's.
//
// Any non-2xx answer, transport error, failed change, event that does
// not reach AD, wrong surname in AD, service warning, failed AD operation
// or error counted in the service's metrics fails the benchmark (after
// the figures are gathered and logged); a timing never does. The
// service's warnings before any load (while the worker takes the initial
// load's events after the first reconcile) are also counted apart, as
// startup-warnings. One op is one whole soak, over a minute: run it
// with -benchtime=1x (a benchtime in seconds does the same, as the first
// op takes longer), and repeat with -count or separate runs:
//
//	CI=true go test -run '^$' -bench BenchmarkSoak -benchtime=1x ./service/
//	ORGSYNC_SOAK=10s CI=true go test -run '^$' -bench BenchmarkSoak -benchtime=1x ./service/
//
// With b.N above one each op is a soak of its own in an OU of its own,
// and the figures pool their samples. The timer runs during the measured
// soak only: ns/op is its length.
func BenchmarkSoak(b *testing.B) {
	d := soakDuration(b)
	var all soakResult
	for range b.N {
		all.add(soakOnce(b, d))
	}
	all.report(b)
	if len(all.errs) > 0 {
		b.Log(all.summary())
		n := min(len(all.errs), 10)
		b.Fatalf("%d error(s) in the soak; the first %d:\n%s", len(all.errs), n, strings.Join(all.errs[:n], "\n"))
	}
}

// soakDuration is ORGSYNC_SOAK, or soakDefault.
func soakDuration(b *testing.B) time.Duration {
	v := os.Getenv("ORGSYNC_SOAK")
	if v == "" {
		return soakDefault
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("ORGSYNC_SOAK=%q: want a positive Go duration (60s, 5m)", v)
	}
	return d
}

// soakResult is what one soak (or several, pooled) measured.
type soakResult struct {
	status, plan []time.Duration // API latencies, from when due
	requests     int
	events       []time.Duration // registration to batch done
	applies      []time.Duration // the writer's Apply calls
	changes      int
	seconds      float64 // the measured soaks' length
	ldapBase     []time.Duration
	httpBase     []time.Duration
	goroutines   [2]int    // after the warm-up, at the end (the last soak's)
	heap         [2]uint64 // the same, live heap bytes
	growth       int       // the largest goroutine growth of the soaks
	heapGrowth   float64   // the largest heap growth of the soaks, bytes
	logins       time.Duration
	errs         []string // from the warm-up on: each fails the benchmark
	startup      []string // the service's warnings before any load: reported
	soaks        int      // how many were pooled
}

func (r *soakResult) add(o *soakResult) {
	r.status = append(r.status, o.status...)
	r.plan = append(r.plan, o.plan...)
	r.requests += o.requests
	r.events = append(r.events, o.events...)
	r.applies = append(r.applies, o.applies...)
	r.changes += o.changes
	r.seconds += o.seconds
	r.ldapBase = append(r.ldapBase, o.ldapBase...)
	r.httpBase = append(r.httpBase, o.httpBase...)
	if g := o.goroutines[1] - o.goroutines[0]; r.soaks == 0 || g > r.growth {
		r.growth = g
	}
	if hg := float64(o.heap[1]) - float64(o.heap[0]); r.soaks == 0 || hg > r.heapGrowth {
		r.heapGrowth = hg
	}
	r.soaks++
	r.goroutines, r.heap = o.goroutines, o.heap
	r.logins = max(r.logins, o.logins)
	r.errs = append(r.errs, o.errs...)
	r.startup = append(r.startup, o.startup...)
}

func (r *soakResult) report(b *testing.B) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	ratio := func(a, base time.Duration) float64 {
		if base <= 0 {
			return 0
		}
		return float64(a) / float64(base)
	}
	st50, st99, stMax := percentiles(r.status)
	pl50, pl99, plMax := percentiles(r.plan)
	ev50, ev99, evMax := percentiles(r.events)
	_, ap99, _ := percentiles(r.applies)
	lb50, lb99, _ := percentiles(r.ldapBase)
	hb50, hb99, _ := percentiles(r.httpBase)
	for _, m := range []struct {
		v    float64
		unit string
	}{
		{ms(st50), "api-status-p50-ms"}, {ms(st99), "api-status-p99-ms"}, {ms(stMax), "api-status-max-ms"},
		{ms(pl50), "api-plan-p50-ms"}, {ms(pl99), "api-plan-p99-ms"}, {ms(plMax), "api-plan-max-ms"},
		{ms(hb50), "http-base-p50-ms"}, {ms(hb99), "http-base-p99-ms"},
		{ratio(st99, hb99), "api-status-p99-ratio"}, {ratio(pl99, hb99), "api-plan-p99-ratio"},
		{float64(r.requests) / r.seconds, "api-req/s"},
		{ms(ev50), "event-ad-p50-ms"}, {ms(ev99), "event-ad-p99-ms"}, {ms(evMax), "event-ad-max-ms"},
		{ms(lb50), "ldap-base-p50-ms"}, {ms(lb99), "ldap-base-p99-ms"},
		{ratio(ev50, lb50), "event-ad-p50-ratio"}, {ratio(ev99, lb99), "event-ad-p99-ratio"},
		{ms(ap99), "apply-p99-ms"},
		{float64(r.changes) / r.seconds, "changes/s"},
		{float64(len(r.errs)), "errors"},
		{float64(len(r.startup)), "startup-warnings"},
		{float64(r.goroutines[0]), "goroutines-start"},
		{float64(r.growth), "goroutine-growth"},
		{float64(r.heap[0]) / (1 << 20), "heap-start-MB"},
		{r.heapGrowth / (1 << 20), "heap-growth-MB"},
		{ms(r.logins), "logins-ms"},
	} {
		b.ReportMetric(m.v, m.unit)
	}
}

// summary is the main figures in a line, for a failed run (whose
// metrics go test does not print).
func (r *soakResult) summary() string {
	f := func(ds []time.Duration) string {
		p50, p99, top := percentiles(ds)
		return fmt.Sprintf("p50 %v p99 %v max %v", p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond), top.Round(10*time.Microsecond))
	}
	return fmt.Sprintf("status %s; plan %s; event→AD %s; ldap baseline %s; http baseline %s; goroutines %v, heap %v",
		f(r.status), f(r.plan), f(r.events), f(r.ldapBase), f(r.httpBase), r.goroutines, r.heap)
}

// percentiles returns the p50, p99 and max of ds (nearest rank).
func percentiles(ds []time.Duration) (p50, p99, top time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(q float64) time.Duration { return s[max(0, int(math.Ceil(q*float64(len(s))))-1)] }
	return rank(0.50), rank(0.99), s[len(s)-1]
}

// soakOnce runs one soak and its baselines.
func soakOnce(b *testing.B, d time.Duration) *soakResult {
	b.StopTimer()
	res := &soakResult{}
	var emu sync.Mutex
	fail := func(format string, args ...any) {
		emu.Lock()
		defer emu.Unlock()
		res.errs = append(res.errs, fmt.Sprintf(format, args...))
	}

	rig, users := soakRig(b)
	logs := &soakLog{}
	tracker := &soakTracker{pending: map[uint64]time.Time{}}
	svc := soakStart(b, rig.soakConfig(b), Options{Getenv: rig.getenv, Logger: slog.New(logs)}, tracker.hook)
	soakWait(b, "the first reconcile", soakSetup, func() bool { return jobOK(svc.s, "reconcile") })
	s := svc.s

	var persons []uuid.UUID
	for o := range s.Model().Latest().All(orgmodel.KindPerson) {
		if _, ok := s.links.Link(o.ID); ok {
			persons = append(persons, o.ID)
		}
	}
	if len(persons) < soakSample {
		b.Fatalf("only %d persons have an account after the first reconcile", len(persons))
	}
	b.Logf("%d persons, %d with an account in AD", soakPersons, len(persons))

	// The worker takes the initial load's events after the first
	// reconcile: a sentinel change, registered after them, is done when
	// they are. What the service counts and logs until then is the
	// start's, reported apart (see soakResult.startup).
	sentinel := &soakWriter{s: s, persons: persons[:1], tracker: tracker, last: map[uuid.UUID]string{}, fail: fail}
	sentinel.run(time.Nanosecond)
	if !tracker.drained(soakSetup) {
		b.Fatalf("the worker did not get through the initial load's events within %v", soakSetup)
	}
	tracker.reset()
	errStart, opsStart := soakCounters(s)
	res.startup = logs.take()
	for _, m := range res.startup {
		fail("at the start, before any load, the service logged: %s", m)
	}
	if errStart > 0 {
		fail("at the start, before any load, the service counted %v error(s) (orgsync_errors_total)", errStart)
	}

	web := httptest.NewTLSServer(s.Handler())
	defer web.Close()
	began := time.Now()
	clients := make([]*http.Client, len(users))
	for i, u := range users {
		c, err := soakLogin(web, u, sambaPassword)
		if err != nil {
			b.Fatalf("logging in %s: %v", u, err)
		}
		clients[i] = c
	}
	res.logins = time.Since(began)
	b.Logf("%d clients logged in with their AD passwords in %v", len(clients), res.logins.Round(time.Millisecond))

	route := func(client, k int) string {
		if k%soakPlanEvery == client%soakPlanEvery {
			return soakRoutePlan
		}
		return soakRouteStat
	}
	writer := &soakWriter{s: s, persons: persons, tracker: tracker, last: map[uuid.UUID]string{}, fail: fail}
	// phase runs the clients and the writer together for d.
	phase := func(d time.Duration) (lat map[string][]time.Duration, applies []time.Duration) {
		var wg sync.WaitGroup
		wg.Go(func() { lat = soakLoad(web.URL, clients, d, route, fail) })
		wg.Go(func() { applies = writer.run(d) })
		wg.Wait()
		return lat, applies
	}

	// The warm-up: the same load, not measured.
	phase(min(max(d/10, 2*time.Second), 6*time.Second))
	if !tracker.drained(soakDrain) {
		fail("%d of the warm-up's changes did not reach AD within %v", tracker.left(), soakDrain)
	}
	tracker.reset()
	res.goroutines[0], res.heap[0] = soakSnapshot()

	// The soak.
	warmed := writer.n
	soakedAt := time.Now()
	b.StartTimer()
	lat, applies := phase(d)
	b.StopTimer()
	res.applies, res.changes = applies, writer.n-warmed
	res.seconds = d.Seconds()
	res.status, res.plan = lat[soakRouteStat], lat[soakRoutePlan]
	res.requests = len(res.status) + len(res.plan)
	if !tracker.drained(soakDrain) {
		fail("%d of the soak's changes did not reach AD within %v of its end", tracker.left(), soakDrain)
	}
	res.events = tracker.latencies()
	b.Logf("the slowest changes, by seconds into the soak: %s", tracker.slowest(soakedAt, 8))
	res.goroutines[1], res.heap[1] = soakSnapshot()
	b.Logf("soak %v: %d requests (%d plans), %d changes, %d events timed; goroutines %d → %d, heap %.1f → %.1f MB",
		d, res.requests, len(res.plan), res.changes, len(res.events), res.goroutines[0], res.goroutines[1],
		float64(res.heap[0])/(1<<20), float64(res.heap[1])/(1<<20))

	// The last surnames, read from AD.
	c := rig.srv.Dial(b)
	checked := 0
	for _, p := range writer.recent(soakSample) {
		dn, ok := s.links.AccountDN(p)
		if !ok {
			fail("person %s has no account DN any more", p)
			continue
		}
		got, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=user)", []string{"sn"}, nil))
		if err != nil || len(got.Entries) != 1 {
			fail("reading %s: %v", dn, err)
			continue
		}
		if sn, want := got.Entries[0].GetAttributeValue("sn"), writer.surname(p); sn != want {
			fail("%s: sn is %q in AD, the model's last is %q", dn, sn, want)
		}
		checked++
	}
	b.Logf("the last surname of %d persons read back from AD", checked)

	errTotal, ops := soakCounters(s)
	b.Logf("AD operations, from the start: %v", ops)
	for k, n := range ops {
		if strings.HasSuffix(k, "/failed") && n > opsStart[k] {
			fail("%v AD operation(s) %s during the load", n-opsStart[k], k)
		}
	}
	if n := errTotal - errStart; n > 0 {
		fail("the service counted %v error(s) (orgsync_errors_total) during the load", n)
	}
	for _, m := range logs.take() {
		fail("the service logged: %s", m)
	}
	body := soakStatusBody(b, clients[0], web.URL)
	for _, cl := range clients {
		cl.CloseIdleConnections()
	}
	web.Close()
	if err := svc.stop(); err != nil {
		fail("Run: %v", err)
	}

	// The baselines, the service stopped.
	based := min(d, soakBaseMax)
	res.ldapBase = soakLDAPBaseline(b, rig, s, persons, based, fail)
	res.httpBase = soakHTTPBaseline(b, body, based, len(clients), fail)
	return res
}

// soakSnapshot returns the goroutines and the live heap after a GC.
func soakSnapshot() (int, uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapAlloc
}

// soakRig is newSambaRig's rig (which takes a *testing.T) for a
// benchmark: the managed OU with its chapel and group OUs, and a staff OU
// of soakClients users in orgsync-admins, whose logins it returns.
func soakRig(b *testing.B) (*sambaRig, []string) {
	b.Helper()
	srv := adtest.Start(b)
	r := &sambaRig{srv: srv, base: srv.NewOU(b), staff: srv.NewOU(b), dir: b.TempDir()}
	c := srv.Dial(b)
	add := func(a *ldap.AddRequest) {
		if err := c.Add(a); err != nil {
			b.Fatalf("adding %s: %v", a.DN, err)
		}
	}
	for _, ou := range []string{"OU=Kapellet," + r.base, "OU=Grupper," + r.base} {
		a := ldap.NewAddRequest(ou, nil)
		a.Attribute("objectClass", []string{"organizationalUnit"})
		add(a)
	}
	tag := strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	group := func(dn string, members []string) {
		a := ldap.NewAddRequest(dn, nil)
		a.Attribute("objectClass", []string{"top", "group"})
		a.Attribute("sAMAccountName", []string{"g" + tag + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)})
		if len(members) > 0 {
			a.Attribute("member", members)
		}
		add(a)
	}
	group("CN=Alle ansatte,OU=Grupper,"+r.base, nil)
	var dns, users []string
	for i := range soakClients {
		sam := fmt.Sprintf("soak%s%02d", tag, i)
		dn := fmt.Sprintf("CN=%s %02d,%s", soakStaffName, i, r.staff)
		a := ldap.NewAddRequest(dn, nil)
		a.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		a.Attribute("sAMAccountName", []string{sam})
		a.Attribute("unicodePwd", []string{unicodePwd(sambaPassword)})
		a.Attribute("userAccountControl", []string{"512"})
		add(a)
		dns, users = append(dns, dn), append(users, sam)
	}
	group("CN="+soakAdmins+","+r.staff, dns)
	key := make([]byte, 32)
	rand.Read(key)
	r.env = map[string]string{"ORGSYNC_AD_PASSWORD": adtest.AdminPassword, "SESSION_KEY": base64.StdEncoding.EncodeToString(key)}
	return r, users
}

// soakConfig is (*sambaRig).config (which takes a *testing.T) with
// soakPersons persons and the store in the rig's temporary folder.
func (r *sambaRig) soakConfig(b *testing.B) *Config {
	b.Helper()
	text := fmt.Sprintf(`
store: {url: %q}
directory:
  url: %s
  ca_file: %s
  server_name: %s
  bind_dn: %q
model:
  synthetic: {persons: %d}
sync:
  base: %q
  chapel_ou: %q
  mapping:
    attributes:
      givenName: "{{.Person.GivenNames}}"
      sn: "{{.Person.Surname}}"
      displayName: "{{.Person.GivenNames}} {{.Person.Surname}}"
      department: "{{.Unit.Name}}"
  correlation: {anchor: adminDisplayName}
  ou: {mode: single, single: %q}
  groups:
    - group: %q
username:
  patterns: ["FFLL", "FFFL", "FFLLX"]
  suffix_base: FFLL
  suffix_max: 999
  fallback: medarb
  upn_domain: example.test
chapel:
  policy: {retention: {months: 3}}
auth:
  session_keys: [{env: SESSION_KEY}]
  roles:
    admin: [%s]
`, filepath.Join(r.dir, "orgsync.db"), r.srv.LDAPSURL(), r.srv.CAFile, adtest.Hostname, adtest.AdminDN, soakPersons,
		r.base, "OU=Kapellet,"+r.base, r.base, "CN=Alle ansatte,OU=Grupper,"+r.base, soakAdmins)
	cfg, err := Parse(filepath.Join(r.dir, "serve.yaml"), []byte(text))
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// soakService is a running service; started (which takes a *testing.T,
// and ends Run after two minutes) for a benchmark.
type soakService struct {
	s      *Service
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

func soakStart(b *testing.B, cfg *Config, opts Options, hook func([]orgmodel.Event, time.Time)) *soakService {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := New(ctx, cfg, opts)
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	s.batchHook = hook
	svc := &soakService{s: s, cancel: cancel, done: make(chan error, 1)}
	go func() { svc.done <- s.Run(ctx) }()
	b.Cleanup(func() { svc.stop() })
	return svc
}

// stop ends Run, waits for it (a minute at most) and closes the service.
func (svc *soakService) stop() error {
	svc.once.Do(func() {
		svc.cancel()
		select {
		case svc.err = <-svc.done:
		case <-time.After(time.Minute):
			svc.err = errors.New("Run did not return within a minute of its context ending")
		}
		svc.err = errors.Join(svc.err, svc.s.Close())
	})
	return svc.err
}

// soakWait is waitFor for a benchmark, with its own bound.
func soakWait(b *testing.B, what string, within time.Duration, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// soakLogin logs user in through the login form, as browserless.login
// does, and returns a client of its own (cookies, and one keep-alive
// connection: a transport of its own) holding the session.
func soakLogin(srv *httptest.Server, user, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{
		Transport: srv.Client().Transport.(*http.Transport).Clone(),
		Jar:       jar,
		Timeout:   soakTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	resp, err := c.Get(srv.URL + "/login")
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := hiddenCSRF.FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no token in the login form: %s", page)
	}
	form := url.Values{"csrf": {string(m[1])}, "username": {user}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	if resp, err = c.Do(req); err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("the login answered %s", resp.Status)
	}
	return c, nil
}

// soakLoad runs the clients for d, each sending a request every
// soakInterval on a fixed schedule (client i's phase i/n of the
// interval), to route(i, k) for its k-th request, and returns the
// latencies by route, each from when its request was due.
func soakLoad(base string, clients []*http.Client, d time.Duration, route func(client, k int) string, fail func(string, ...any)) map[string][]time.Duration {
	start := time.Now()
	end := start.Add(d)
	lats := make([]map[string][]time.Duration, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		lats[i] = map[string][]time.Duration{}
		wg.Go(func() {
			phase := soakInterval * time.Duration(i) / time.Duration(len(clients))
			for k := 0; ; k++ {
				due := start.Add(phase + time.Duration(k)*soakInterval)
				if !due.Before(end) {
					return
				}
				time.Sleep(time.Until(due))
				path := route(i, k)
				if err := soakGet(c, base+path); err != nil {
					fail("client %d, %s: %v", i, path, err)
					continue
				}
				lats[i][path] = append(lats[i][path], time.Since(due))
			}
		})
	}
	wg.Wait()
	out := map[string][]time.Duration{}
	for _, l := range lats {
		for p, ds := range l {
			out[p] = append(out[p], ds...)
		}
	}
	return out
}

// soakGet gets u and reads the whole answer; anything but a 2xx is an
// error.
func soakGet(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, soakBodyLimit))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %.200s", resp.Status, body)
	}
	return nil
}

// soakStatusBody is what /api/v1/status answers now: the API baseline's
// fixed body.
func soakStatusBody(b *testing.B, c *http.Client, base string) []byte {
	b.Helper()
	resp, err := c.Get(base + soakRouteStat)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s %v", soakRouteStat, resp.Status, err)
	}
	return body
}

// soakTracker matches the batches the worker reports to the changes
// registered, by registration.
type soakTracker struct {
	mu      sync.Mutex
	pending map[uint64]time.Time // registration → its time
	lats    []time.Duration
	ats     []time.Time // the registrations' times, as lats
}

// register notes a registration whose event is awaited.
func (t *soakTracker) register(reg orgmodel.Registration) {
	t.mu.Lock()
	t.pending[reg.Seq] = reg.Time
	t.mu.Unlock()
}

// hook is the service's batchHook.
func (t *soakTracker) hook(batch []orgmodel.Event, done time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range batch {
		if at, ok := t.pending[e.Registration]; ok {
			t.lats = append(t.lats, done.Sub(at))
			t.ats = append(t.ats, at)
			delete(t.pending, e.Registration)
		}
	}
}

func (t *soakTracker) left() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pending)
}

// drained waits until no registration is awaited, within d.
func (t *soakTracker) drained(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for t.left() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func (t *soakTracker) latencies() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.lats)
}

// reset forgets the latencies so far (the warm-up's).
func (t *soakTracker) reset() {
	t.mu.Lock()
	t.lats, t.ats = nil, nil
	t.mu.Unlock()
}

// slowest says when the n slowest changes were registered, in seconds
// from start, with their latencies: a tail that comes back at a fixed
// period points at a chore of the worker's.
func (t *soakTracker) slowest(start time.Time, n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	idx := make([]int, len(t.lats))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(t.lats[b], t.lats[a]) })
	idx = idx[:min(n, len(idx))]
	slices.SortFunc(idx, func(a, b int) int { return t.ats[a].Compare(t.ats[b]) })
	var parts []string
	for _, i := range idx {
		parts = append(parts, fmt.Sprintf("%.1fs (%v)", t.ats[i].Sub(start).Seconds(), t.lats[i].Round(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}

// soakWriter registers surname changes of the persons with an account.
type soakWriter struct {
	s       *Service
	persons []uuid.UUID
	tracker *soakTracker
	n       int // the changes registered so far

	mu    sync.Mutex
	last  map[uuid.UUID]string
	order []uuid.UUID // the persons changed, most recent last
	fail  func(string, ...any)
}

// run registers soakRate changes a second for d, on a fixed schedule,
// and returns how long each Apply took.
func (w *soakWriter) run(d time.Duration) []time.Duration {
	start := time.Now()
	every := time.Second / soakRate
	var took []time.Duration
	for k := 0; ; k++ {
		due := start.Add(time.Duration(k) * every)
		if !due.Before(start.Add(d)) {
			w.n += len(took)
			return took
		}
		time.Sleep(time.Until(due))
		i := w.n + len(took)
		p := w.persons[i%len(w.persons)]
		name := fmt.Sprintf("%s-%d", soakSurname, i)
		var cs orgmodel.ChangeSet
		cs.Update(p, timeline.Since(w.s.zone.Date(time.Now())), orgmodel.PersonPatch{Surname: &name})
		began := time.Now()
		reg, err := w.s.Model().Apply(context.Background(), &cs, orgmodel.Registration{Time: began, Actor: soakActor})
		took = append(took, time.Since(began))
		if err != nil {
			w.fail("change %d: %v", i, err)
			continue
		}
		w.tracker.register(reg)
		w.mu.Lock()
		w.last[p] = name
		w.order = append(w.order, p)
		w.mu.Unlock()
	}
}

// recent returns up to n distinct persons changed last.
func (w *soakWriter) recent(n int) []uuid.UUID {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []uuid.UUID
	for i := len(w.order) - 1; i >= 0 && len(out) < n; i-- {
		if !slices.Contains(out, w.order[i]) {
			out = append(out, w.order[i])
		}
	}
	return out
}

func (w *soakWriter) surname(p uuid.UUID) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last[p]
}

// soakLDAPBaseline is what one change costs AD without the service: a
// bare go-ldap connection (LDAPS, bound as Administrator) doing the two
// writes the worker does for a surname change, a modify of sn and
// displayName and a rename of the CN, on the same accounts, serially, at
// soakRate changes a second for d. Each latency is the pair's, from when
// it was due. (The worker also reads the account before each write;
// the baseline does not.)
func soakLDAPBaseline(b *testing.B, r *sambaRig, s *Service, persons []uuid.UUID, d time.Duration, fail func(string, ...any)) []time.Duration {
	b.Helper()
	c := r.srv.Dial(b)
	var dns []string
	for _, p := range persons {
		if dn, ok := s.links.AccountDN(p); ok {
			dns = append(dns, dn)
		}
	}
	start := time.Now()
	every := time.Second / soakRate
	var out []time.Duration
	for k := 0; ; k++ {
		due := start.Add(time.Duration(k) * every)
		if !due.Before(start.Add(d)) {
			return out
		}
		time.Sleep(time.Until(due))
		i := k % len(dns)
		name := fmt.Sprintf("%s-base-%d", soakSurname, k)
		m := ldap.NewModifyRequest(dns[i], nil)
		m.Replace("sn", []string{name})
		m.Replace("displayName", []string{"Baseline " + name})
		if err := c.Modify(m); err != nil {
			fail("baseline modify of %s: %v", dns[i], err)
			continue
		}
		rdn := "CN=" + ldap.EscapeDN("Baseline "+name)
		_, parent, _ := strings.Cut(dns[i], ",")
		if err := c.ModifyDN(ldap.NewModifyDNRequest(dns[i], rdn, true, "")); err != nil {
			fail("baseline rename of %s: %v", dns[i], err)
			continue
		}
		dns[i] = rdn + "," + parent
		out = append(out, time.Since(due))
	}
}

// soakHTTPBaseline is the API's cost without the service: a bare handler
// answering body behind httptest.NewTLSServer, to n clients of their own
// on the soak's schedule for d.
func soakHTTPBaseline(b *testing.B, body []byte, d time.Duration, n int, fail func(string, ...any)) []time.Duration {
	b.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	}))
	defer srv.Close()
	clients := make([]*http.Client, n)
	for i := range clients {
		clients[i] = &http.Client{Transport: srv.Client().Transport.(*http.Transport).Clone(), Timeout: soakTimeout}
	}
	// A first request each, as the soak's clients had their login.
	for i, c := range clients {
		if err := soakGet(c, srv.URL+soakRouteStat); err != nil {
			fail("baseline client %d: %v", i, err)
		}
	}
	lat := soakLoad(srv.URL, clients, d, func(int, int) string { return soakRouteStat }, fail)
	for _, c := range clients {
		c.CloseIdleConnections()
	}
	return lat[soakRouteStat]
}

// soakCounters sums the service's error counter, and its AD operations
// by "kind/result".
func soakCounters(s *Service) (float64, map[string]float64) {
	mfs, err := s.metrics.reg.Gather()
	if err != nil {
		return 1, nil
	}
	var errs float64
	ops := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case "orgsync_errors_total":
				errs += m.GetCounter().GetValue()
			case "orgsync_ad_operations_total":
				var kind, result string
				for _, l := range m.GetLabel() {
					switch l.GetName() {
					case "kind":
						kind = l.GetValue()
					case "result":
						result = l.GetValue()
					}
				}
				ops[kind+"/"+result] += m.GetCounter().GetValue()
			}
		}
	}
	return errs, ops
}

// soakLog is a log handler that keeps the service's warnings and errors.
type soakLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *soakLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelWarn }

func (l *soakLog) Handle(_ context.Context, r slog.Record) error {
	var sb strings.Builder
	sb.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		sb.WriteString(" " + a.String())
		return true
	})
	l.mu.Lock()
	l.msgs = append(l.msgs, sb.String())
	l.mu.Unlock()
	return nil
}

func (l *soakLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *soakLog) WithGroup(string) slog.Handler      { return l }

// take returns the messages kept so far, and forgets them.
func (l *soakLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.msgs
	l.msgs = nil
	return out
}
