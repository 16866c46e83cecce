package ad

import (
	"fmt"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/stretchr/testify/require"
)

// TestCompleteRanges: AD hands out large multi-valued attributes (a big
// group's member) in ranges; completeRanges fetches the rest. Samba sends
// ranges when asked for them, which is how this test gets a partial
// attribute without making 1,500 members.
func TestCompleteRanges(t *testing.T) {
	s := adtest.Start(t)
	c := s.Dial(t)
	ou := s.NewOU(t)
	g := ldap.NewAddRequest("CN=Big Group,"+ou, nil)
	g.Attribute("objectClass", []string{"group"})
	require.NoError(t, c.Add(g))
	want := map[string]bool{}
	for i := range 7 {
		dn := fmt.Sprintf("CN=m%d,%s", i, ou)
		a := ldap.NewAddRequest(dn, nil)
		a.Attribute("objectClass", []string{"user"})
		require.NoError(t, c.Add(a))
		m := ldap.NewModifyRequest("CN=Big Group,"+ou, nil)
		m.Add("member", []string{dn})
		require.NoError(t, c.Modify(m))
		want[dn] = true
	}
	res, err := c.Search(ldap.NewSearchRequest("CN=Big Group,"+ou, ldap.ScopeBaseObject, 0, 0, 0, false,
		"(objectClass=*)", []string{"member;range=0-2"}, nil))
	require.NoError(t, err)
	e := res.Entries[0]
	require.Equal(t, "member;range=0-2", e.Attributes[0].Name, "the server sent a range")
	require.Len(t, e.Attributes[0].Values, 3)

	require.NoError(t, completeRanges(c, e))
	require.Equal(t, "member", e.Attributes[0].Name)
	got := map[string]bool{}
	for _, v := range e.Attributes[0].Values {
		got[v] = true
	}
	require.Len(t, e.Attributes[0].Values, 7, "every value once")
	require.Equal(t, want, got)
}
