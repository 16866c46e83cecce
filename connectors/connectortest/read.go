package connectortest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

func errorsIs(err error, kind connectors.Kind) bool { return errors.Is(err, kind) }

func testPing(t *testing.T, s *suite) {
	require.NoError(t, s.Dir.Ping(s.ctx))
	e, err := s.Dir.ReadDN(s.ctx, s.Base, nil)
	require.NoError(t, err, "the fixture's base must exist")
	requireSameDN(t, s.Base, e.DN)
}

func testReadErrors(t *testing.T, s *suite) {
	_, err := s.Dir.Read(s.ctx, connectors.ID(uuid.NewString()), nil)
	requireKind(t, connectors.NotFound, err, "read of an unknown id")
	_, err = s.Dir.Read(s.ctx, "not-a-guid", nil)
	requireKind(t, connectors.Invalid, err, "read of a malformed id")
	_, err = s.Dir.ReadDN(s.ctx, "OU=missing,"+s.Base, nil)
	requireKind(t, connectors.NotFound, err, "read of a missing DN")
	_, err = s.Dir.ReadDN(s.ctx, "this is not a DN", nil)
	requireKind(t, connectors.Invalid, err, "read of a malformed DN")
	_, err = s.Dir.ReadDN(s.ctx, s.Base, []string{"cn)(x"})
	requireKind(t, connectors.Invalid, err, "read of a malformed attribute name")

	err = s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: "OU=missing," + s.Base}, func(*connectors.Entry) error { return nil })
	requireKind(t, connectors.NotFound, err, "search below a missing base")
	err = s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("cn=x)(cn", "y")}, func(*connectors.Entry) error { return nil })
	requireKind(t, connectors.Invalid, err, "search with a malformed attribute name")
	err = s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.And()}, func(*connectors.Entry) error { return nil })
	requireKind(t, connectors.Invalid, err, "search with an empty And")
}

// hostileNames are RDN values that break naive DN and filter handling:
// every character RFC 4514 escapes, RFC 4515's filter specials, leading
// and trailing spaces, a leading '#', NUL, line breaks and non-Latin
// scripts.
var hostileNames = []string{
	`Smith, John (ext)\*`,
	`a=b+c"d<e>f;g`,
	`#hash`,
	` leading space`,
	`trailing space `,
	"line\nbreak",
	`*`,
	`(cn=*)`,
	`æøå Ærø Åse`,
	`Ωμέγα Δέλτα`,
	`Иван Петров`,
	`李小龍`,
	`محمد`,
}

func testHostileNames(t *testing.T, s *suite) {
	mover := s.Dir.(connectors.Mover)
	target := s.newOU(t, "moved, here+", s.Base)
	targetDN := s.read(t, target).DN
	for i, name := range hostileNames {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			req, sam := s.userRequest(t, name, s.Base, attr("displayName", name))
			id := s.create(t, req)

			e := s.read(t, id, "cn", "displayName", "sAMAccountName")
			require.Equal(t, name, e.First("cn"), "cn read back")
			require.Equal(t, name, e.First("displayName"))
			rdn, parent, err := connectors.SplitDN(e.DN)
			require.NoError(t, err, "the directory's DN %q parses", e.DN)
			require.Equal(t, name, rdn.Value, "RDN value")
			requireSameDN(t, s.Base, parent)

			byDN, err := s.Dir.ReadDN(s.ctx, e.DN, nil)
			require.NoError(t, err, "read by the DN the directory returned")
			require.Equal(t, id, byDN.ID)
			byOurDN, err := s.Dir.ReadDN(s.ctx, req.DN, nil)
			require.NoError(t, err, "read by the DN JoinDN built")
			require.Equal(t, id, byOurDN.ID)

			found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("sAMAccountName", sam)})
			require.Equal(t, []connectors.ID{id}, ids(found), "search by sAMAccountName")
			found = s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("cn", name)})
			require.Equal(t, []connectors.ID{id}, ids(found), "search by cn finds exactly this entry")
			found = s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.And(
				connectors.Eq("displayName", name), connectors.Eq("sAMAccountName", sam))})
			require.Equal(t, []connectors.ID{id}, ids(found))

			newDN, err := mover.Move(s.ctx, id, connectors.MoveRequest{NewParent: targetDN})
			require.NoError(t, err, "move")
			moved := s.read(t, id, "cn")
			requireSameDN(t, newDN, moved.DN)
			rdn, parent, err = connectors.SplitDN(moved.DN)
			require.NoError(t, err)
			require.Equal(t, name, rdn.Value)
			requireSameDN(t, targetDN, parent)
		})
	}
}

