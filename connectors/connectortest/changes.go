package connectortest

import (
	"context"
	"fmt"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

// drain reads changes after token until the feed has no more, returning
// the last state of each object and the final token.
func (s *suite) drain(t *testing.T, token connectors.Token) (map[connectors.ID]connectors.Change, connectors.Token) {
	t.Helper()
	cr := s.Dir.(connectors.ChangeReader)
	out := map[connectors.ID]connectors.Change{}
	for range 10000 {
		page, err := cr.Changes(s.ctx, connectors.ChangesRequest{Token: token, BaseDN: s.Base})
		require.NoError(t, err)
		for _, c := range page.Changes {
			require.Truef(t, connectors.IsUnderDN(c.DN, s.Base), "change of %s is outside the base %s", c.DN, s.Base)
			out[c.ID] = c
		}
		require.NotEmpty(t, page.Token, "every page has a token")
		token = page.Token
		if !page.More {
			return out, token
		}
	}
	t.Fatal("the change feed never ends")
	return nil, ""
}

func testChanges(t *testing.T, s *suite) {
	cr := s.Dir.(connectors.ChangeReader)
	before := s.newUser(t, "Before")
	start, err := cr.LatestToken(s.ctx)
	require.NoError(t, err)

	created := s.newUser(t, "Created")
	modified := s.newUser(t, "Modified")
	moved := s.newUser(t, "Moved")
	deleted := s.newUser(t, "Deleted")
	deletedDN := s.read(t, deleted).DN
	sub := s.newOU(t, "Sub", s.Base)
	mid, err := cr.LatestToken(s.ctx)
	require.NoError(t, err)

	require.NoError(t, s.Dir.(connectors.Modifier).Modify(s.ctx, modified, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "title", Values: []string{"Changed"}}}))
	movedDN, err := s.Dir.(connectors.Mover).Move(s.ctx, moved, connectors.MoveRequest{NewParent: s.read(t, sub).DN})
	require.NoError(t, err)
	require.NoError(t, s.Dir.(connectors.Deleter).Delete(s.ctx, deleted))

	all, end := s.drain(t, start)
	require.NotContains(t, all, before, "a change before the token is not reported")
	for _, id := range []connectors.ID{created, modified, moved, sub} {
		require.Contains(t, all, id)
		require.False(t, all[id].Deleted)
	}
	requireSameDN(t, movedDN, all[moved].DN)
	require.Contains(t, all, deleted, "deletions are reported")
	require.True(t, all[deleted].Deleted)
	requireSameDN(t, deletedDN, all[deleted].DN)

	later, _ := s.drain(t, mid)
	require.NotContains(t, later, created, "resuming from a token does not repeat what came before it")
	for _, id := range []connectors.ID{modified, moved, deleted} {
		require.Contains(t, later, id, "resumed feed reports the later changes")
	}
	require.True(t, later[deleted].Deleted)

	none, _ := s.drain(t, end)
	require.Empty(t, none, "nothing changed after the last token")

	_, err = cr.Changes(s.ctx, connectors.ChangesRequest{Token: "not a token", BaseDN: s.Base})
	requireKind(t, connectors.Invalid, err, "a malformed token")
}

func testChangesFullSync(t *testing.T, s *suite) {
	want := map[connectors.ID]bool{}
	for i := range 3 {
		want[s.newUser(t, fmt.Sprint("Full ", i))] = true
	}
	all, _ := s.drain(t, "")
	for id := range want {
		require.Contains(t, all, id, "a full sync reports every object")
		require.False(t, all[id].Deleted)
	}
}

func testChangesPaging(t *testing.T, s *suite) {
	cr := s.Dir.(connectors.ChangeReader)
	start, err := cr.LatestToken(s.ctx)
	require.NoError(t, err)
	want := map[connectors.ID]bool{}
	for i := range 30 {
		want[s.newUser(t, fmt.Sprint("Paged ", i))] = true
	}
	all, _ := s.drain(t, start)
	for id := range want {
		require.Contains(t, all, id)
	}
}

func testCanceledContext(t *testing.T, s *suite) {
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	check := func(what string, err error) {
		t.Helper()
		require.ErrorIs(t, err, context.Canceled, what)
		requireKind(t, connectors.Transient, err, what)
	}
	check("ping", s.Dir.Ping(ctx))
	check("search", s.Dir.Search(ctx, connectors.SearchRequest{BaseDN: s.Base}, func(*connectors.Entry) error { return nil }))
	_, err := s.Dir.ReadDN(ctx, s.Base, nil)
	check("read", err)
	req, _ := s.userRequest(t, "Never", s.Base)
	_, err = s.Dir.(connectors.Creator).Create(ctx, req)
	check("create", err)
	require.Empty(t, s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("objectClass", "user")}),
		"a canceled create creates nothing")
}
