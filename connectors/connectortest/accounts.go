package connectortest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

func testEnableDisable(t *testing.T, s *suite) {
	en := s.Dir.(connectors.Enabler)
	id := s.newUser(t, "Switch")
	require.NoError(t, s.Dir.(connectors.PasswordSetter).SetPassword(s.ctx, id, "Sup3r!Secret"))
	require.True(t, s.read(t, id).Disabled)

	require.NoError(t, en.SetEnabled(s.ctx, id, true))
	require.False(t, s.read(t, id).Disabled, "enabled")
	require.NoError(t, en.SetEnabled(s.ctx, id, true), "enabling an enabled account")
	require.False(t, s.read(t, id).Disabled)

	found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.BitAnd("userAccountControl", 2)})
	require.Empty(t, found, "no disabled account below the base")

	require.NoError(t, en.SetEnabled(s.ctx, id, false))
	require.True(t, s.read(t, id).Disabled, "disabled")
	require.NoError(t, en.SetEnabled(s.ctx, id, false), "disabling a disabled account")
	found = s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.BitAnd("userAccountControl", 2)})
	require.Equal(t, []connectors.ID{id}, ids(found), "the disabled flag is AD's bit 2 of userAccountControl")

	ou := s.newOU(t, "Not An Account", s.Base)
	requireKind(t, connectors.Invalid, en.SetEnabled(s.ctx, ou, true), "enable an OU")
	requireKind(t, connectors.NotFound, en.SetEnabled(s.ctx, connectors.ID(uuid.NewString()), true), "enable an unknown id")
}

func testPasswords(t *testing.T, s *suite) {
	ps := s.Dir.(connectors.PasswordSetter)
	id := s.newUser(t, "Password User")
	require.NoError(t, ps.SetPassword(s.ctx, id, "Sup3r!Secret"))
	require.NoError(t, ps.SetPassword(s.ctx, id, "Änother1Good"), "non-ASCII letters count")
	for _, tc := range []struct {
		pw   connectors.Secret
		kind connectors.Kind
	}{
		{"Ab1!", connectors.Constraint},
		{"password1", connectors.Constraint},
		{"ALLUPPERCASE", connectors.Constraint},
		{"", connectors.Invalid},
	} {
		err := ps.SetPassword(s.ctx, id, tc.pw)
		requireKind(t, tc.kind, err, "password %q", string(tc.pw))
		if tc.pw != "" {
			require.NotContains(t, err.Error(), string(tc.pw), "the error does not repeat the password")
		}
	}
	ou := s.newOU(t, "No Password", s.Base)
	requireKind(t, connectors.Invalid, ps.SetPassword(s.ctx, ou, "Sup3r!Secret"), "password on an OU")
}

func testGroups(t *testing.T, s *suite) {
	gm := s.Dir.(connectors.GroupManager)
	group := s.newGroup(t, "Staff")
	user := s.newUser(t, "Member")
	other := s.newUser(t, "Other")

	require.NoError(t, gm.AddMember(s.ctx, group, user))
	require.NoError(t, gm.AddMember(s.ctx, group, user), "adding a member twice")
	g := s.read(t, group, "member")
	u := s.read(t, user, "memberOf")
	require.Len(t, g.Get("member"), 1)
	requireSameDN(t, u.DN, g.Get("member")[0])
	require.Len(t, u.Get("memberOf"), 1)
	requireSameDN(t, g.DN, u.Get("memberOf")[0])

	newDN, err := s.Dir.(connectors.Mover).Move(s.ctx, user, connectors.MoveRequest{NewName: "Member Renamed"})
	require.NoError(t, err)
	g = s.read(t, group, "member")
	require.Len(t, g.Get("member"), 1)
	requireSameDN(t, newDN, g.Get("member")[0])

	require.NoError(t, gm.RemoveMember(s.ctx, group, other), "removing a non-member")
	require.NoError(t, gm.RemoveMember(s.ctx, group, user))
	require.NoError(t, gm.RemoveMember(s.ctx, group, user), "removing twice")
	require.Empty(t, s.read(t, group, "member").Get("member"))
	require.Empty(t, s.read(t, user, "memberOf").Get("memberOf"))

	requireKind(t, connectors.NotFound, gm.AddMember(s.ctx, group, connectors.ID(uuid.NewString())), "unknown member")
	requireKind(t, connectors.NotFound, gm.AddMember(s.ctx, connectors.ID(uuid.NewString()), user), "unknown group")
	requireKind(t, connectors.NotFound, gm.RemoveMember(s.ctx, group, connectors.ID(uuid.NewString())), "removing an unknown member")
}