// testNUL: AD and Samba take NUL for the end of a name or a value, so a
// name or filter value with NUL is refused before it reaches the
// directory, and nothing is created.
func testNUL(t *testing.T, s *suite) {
	_, err := connectors.JoinDN("CN", "nul\x00byte", s.Base)
	requireKind(t, connectors.Invalid, err, "JoinDN with NUL")
	req, _ := s.userRequest(t, "placeholder", s.Base)
	req.DN = `CN=nul\00byte,` + s.Base
	_, err = s.Dir.(connectors.Creator).Create(s.ctx, req)
	requireKind(t, connectors.Invalid, err, "create with NUL in the DN")
	_, err = s.Dir.ReadDN(s.ctx, `CN=nul\00byte,`+s.Base, nil)
	requireKind(t, connectors.Invalid, err, "read with NUL in the DN")
	id := s.newUser(t, "nul")
	if mv, ok := s.Dir.(connectors.Mover); ok {
		_, err = mv.Move(s.ctx, id, connectors.MoveRequest{NewName: "nul\x00byte"})
		requireKind(t, connectors.Invalid, err, "rename to a name with NUL")
	}
	err = s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("cn", "nul\x00byte")},
		func(*connectors.Entry) error { return nil })
	requireKind(t, connectors.Invalid, err, "NUL in a filter value (a directory may cut the value there and match more)")
	found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("objectClass", "user")})
	require.Equal(t, []connectors.ID{id}, ids(found), "nothing was created but the placeholder")
}

func testFilterInjection(t *testing.T, s *suite) {
	a := s.newUser(t, "alpha", attr("description", "x)(cn=*"))
	s.newUser(t, "beta", attr("description", "plain"))
	for _, f := range []connectors.Filter{
		connectors.Eq("cn", "*"),
		connectors.Eq("cn", "alpha)(cn=*"),
		connectors.Eq("cn", "*)(|(cn=*"),
		connectors.Eq("cn", `alpha\2a`),
		connectors.HasPrefix("cn", "*"),
		connectors.Contains("cn", ")("),
		connectors.Eq("description", "*"),
	} {
		found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: f})
		require.Empty(t, found, "filter %s must match nothing", f)
	}
	found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("description", "x)(cn=*")})
	require.Equal(t, []connectors.ID{a}, ids(found), "a value full of filter syntax matches itself")
}

