package auth

import (
	"unicode"
	"unicode/utf8"
)

// Input limits. A sAMAccountName has at most 20 characters and a
// userPrincipalName at most 1024 bytes in AD's schema, but nobody types a
// username near 256 bytes; longer input is refused unread so that it costs
// the directory nothing.
const (
	maxUsernameBytes = 256
	maxPasswordBytes = 1024
)

// checkUsername returns why username cannot be anyone's, or "" if it may
// be looked up. It does not judge LDAP's special characters: the lookup
// escapes them, and a name holding them simply matches nobody.
func checkUsername(username string) string {
	switch {
	case username == "":
		return "empty username"
	case len(username) > maxUsernameBytes:
		return "username longer than 256 bytes"
	case !utf8.ValidString(username):
		return "username is not valid UTF-8"
	}
	for _, r := range username {
		if r == 0 || unicode.IsControl(r) {
			return "username contains a control character"
		}
	}
	return ""
}

// checkPassword returns why password cannot be checked, or "". An empty
// password is refused here, before any bind: LDAP treats a simple bind
// with a name and no password as an unauthenticated bind, and AD accepts
// it, which would let anyone in as anyone.
func checkPassword(password string) string {
	switch {
	case password == "":
		return "empty password"
	case len(password) > maxPasswordBytes:
		return "password longer than 1024 bytes"
	case !utf8.ValidString(password):
		return "password is not valid UTF-8"
	}
	return ""
}
