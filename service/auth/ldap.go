package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/orgsync/orgsync/connectors/ad"
)

// Attributes of AD's userAccountControl and of its computed twin.
const (
	uacAccountDisable = 0x2
	uacLockout        = 0x10
	// The matching rule that follows nested group membership
	// (LDAP_MATCHING_RULE_IN_CHAIN).
	inChain = "1.2.840.113556.1.4.1941"
)

var userAttributes = []string{
	"objectGUID", "sAMAccountName", "displayName", "cn", "mail",
	"userAccountControl", "msDS-User-Account-Control-Computed",
}

// Authenticate checks username (a sAMAccountName or userPrincipalName) and
// password against AD and returns the user with their groups, nesting
// resolved.
func (l *LDAP) Authenticate(ctx context.Context, username, password string) (*Principal, error) {
	if why := checkUsername(username); why != "" {
		return nil, fail(ErrBadCredentials, why)
	}
	if why := checkPassword(password); why != "" {
		return nil, fail(ErrBadCredentials, why)
	}
	if l.throttle.blocked(username) {
		return nil, fail(ErrThrottled, "throttled: too many failures")
	}
	p, err := l.authenticate(ctx, username, password)
	switch {
	case err == nil:
		l.throttle.succeed(username)
	case errors.Is(err, ErrBadCredentials):
		l.throttle.fail(username)
	}
	return p, err
}

func (l *LDAP) authenticate(ctx context.Context, username, password string) (*Principal, error) {
	lookup, closeLookup, err := l.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer closeLookup()
	if err := lookup.Bind(l.cfg.BindDN, string(l.cfg.BindPassword)); err != nil {
		return nil, failWrap(ErrUnavailable, "bind as the lookup account "+l.cfg.BindDN, unavailable(ctx, err))
	}
	user, err := l.findUser(ctx, lookup, username)
	if err != nil {
		return nil, err
	}
	if err := l.checkPassword(ctx, user.DN, password); err != nil {
		return nil, err
	}
	groups, err := l.groups(ctx, lookup, user.DN)
	if err != nil {
		return nil, err
	}
	id, ok := ad.IDFromGUID(user.GetRawAttributeValue("objectGUID"))
	if !ok {
		return nil, fail(ErrUnavailable, "no objectGUID readable for "+user.DN)
	}
	name := user.GetAttributeValue("displayName")
	if name == "" {
		name = user.GetAttributeValue("cn")
	}
	return &Principal{
		Subject:  string(id),
		Username: user.GetAttributeValue("sAMAccountName"),
		Name:     name,
		Email:    user.GetAttributeValue("mail"),
		Groups:   groups,
		Method:   MethodLDAP,
	}, nil
}

// dial connects to the DC over TLS. The connection is closed when ctx
// ends, which aborts a request in flight, or when release is called.
func (l *LDAP) dial(ctx context.Context) (c *ldap.Conn, release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, failWrap(ErrUnavailable, "connect", err)
	}
	dialer := &net.Dialer{Timeout: l.cfg.Timeout}
	c, err = ldap.DialURL(l.cfg.URL, ldap.DialWithDialer(dialer), ldap.DialWithTLSConfig(l.tls))
	if err != nil {
		return nil, nil, failWrap(ErrUnavailable, "connect to "+l.cfg.URL, err)
	}
	c.SetTimeout(l.cfg.Timeout)
	if l.startTLS {
		if err := c.StartTLS(l.tls); err != nil {
			c.Close()
			return nil, nil, failWrap(ErrUnavailable, "StartTLS with "+l.cfg.URL, err)
		}
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	return c, func() { stop(); c.Close() }, nil
}

// findUser returns the one enabled, unlocked user whose sAMAccountName or
// userPrincipalName is username.
func (l *LDAP) findUser(ctx context.Context, c *ldap.Conn, username string) (*ldap.Entry, error) {
	req := ldap.NewSearchRequest(l.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, int(l.cfg.Timeout/time.Second), false, userFilter(username), userAttributes, nil)
	res, err := c.Search(req)
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, failWrap(ErrUnavailable, "look up user", unavailable(ctx, err))
	}
	switch {
	case res == nil || len(res.Entries) == 0:
		return nil, fail(ErrBadCredentials, "no such user")
	case len(res.Entries) > 1:
		return nil, fail(ErrBadCredentials, "username matches more than one account")
	}
	e := res.Entries[0]
	uac, _ := strconv.ParseInt(e.GetAttributeValue("userAccountControl"), 10, 64)
	computed, _ := strconv.ParseInt(e.GetAttributeValue("msDS-User-Account-Control-Computed"), 10, 64)
	switch {
	case uac&uacAccountDisable != 0:
		return nil, fail(ErrBadCredentials, "account disabled: "+e.DN)
	case (uac|computed)&uacLockout != 0:
		return nil, fail(ErrBadCredentials, "account locked out: "+e.DN)
	}
	return e, nil
}

// userFilter finds a user by sAMAccountName or userPrincipalName. The
// username is escaped, so that "*" or ")(" in it match literally.
func userFilter(username string) string {
	u := ldap.EscapeFilter(username)
	return fmt.Sprintf("(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=%s)(userPrincipalName=%s)))", u, u)
}

// checkPassword binds as the user on a connection of its own, so that the
// lookup connection keeps the lookup account's rights.
func (l *LDAP) checkPassword(ctx context.Context, dn, password string) error {
	c, closeConn, err := l.dial(ctx)
	if err != nil {
		return err
	}
	defer closeConn()
	err = c.Bind(dn, password)
	switch {
	case err == nil:
		return nil
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials):
		// AD's diagnostic says which (52e wrong password, 775 locked,
		// 533 disabled, 532 expired), for the audit log only.
		return fail(ErrBadCredentials, "password refused for "+dn+": "+diagnostic(err))
	default:
		return failWrap(ErrUnavailable, "bind as "+dn, unavailable(ctx, err))
	}
}

// groups returns the DNs of every group dn is a member of, directly or
// through nesting, sorted. (The primary group, usually Domain Users, is
// not a member attribute in AD and is not listed.)
func (l *LDAP) groups(ctx context.Context, c *ldap.Conn, dn string) ([]string, error) {
	filter := fmt.Sprintf("(&(objectClass=group)(member:%s:=%s))", inChain, ldap.EscapeFilter(dn))
	req := ldap.NewSearchRequest(l.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, int(l.cfg.Timeout/time.Second), false, filter, []string{"1.1"}, nil)
	res, err := c.SearchWithPaging(req, 500)
	if err != nil {
		return nil, failWrap(ErrUnavailable, "read groups of "+dn, unavailable(ctx, err))
	}
	groups := make([]string, 0, len(res.Entries))
	for _, e := range res.Entries {
		groups = append(groups, e.DN)
	}
	slices.Sort(groups)
	return groups, nil
}

// unavailable prefers ctx's error when ctx ended, since closing the
// connection then made the LDAP error.
func unavailable(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// diagnostic returns the LDAP error's diagnostic message.
func diagnostic(err error) string {
	var e *ldap.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return err.Error()
}
