package connectortest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

// ProvisionerFixture is what an integrated system's provisioner under test
// gives the suite for one test.
type ProvisionerFixture struct {
	// Provisioner is the connector under test.
	Provisioner connectors.Provisioner
	// Grants are at least two grants the system can carry out, none of
	// them held: accounts and resources that exist in the system, each
	// grant another account or another resource than the others. The
	// suite sets their Task.
	Grants []connectors.Grant
	// NoAccount grants an existing resource to an account the system
	// does not have.
	NoAccount connectors.Grant
	// NoTarget grants a resource the system does not have (a Target that
	// names nothing) to an existing account.
	NoTarget connectors.Grant
}

// TestProvisioner runs the Provisioner conformance suite. open is called
// once per test, possibly from parallel tests, and must return grants of
// their own (accounts and resources no other test uses).
//
// It checks that a grant is held after Grant and not after Revoke, as
// Status says; that granting what is held and revoking what is not are
// not errors, whether the call is tried again (the same Task) or comes
// from another task; that grants are independent of each other; that a
// missing account is a NotFound error and a missing resource a NotFound
// or Configuration one; that ended contexts give Transient errors that
// wrap the context's; and that concurrent calls are safe. A system that
// answers GrantInProgress is asked with Status until it settles.
func TestProvisioner(t *testing.T, open func(t *testing.T) ProvisionerFixture) {
	tests := []struct {
		name string
		fn   func(*testing.T, *provisionerSuite)
	}{
		{"GrantThenStatus", testGrantThenStatus},
		{"GrantTwice", testGrantTwice},
		{"RevokeThenStatus", testRevokeThenStatus},
		{"RevokeNotHeld", testRevokeNotHeld},
		{"GrantsAreIndependent", testGrantsAreIndependent},
		{"MissingAccount", testGrantMissingAccount},
		{"MissingTarget", testGrantMissingTarget},
		{"CanceledContext", testProvisionerCanceledContext},
		{"ConcurrentUse", testProvisionerConcurrentUse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			require.GreaterOrEqual(t, len(f.Grants), 2, "the fixture gives at least two grants")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			t.Cleanup(cancel)
			tc.fn(t, &provisionerSuite{ProvisionerFixture: f, ctx: ctx, prefix: randomLetters(5)})
		})
	}
}

type provisionerSuite struct {
	ProvisionerFixture
	ctx    context.Context
	prefix string
	seq    atomic.Int32
}

// task returns g as a new boarding task's.
func (s *provisionerSuite) task(g connectors.Grant) connectors.Grant {
	g.Task = fmt.Sprintf("task-%s-%d", s.prefix, s.seq.Add(1))
	return g
}

// settle returns where g stands once the system has carried out what it
// took on: state itself, or what Status says once it is no longer in
// progress.
func (s *provisionerSuite) settle(t *testing.T, g connectors.Grant, state connectors.GrantState) connectors.GrantState {
	t.Helper()
	for state == connectors.GrantInProgress {
		select {
		case <-s.ctx.Done():
			require.Failf(t, "the grant stays in progress", "%s of %s to %s", g.Task, g.Target, g.Account)
		case <-time.After(20 * time.Millisecond):
		}
		var err error
		state, err = s.Provisioner.Status(s.ctx, g)
		require.NoError(t, err, "status of %s", g.Task)
	}
	require.Contains(t, []connectors.GrantState{connectors.GrantHeld, connectors.GrantNotHeld}, state, "not a state of the contract: %d", state)
	return state
}

func (s *provisionerSuite) grant(t *testing.T, g connectors.Grant) {
	t.Helper()
	st, err := s.Provisioner.Grant(s.ctx, g)
	require.NoError(t, err, "grant %s", g.Task)
	require.Equal(t, connectors.GrantHeld, s.settle(t, g, st), "grant %s: its state", g.Task)
}

func (s *provisionerSuite) revoke(t *testing.T, g connectors.Grant) {
	t.Helper()
	st, err := s.Provisioner.Revoke(s.ctx, g)
	require.NoError(t, err, "revoke %s", g.Task)
	require.Equal(t, connectors.GrantNotHeld, s.settle(t, g, st), "revoke %s: its state", g.Task)
}

// requireState fails the test unless Status says g stands at want.
func (s *provisionerSuite) requireState(t *testing.T, want connectors.GrantState, g connectors.Grant, what string) {
	t.Helper()
	st, err := s.Provisioner.Status(s.ctx, g)
	require.NoError(t, err, "status: %s", what)
	require.Equal(t, want, s.settle(t, g, st), what)
}