func testFilters(t *testing.T, s *suite) {
	alpha := s.newUser(t, "Alpha One", attr("givenName", "Alpha"), attr("otherTelephone", "1001", "1002"))
	beta := s.newUser(t, "Beta Two", attr("givenName", "Beta"))
	group := s.newGroup(t, "Gamma Group")
	users := connectors.And(connectors.Eq("objectClass", "user"), connectors.Eq("objectCategory", "person"))
	for _, tc := range []struct {
		f    connectors.Filter
		want []connectors.ID
	}{
		{connectors.Filter{}, []connectors.ID{alpha, beta, group}},
		{users, []connectors.ID{alpha, beta}},
		{connectors.Eq("objectClass", "group"), []connectors.ID{group}},
		{connectors.Eq("cn", "alpha one"), []connectors.ID{alpha}},
		{connectors.Eq("CN", "ALPHA ONE"), []connectors.ID{alpha}},
		{connectors.Eq("otherTelephone", "1002"), []connectors.ID{alpha}},
		{connectors.HasPrefix("cn", "be"), []connectors.ID{beta}},
		{connectors.HasSuffix("cn", "group"), []connectors.ID{group}},
		{connectors.Contains("cn", "pha o"), []connectors.ID{alpha}},
		{connectors.Filter{Op: connectors.OpSubstring, Attr: "cn", Initial: "a", Any: []string{"p", "a"}, Final: "e"}, []connectors.ID{alpha}},
		{connectors.Present("givenName"), []connectors.ID{alpha, beta}},
		{connectors.And(users, connectors.Not(connectors.Present("otherTelephone"))), []connectors.ID{beta}},
		{connectors.Or(connectors.Eq("givenName", "Beta"), connectors.Eq("objectClass", "group")), []connectors.ID{beta, group}},
		{connectors.And(users, connectors.BitAnd("userAccountControl", 2)), []connectors.ID{alpha, beta}},
		{connectors.GreaterOrEqual("otherTelephone", "1002"), []connectors.ID{alpha}},
		{connectors.LessOrEqual("otherTelephone", "1000"), nil},
	} {
		found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Scope: connectors.ScopeOneLevel, Filter: tc.f})
		require.ElementsMatch(t, tc.want, ids(found), "filter %s", tc.f)
	}
}

func testSearchScopesAndPaging(t *testing.T, s *suite) {
	sub := s.newOU(t, "sub", s.Base)
	subDN := s.read(t, sub).DN
	const n = 23
	want := map[connectors.ID]bool{}
	for i := range n {
		req, _ := s.userRequest(t, fmt.Sprintf("user %02d", i), subDN)
		want[s.create(t, req)] = true
	}
	users := connectors.Eq("objectClass", "user")

	seen := map[connectors.ID]bool{}
	require.NoError(t, s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: users, PageSize: 5, Attributes: []string{"cn"}},
		func(e *connectors.Entry) error {
			require.False(t, seen[e.ID], "entry %s delivered twice", e.DN)
			seen[e.ID] = true
			require.NotEmpty(t, e.First("cn"))
			return nil
		}))
	require.Equal(t, want, seen, "paged subtree search finds every user once")

	require.Len(t, s.search(t, connectors.SearchRequest{BaseDN: s.Base, Scope: connectors.ScopeOneLevel}), 1, "one level below the base: the sub OU")
	require.Len(t, s.search(t, connectors.SearchRequest{BaseDN: subDN, Scope: connectors.ScopeOneLevel, Filter: users}), n)
	base := s.search(t, connectors.SearchRequest{BaseDN: subDN, Scope: connectors.ScopeBase})
	require.Equal(t, []connectors.ID{sub}, ids(base), "base scope finds the base only")

	calls := 0
	require.NoError(t, s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: users, PageSize: 5},
		func(*connectors.Entry) error {
			calls++
			if calls == 7 {
				return connectors.ErrStop
			}
			return nil
		}), "ErrStop ends a search without an error")
	require.Equal(t, 7, calls, "no callback after ErrStop")

	mine := errors.New("callback failed")
	err := s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: users, PageSize: 5},
		func(*connectors.Entry) error { return mine })
	require.ErrorIs(t, err, mine, "a callback's error comes back unchanged")
}

// testNestedCalls: a Search callback may call the directory.
func testNestedCalls(t *testing.T, s *suite) {
	for i := range 3 {
		s.newUser(t, fmt.Sprint("Nested ", i))
	}
	n := 0
	require.NoError(t, s.Dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("objectClass", "user"), PageSize: 1},
		func(e *connectors.Entry) error {
			again, err := s.Dir.Read(s.ctx, e.ID, []string{"cn"})
			if err != nil {
				return err
			}
			require.Equal(t, e.DN, again.DN)
			n++
			return nil
		}))
	require.Equal(t, 3, n)
}
