package ad

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// kindByCode maps LDAP result codes (RFC 4511, as AD uses them) to kinds.
// Codes not listed are Other. Some codes need the server's message as well;
// see kindOf.
var kindByCode = map[uint16]connectors.Kind{
	ldap.LDAPResultOperationsError:              connectors.Other,
	ldap.LDAPResultProtocolError:                connectors.Unsupported,
	ldap.LDAPResultTimeLimitExceeded:            connectors.Transient,
	ldap.LDAPResultSizeLimitExceeded:            connectors.Constraint,
	ldap.LDAPResultAuthMethodNotSupported:       connectors.Configuration,
	ldap.LDAPResultStrongAuthRequired:           connectors.Configuration,
	ldap.LDAPResultReferral:                     connectors.NotFound,
	ldap.LDAPResultAdminLimitExceeded:           connectors.Constraint,
	ldap.LDAPResultUnavailableCriticalExtension: connectors.Unsupported,
	ldap.LDAPResultConfidentialityRequired:      connectors.Configuration,
	ldap.LDAPResultNoSuchAttribute:              connectors.NotFound,
	ldap.LDAPResultUndefinedAttributeType:       connectors.Invalid,
	ldap.LDAPResultInappropriateMatching:        connectors.Invalid,
	ldap.LDAPResultConstraintViolation:          connectors.Constraint,
	ldap.LDAPResultAttributeOrValueExists:       connectors.AlreadyExists,
	ldap.LDAPResultInvalidAttributeSyntax:       connectors.Invalid,
	ldap.LDAPResultNoSuchObject:                 connectors.NotFound,
	ldap.LDAPResultInvalidDNSyntax:              connectors.Invalid,
	ldap.LDAPResultInvalidCredentials:           connectors.Configuration,
	ldap.LDAPResultInsufficientAccessRights:     connectors.Permission,
	ldap.LDAPResultBusy:                         connectors.Transient,
	ldap.LDAPResultUnavailable:                  connectors.Transient,
	ldap.LDAPResultUnwillingToPerform:           connectors.Constraint,
	ldap.LDAPResultNamingViolation:              connectors.Invalid,
	ldap.LDAPResultObjectClassViolation:         connectors.Invalid,
	ldap.LDAPResultNotAllowedOnNonLeaf:          connectors.Constraint,
	ldap.LDAPResultNotAllowedOnRDN:              connectors.Invalid,
	ldap.LDAPResultEntryAlreadyExists:           connectors.AlreadyExists,
	ldap.LDAPResultObjectClassModsProhibited:    connectors.Invalid,
	ldap.ErrorNetwork:                           connectors.Transient,
}

// messageRules refine a code's kind by the server's message, where AD (or
// Samba) uses one code for failures a caller must tell apart.
var messageRules = []struct {
	code uint16
	text string // lower case
	kind connectors.Kind
}{
	// A duplicate userPrincipalName is a constraint violation to Samba,
	// but to the caller it is a taken name, like a duplicate
	// sAMAccountName (entry exists).
	{ldap.LDAPResultConstraintViolation, "already in use", connectors.AlreadyExists},
	// A DN-syntax value (manager) naming no object.
	{ldap.LDAPResultConstraintViolation, "referenced object not found", connectors.NotFound},
	// Two values for a single-valued attribute.
	{ldap.LDAPResultAttributeOrValueExists, "single-value", connectors.Constraint},
	// An attribute the schema does not have.
	{ldap.LDAPResultNoSuchAttribute, "not found in the schema", connectors.Invalid},
	{ldap.LDAPResultOther, "parent does not exist", connectors.NotFound},
	// Windows refuses passwords against policy with unwillingToPerform.
	{ldap.LDAPResultUnwillingToPerform, "0000052d", connectors.Constraint},
	{ldap.LDAPResultOther, "timeout", connectors.Transient},
}

// bindDataCode finds the reason code of a failed bind in AD's message
// ("… data 52e, v1db1"); leadingCode finds the Windows error code that
// starts AD's other messages ("0000052D: …").
var (
	bindDataCode = regexp.MustCompile(`(?i)\bdata ([0-9a-f]+)\b`)
	leadingCode  = regexp.MustCompile(`^([0-9A-Fa-f]{8}):`)
)

// bindReasons explain the data codes of a failed bind (invalid
// credentials, 49).
var bindReasons = map[string]string{
	"525": "the account does not exist",
	"52e": "the password is wrong",
	"530": "the account may not log on at this time",
	"531": "the account may not log on from this workstation",
	"532": "the account's password has expired",
	"533": "the account is disabled",
	"701": "the account has expired",
	"773": "the account's password must be changed",
	"775": "the account is locked out",
}