func testGrantThenStatus(t *testing.T, s *provisionerSuite) {
	g := s.task(s.Grants[0])
	s.requireState(t, connectors.GrantNotHeld, g, "before the grant")
	s.grant(t, g)
	s.requireState(t, connectors.GrantHeld, g, "after the grant")
	s.requireState(t, connectors.GrantHeld, s.task(s.Grants[0]), "asked by another task")
	s.requireState(t, connectors.GrantNotHeld, s.task(s.Grants[1]), "another grant")
}

// Granting what is held is not an error: boarding tries again after a
// lost reply (the same task), and two tasks may grant one resource.
func testGrantTwice(t *testing.T, s *provisionerSuite) {
	g := s.task(s.Grants[0])
	s.grant(t, g)
	s.grant(t, g) // tried again
	s.grant(t, s.task(s.Grants[0]))
	s.requireState(t, connectors.GrantHeld, g, "after three grants")
}

func testRevokeThenStatus(t *testing.T, s *provisionerSuite) {
	s.grant(t, s.task(s.Grants[0]))
	g := s.task(s.Grants[0])
	s.revoke(t, g)
	s.requireState(t, connectors.GrantNotHeld, g, "after the revoke")
	s.grant(t, s.task(s.Grants[0]))
	s.requireState(t, connectors.GrantHeld, g, "granted again")
}

// Revoking what is not held is not an error, the first time or again.
func testRevokeNotHeld(t *testing.T, s *provisionerSuite) {
	g := s.task(s.Grants[0])
	s.revoke(t, g)
	s.revoke(t, g) // tried again
	s.revoke(t, s.task(s.Grants[0]))
	s.requireState(t, connectors.GrantNotHeld, g, "after revokes of what was never held")

	s.grant(t, s.task(s.Grants[0]))
	s.revoke(t, g)
	s.revoke(t, g)
	s.requireState(t, connectors.GrantNotHeld, g, "after a revoke tried again")
}

// A grant or revoke touches its own account's resource only.
func testGrantsAreIndependent(t *testing.T, s *provisionerSuite) {
	for _, g := range s.Grants {
		s.grant(t, s.task(g))
	}
	s.revoke(t, s.task(s.Grants[0]))
	s.requireState(t, connectors.GrantNotHeld, s.task(s.Grants[0]), "the revoked grant")
	for i, g := range s.Grants[1:] {
		s.requireState(t, connectors.GrantHeld, s.task(g), fmt.Sprintf("grant %d after another was revoked", i+1))
	}
}

// An account the system does not have is a NotFound error, and nothing
// is granted.
func testGrantMissingAccount(t *testing.T, s *provisionerSuite) {
	g := s.task(s.NoAccount)
	_, err := s.Provisioner.Grant(s.ctx, g)
	requireKind(t, connectors.NotFound, err, "grant to a missing account")
	_, err = s.Provisioner.Status(s.ctx, g)
	requireKind(t, connectors.NotFound, err, "status of a missing account")
	// Revoking from an account that is gone holds nothing back: either
	// it is not held, or the account is not found.
	if st, err := s.Provisioner.Revoke(s.ctx, g); err != nil {
		requireKind(t, connectors.NotFound, err, "revoke from a missing account")
	} else {
		require.Equal(t, connectors.GrantNotHeld, s.settle(t, g, st), "revoke from a missing account")
	}

	none := s.task(s.Grants[0])
	none.Account, none.Username = "", ""
	_, err = s.Provisioner.Grant(s.ctx, none)
	requireKind(t, connectors.NotFound, err, "grant to no account at all")
	s.requireState(t, connectors.GrantNotHeld, s.task(s.Grants[0]), "the existing account, untouched")
}

// A resource the system does not have is a typed error that fails the
// task: NotFound, or Configuration where the catalogue names it wrongly.
func testGrantMissingTarget(t *testing.T, s *provisionerSuite) {
	g := s.task(s.NoTarget)
	check := func(what string, err error) {
		t.Helper()
		require.Error(t, err, what)
		var ce *connectors.Error
		require.ErrorAs(t, err, &ce, "%s: a *connectors.Error", what)
		require.Contains(t, []connectors.Kind{connectors.NotFound, connectors.Configuration}, ce.Kind, "%s: %v", what, err)
	}
	_, err := s.Provisioner.Grant(s.ctx, g)
	check("grant of a missing resource", err)
	_, err = s.Provisioner.Status(s.ctx, g)
	check("status of a missing resource", err)
	_, err = s.Provisioner.Revoke(s.ctx, g)
	check("revoke of a missing resource", err)
}

