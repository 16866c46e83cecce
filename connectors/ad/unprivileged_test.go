package ad_test

import (
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/internal/adtest"
	"github.com/stretchr/testify/require"
)

// TestUnprivilegedAccount: an ordinary domain user is refused writes with
// a Permission error, and still gets a change feed (DirSync with the object
// security flag, since it lacks "Replicating Directory Changes").
func TestUnprivilegedAccount(t *testing.T) {
	s := adtest.Start(t)
	admin := open(t, adminConfig(s))
	ou := s.NewOU(t)
	dn, _ := connectors.JoinDN("CN", "Plain User", ou)
	id, err := admin.Create(ctxT(t), connectors.CreateRequest{DN: dn, Password: "Sup3r!Secret", Enabled: true,
		Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{"unpriv1"}},
			{Name: "userPrincipalName", Values: []string{"unpriv1@example.test"}},
		}})
	require.NoError(t, err)

	cfg := adminConfig(s)
	cfg.BindDN, cfg.BindPassword = "unpriv1@example.test", "Sup3r!Secret"
	user := open(t, cfg)
	e, err := user.Read(ctxT(t), id, []string{"cn"})
	require.NoError(t, err, "a user may read")
	require.Equal(t, "Plain User", e.First("cn"))

	other, _ := connectors.JoinDN("CN", "Not Allowed", ou)
	_, err = user.Create(ctxT(t), connectors.CreateRequest{DN: other, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}}, {Name: "sAMAccountName", Values: []string{"unpriv2"}}}})
	requireKind(t, connectors.Permission, err, "create as an ordinary user")
	requireKind(t, connectors.Permission, user.SetEnabled(ctxT(t), id, false), "disable as an ordinary user")

	start, err := user.LatestToken(ctxT(t))
	require.NoError(t, err, "an ordinary user gets a change feed")
	require.NoError(t, admin.Modify(ctxT(t), id, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "title", Values: []string{"Changed"}}}))
	page, err := user.Changes(ctxT(t), connectors.ChangesRequest{Token: start, BaseDN: ou})
	require.NoError(t, err)
	var seen []connectors.ID
	for _, c := range page.Changes {
		seen = append(seen, c.ID)
	}
	require.Contains(t, seen, id, "the modification is reported")

	// Disabled by the admin, the account can no longer bind: a clear
	// Configuration error that names the reason.
	require.NoError(t, admin.SetEnabled(ctxT(t), id, false))
	_, err = ad.Open(ctxT(t), cfg)
	requireKind(t, connectors.Configuration, err, "bind as a disabled account")
	require.Contains(t, err.Error(), "disabled")
}
