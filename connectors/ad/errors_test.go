package ad

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

// TestMapError covers the mapping table with the messages AD and Samba
// send; the AD tests meet most of them for real against Samba.
func TestMapError(t *testing.T) {
	lerr := func(code uint16, msg string) error { return ldap.NewError(code, errors.New(msg)) }
	for _, tc := range []struct {
		err  error
		kind connectors.Kind
		code string
		text string
	}{
		{lerr(68, "00002071: samldb: samAccountName 'u1' already in use!"), connectors.AlreadyExists, "LDAP 68, 00002071", ""},
		{lerr(19, "0000202F: samldb: userPrincipalName 'u1@example.test' is already in use"), connectors.AlreadyExists, "LDAP 19, 0000202F", ""},
		{lerr(19, "0000052D: Constraint violation - check_password_restrictions: the password is too short."), connectors.Constraint, "LDAP 19, 0000052D", ""},
		{lerr(53, "0000052D: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM)"), connectors.Constraint, "LDAP 53, 0000052D", ""},
		{lerr(19, "000020B5: Referenced object not found"), connectors.NotFound, "LDAP 19, 000020B5", ""},
		{lerr(20, "0000200D: SINGLE-VALUE attribute description on CN=x specified more than once"), connectors.Constraint, "LDAP 20, 0000200D", ""},
		{lerr(20, "attribute 'otherTelephone': value #26 already exists"), connectors.AlreadyExists, "LDAP 20", ""},
		{lerr(16, "acl_modify: attribute 'noSuchAttr' on entry 'CN=x' was not found in the schema!"), connectors.Invalid, "LDAP 16", ""},
		{lerr(16, "no matching attribute value while deleting attribute"), connectors.NotFound, "LDAP 16", ""},
		{lerr(80, "00002095: objectclass: Cannot rename CN=x, parent does not exist!"), connectors.NotFound, "LDAP 80, 00002095", ""},
		{lerr(50, "00002098: Insufficient access rights"), connectors.Permission, "LDAP 50, 00002098", ""},
		{lerr(66, "00002015: subtree_delete: Unable to delete a non-leaf node"), connectors.Constraint, "LDAP 66, 00002015", ""},
		{lerr(67, "00002016: Modify of RDN 'CN' not permitted"), connectors.Invalid, "LDAP 67, 00002016", ""},
		{lerr(32, "00002030: No such object"), connectors.NotFound, "LDAP 32, 00002030", ""},
		{lerr(10, "0000202B: RefErr: DSID-031007F9"), connectors.NotFound, "LDAP 10, 0000202B", ""},
		{lerr(12, "unavailable critical extension"), connectors.Unsupported, "LDAP 12", ""},
		{lerr(51, "busy"), connectors.Transient, "LDAP 51", ""},
		{lerr(52, "unavailable"), connectors.Transient, "LDAP 52", ""},
		{lerr(8, "BindSimple: Transport encryption required."), connectors.Configuration, "LDAP 8", ""},
		{lerr(49, "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1"), connectors.Configuration, "LDAP 49, 80090308", "the password is wrong"},
		{lerr(49, "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 533, v1db1"), connectors.Configuration, "", "disabled"},
		{lerr(49, "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 775, v1db1"), connectors.Configuration, "", "locked out"},
		{lerr(ldap.ErrorNetwork, "ldap: connection closed"), connectors.Transient, "", ""},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, connectors.Transient, "", ""},
		{&net.DNSError{Err: "no such host", Name: "dc9", IsNotFound: true}, connectors.Configuration, "", ""},
		{x509.UnknownAuthorityError{}, connectors.Configuration, "", "not trusted"},
		{ldap.NewError(ldap.ErrorNetwork, x509.HostnameError{Host: "dc9"}), connectors.Configuration, "", ""},
		{context.DeadlineExceeded, connectors.Transient, "", ""},
		{errors.New("something else"), connectors.Other, "", ""},
	} {
		err := mapError("op", "CN=x", tc.err)
		require.Truef(t, errors.Is(err, tc.kind), "%v: kind %q, want %q", tc.err, connectors.KindOf(err), tc.kind)
		var ce *connectors.Error
		require.True(t, errors.As(err, &ce))
		if tc.code != "" {
			require.Equal(t, tc.code, ce.Code, "%v", tc.err)
		}
		require.Contains(t, err.Error(), tc.text)
	}
	require.NoError(t, mapError("op", "", nil))
}