// mapError turns an error of go-ldap, the network or TLS into a
// *connectors.Error with the right kind, keeping the server's code and
// message. nil stays nil.
func mapError(op, object string, err error) error {
	if err == nil {
		return nil
	}
	var ce *connectors.Error
	if errors.As(err, &ce) {
		return err
	}
	e := &connectors.Error{Op: op, Object: object, Err: err}
	var le *ldap.Error
	var certInvalid x509.CertificateInvalidError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var certVerify *tls.CertificateVerificationError
	var recordHeader tls.RecordHeaderError
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		e.Kind = connectors.Transient
	case errors.As(err, &certInvalid), errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &certVerify):
		e.Kind = connectors.Configuration
		e.Err = fmt.Errorf("the server's certificate is not trusted (check ca_file and server_name): %w", err)
	case errors.As(err, &recordHeader):
		e.Kind = connectors.Configuration
		e.Err = fmt.Errorf("the server does not speak TLS on this port (ldaps:// needs port 636; use ldap:// for StartTLS on 389): %w", err)
	case errors.As(err, &le):
		e.Kind = kindOf(le)
		e.Code = codeOf(le)
		e.Err = describe(le)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		e.Kind = connectors.Configuration
	case isNetwork(err):
		e.Kind = connectors.Transient
	default:
		e.Kind = connectors.Other
	}
	return e
}

func kindOf(le *ldap.Error) connectors.Kind {
	if le.ResultCode == ldap.ErrorNetwork {
		// go-ldap wraps TLS and socket errors in its network code; a
		// certificate problem is still a configuration problem.
		if inner := mapError("", "", le.Err); inner != nil && connectors.KindOf(inner) == connectors.Configuration {
			return connectors.Configuration
		}
		return connectors.Transient
	}
	msg := strings.ToLower(diagnostic(le))
	for _, r := range messageRules {
		if r.code == le.ResultCode && strings.Contains(msg, r.text) {
			return r.kind
		}
	}
	return kindByCode[le.ResultCode] // Other if absent
}

// codeOf writes the LDAP code and AD's data code, e.g. "LDAP 19, 0000052D".
func codeOf(le *ldap.Error) string {
	if le.ResultCode >= ldap.ErrorNetwork {
		return ""
	}
	code := fmt.Sprintf("LDAP %d", le.ResultCode)
	if m := leadingCode.FindStringSubmatch(diagnostic(le)); m != nil {
		code += ", " + strings.ToUpper(m[1])
	}
	return code
}

// describe writes what went wrong in words, with the server's message.
func describe(le *ldap.Error) error {
	name := ldap.LDAPResultCodeMap[le.ResultCode]
	diag := diagnostic(le)
	if le.ResultCode == ldap.LDAPResultInvalidCredentials {
		if m := bindDataCode.FindStringSubmatch(diag); m != nil {
			if why, ok := bindReasons[strings.ToLower(m[1])]; ok {
				return fmt.Errorf("bind failed: %s (%s)", why, diag)
			}
		}
		return fmt.Errorf("bind failed: invalid credentials (%s)", diag)
	}
	if le.ResultCode >= ldap.ErrorNetwork {
		return le.Err
	}
	if diag == "" {
		return errors.New(name)
	}
	return fmt.Errorf("%s: %s", name, diag)
}

func diagnostic(le *ldap.Error) string {
	if le.Err == nil {
		return ""
	}
	return strings.TrimSpace(le.Err.Error())
}

// brokenError marks the error of an operation whose connection broke under
// it. go-ldap reports that as a plain error ("unable to read LDAP response
// packet: EOF"), so the connector recognises it by the connection's state.
type brokenError struct{ err error }

func (e brokenError) Error() string { return "the connection broke: " + e.err.Error() }
func (e brokenError) Unwrap() error { return e.err }

// markBroken wraps err as a brokenError if c closed under it.
func markBroken(c *ldap.Conn, err error) error {
	if err != nil && c.IsClosing() && !isNetwork(err) {
		return brokenError{err}
	}
	return err
}

// isNetwork reports whether err means the connection broke or the server
// could not be reached: go-ldap's network code, a socket error, a closed
// connection.
func isNetwork(err error) bool {
	var be brokenError
	if errors.As(err, &be) {
		return true
	}
	var le *ldap.Error
	if errors.As(err, &le) {
		return le.ResultCode == ldap.ErrorNetwork
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// isCode reports whether err is an LDAP error with one of the codes.
func isCode(err error, codes ...uint16) bool { return ldap.IsErrorAnyOf(err, codes...) }
