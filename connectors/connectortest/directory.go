package connectortest

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

// Fixture is what a connector under test gives the suite for one test.
type Fixture struct {
	// Dir is the connector under test.
	Dir connectors.Directory
	// Base is the DN of an empty organizational unit the test may fill;
	// the fixture removes it, with what is in it, when the test ends.
	Base string
	// Domain is the DNS domain for userPrincipalName values.
	Domain string
}

// TestDirectory runs the Directory conformance suite. open is called once
// per test, possibly from parallel tests, and must return a fresh Base.
func TestDirectory(t *testing.T, open func(t *testing.T) Fixture) {
	tests := []struct {
		name string
		caps []string // the capabilities the test needs
		fn   func(*testing.T, *suite)
	}{
		{"Ping", nil, testPing},
		{"ReadErrors", nil, testReadErrors},
		{"CreateAndRead", []string{"Creator"}, testCreateAndRead},
		{"CreateRejects", []string{"Creator"}, testCreateRejects},
		{"CreateNameTaken", []string{"Creator"}, testCreateNameTaken},
		{"HostileNames", []string{"Creator", "Mover"}, testHostileNames},
		{"NUL", []string{"Creator"}, testNUL},
		{"FilterInjection", []string{"Creator"}, testFilterInjection},
		{"Filters", []string{"Creator"}, testFilters},
		{"SearchScopesAndPaging", []string{"Creator"}, testSearchScopesAndPaging},
		{"NestedCalls", []string{"Creator"}, testNestedCalls},
		{"Modify", []string{"Creator", "Modifier"}, testModify},
		{"ModifyIsAtomic", []string{"Creator", "Modifier"}, testModifyIsAtomic},
		{"ModifyRejects", []string{"Creator", "Modifier"}, testModifyRejects},
		{"References", []string{"Creator", "Modifier", "Mover", "Deleter"}, testReferences},
		{"ValueLimits", []string{"Creator", "Modifier"}, testValueLimits},
		{"Move", []string{"Creator", "Mover"}, testMove},
		{"Delete", []string{"Creator", "Deleter"}, testDelete},
		{"EnableDisable", []string{"Creator", "Enabler", "PasswordSetter"}, testEnableDisable},
		{"Passwords", []string{"Creator", "PasswordSetter"}, testPasswords},
		{"Groups", []string{"Creator", "GroupManager", "Mover"}, testGroups},
		{"Changes", []string{"Creator", "Modifier", "Mover", "Deleter", "ChangeReader"}, testChanges},
		{"ChangesFullSync", []string{"Creator", "ChangeReader"}, testChangesFullSync},
		{"ChangesPaging", []string{"Creator", "ChangeReader"}, testChangesPaging},
		{"CanceledContext", []string{"Creator"}, testCanceledContext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			s := newSuite(t, f)
			for _, c := range tc.caps {
				if !s.has(c) {
					t.Logf("not run: the connector does not implement %s", c)
					return
				}
			}
			tc.fn(t, s)
		})
	}
}

// suite carries a fixture and helpers for one test.
type suite struct {
	Fixture
	ctx    context.Context
	prefix string // makes account names unique in a directory shared by tests
	seq    atomic.Int32
	caps   map[string]bool
}

func newSuite(t *testing.T, f Fixture) *suite {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	s := &suite{Fixture: f, ctx: ctx, prefix: randomLetters(5), caps: map[string]bool{}}
	for _, c := range connectors.Capabilities(f.Dir) {
		s.caps[c] = true
	}
	return s
}

func (s *suite) has(capability string) bool { return s.caps[capability] }

func randomLetters(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// sam returns a sAMAccountName unique to this test.
func (s *suite) sam() string { return fmt.Sprintf("%s%03d", s.prefix, s.seq.Add(1)) }

func (s *suite) upn(sam string) string { return sam + "@" + s.Domain }

func attr(name string, values ...string) connectors.Attribute {
	return connectors.Attribute{Name: name, Values: values}
}

func dn(t *testing.T, typ, value, parent string) string {
	t.Helper()
	d, err := connectors.JoinDN(typ, value, parent)
	require.NoError(t, err)
	return d
}

// userRequest describes a user named cn below parent, with a unique
// sAMAccountName and UPN and any extra attributes.
func (s *suite) userRequest(t *testing.T, cn, parent string, extra ...connectors.Attribute) (connectors.CreateRequest, string) {
	sam := s.sam()
	return connectors.CreateRequest{
		DN: dn(t, "CN", cn, parent),
		Attributes: append([]connectors.Attribute{
			attr("objectClass", "top", "person", "organizationalPerson", "user"),
			attr("sAMAccountName", sam),
			attr("userPrincipalName", s.upn(sam)),
		}, extra...),
	}, sam
}

func (s *suite) create(t *testing.T, req connectors.CreateRequest) connectors.ID {
	t.Helper()
	id, err := s.Dir.(connectors.Creator).Create(s.ctx, req)
	require.NoError(t, err, "create %s", req.DN)
	require.NotEmpty(t, id)
	return id
}

func (s *suite) newUser(t *testing.T, cn string, extra ...connectors.Attribute) connectors.ID {
	t.Helper()
	req, _ := s.userRequest(t, cn, s.Base, extra...)
	return s.create(t, req)
}

func (s *suite) newOU(t *testing.T, name, parent string) connectors.ID {
	t.Helper()
	return s.create(t, connectors.CreateRequest{
		DN:         dn(t, "OU", name, parent),
		Attributes: []connectors.Attribute{attr("objectClass", "top", "organizationalUnit")},
	})
}

func (s *suite) newGroup(t *testing.T, cn string) connectors.ID {
	t.Helper()
	return s.create(t, connectors.CreateRequest{
		DN: dn(t, "CN", cn, s.Base),
		Attributes: []connectors.Attribute{
			attr("objectClass", "top", "group"),
			attr("sAMAccountName", s.sam()),
		},
	})
}

func (s *suite) read(t *testing.T, id connectors.ID, attrs ...string) *connectors.Entry {
	t.Helper()
	e, err := s.Dir.Read(s.ctx, id, attrs)
	require.NoError(t, err, "read %s", id)
	require.Equal(t, id, e.ID)
	return e
}

// search returns the entries a search finds, failing the test on error.
func (s *suite) search(t *testing.T, req connectors.SearchRequest) []*connectors.Entry {
	t.Helper()
	var out []*connectors.Entry
	require.NoError(t, s.Dir.Search(s.ctx, req, func(e *connectors.Entry) error {
		out = append(out, e)
		return nil
	}))
	return out
}

func ids(entries []*connectors.Entry) []connectors.ID {
	out := make([]connectors.ID, len(entries))
	for i, e := range entries {
		out[i] = e.ID
	}
	return out
}

// requireKind fails the test unless err is of the wanted kind.
func requireKind(t *testing.T, want connectors.Kind, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Truef(t, errorsIs(err, want), "error %q is of kind %q, want %q", err, connectors.KindOf(err), want)
}

// requireSameDN fails the test unless the DNs name the same entry.
func requireSameDN(t *testing.T, want, got string, msgAndArgs ...any) {
	t.Helper()
	if !connectors.EqualDN(want, got) {
		require.Failf(t, "DNs differ", "DN %q, want %q", append([]any{got, want}, msgAndArgs...)...)
	}
}