func testProvisionerCanceledContext(t *testing.T, s *provisionerSuite) {
	g := s.task(s.Grants[0])
	for _, end := range []struct {
		want error
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{context.Canceled, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(s.ctx)
			cancel()
			return ctx, cancel
		}},
		{context.DeadlineExceeded, func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(s.ctx, time.Now().Add(-time.Second))
		}},
	} {
		ctx, cancel := end.ctx()
		_, err := s.Provisioner.Grant(ctx, g)
		requireContextError(t, err, end.want, "grant")
		_, err = s.Provisioner.Revoke(ctx, g)
		requireContextError(t, err, end.want, "revoke")
		_, err = s.Provisioner.Status(ctx, g)
		requireContextError(t, err, end.want, "status")
		cancel()
	}
	s.requireState(t, connectors.GrantNotHeld, g, "a grant with an ended context grants nothing")
	s.grant(t, g)
}

// Calls from many goroutines at once, on grants of their own and on the
// same grant, leave each grant where its last call put it.
func testProvisionerConcurrentUse(t *testing.T, s *provisionerSuite) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, g := range s.Grants {
		for range 4 {
			wg.Go(func() {
				for range 3 {
					g := s.task(g)
					for _, call := range []func(context.Context, connectors.Grant) (connectors.GrantState, error){
						s.Provisioner.Grant, s.Provisioner.Status, s.Provisioner.Revoke, s.Provisioner.Grant,
					} {
						if _, err := call(s.ctx, g); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, g := range s.Grants {
		s.requireState(t, connectors.GrantHeld, s.task(g), "every goroutine granted last")
	}
	s.revoke(t, s.task(s.Grants[0]))
	s.requireState(t, connectors.GrantNotHeld, s.task(s.Grants[0]), "revoked after")
}

// GroupGrants fills base, an existing, empty OU of dir (which must be a
// connectors.Creator), with what a provisioner of group memberships over
// dir (boarding.ADGroups) needs for [TestProvisioner]: two groups and two
// accounts. It returns the fixture's grants between them, each Target a
// group's DN and each Account an account's id, for the caller to add the
// Provisioner to. It takes no *testing.T, so that a plugin process can
// set up its own directory with it.
func GroupGrants(ctx context.Context, dir connectors.Directory, base string) (ProvisionerFixture, error) {
	c, ok := dir.(connectors.Creator)
	if !ok {
		return ProvisionerFixture{}, fmt.Errorf("the directory %T cannot create entries", dir)
	}
	prefix := randomLetters(5)
	var dns [4]string
	var ids [4]connectors.ID
	for i, o := range []struct{ cn, class string }{
		{"Sygeplejersker", "group"}, {"Lærere & Pædagoger", "group"},
		{"Åse Ærø-Østergaard", "user"}, {`Anne "Bee" O'Hara`, "user"},
	} {
		dn, err := connectors.JoinDN("CN", o.cn+" "+prefix, base)
		if err != nil {
			return ProvisionerFixture{}, err
		}
		sam := fmt.Sprintf("%s%d", prefix, i)
		attrs := []connectors.Attribute{attr("objectClass", "top", o.class), attr("sAMAccountName", sam)}
		if o.class == "user" {
			attrs[0] = attr("objectClass", "top", "person", "organizationalPerson", "user")
			attrs = append(attrs, attr("userPrincipalName", sam+"@example.test"))
		}
		id, err := c.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: attrs})
		if err != nil {
			return ProvisionerFixture{}, fmt.Errorf("create %s: %w", dn, err)
		}
		dns[i], ids[i] = dn, id
	}
	grant := func(group, account int, username string) connectors.Grant {
		return connectors.Grant{Resource: fmt.Sprintf("group-%d", group), Target: dns[group], Account: ids[account], Username: username}
	}
	missing, err := connectors.JoinDN("CN", "No Such Group "+prefix, base)
	if err != nil {
		return ProvisionerFixture{}, err
	}
	return ProvisionerFixture{
		Grants: []connectors.Grant{grant(0, 2, prefix+"2"), grant(0, 3, prefix+"3"), grant(1, 2, prefix+"2")},
		NoAccount: connectors.Grant{Resource: "group-0", Target: dns[0], Account: connectors.ID(uuid.NewString()),
			Username: prefix + "9"},
		NoTarget: connectors.Grant{Resource: "no-such-group", Target: missing, Account: ids[2], Username: prefix + "2"},
	}, nil
}
