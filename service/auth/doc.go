// Package auth is the login and rights layer of orgsync's reference web
// service (orgsync serve): who is logged in, how they proved it, and what
// their groups let them do.
//
// It owns
//   - [Principal], the logged-in person, as every login method reports it;
//   - password login against Active Directory over LDAPS or StartTLS
//     ([LDAP]), with per-username throttling;
//   - OpenID Connect login with the authorization code flow and PKCE
//     ([OIDC]);
//   - stateless sessions in sealed cookies ([Sessions]), which survive a
//     restart of the service and allow key rotation;
//   - CSRF protection for state-changing requests ([RequireCSRF]);
//   - roles derived from group membership ([RoleMap]);
//   - the HTTP endpoints of logging in and out ([Handlers]), with a
//     minimal default login page.
//
// What it must not do: render the web service's pages (beyond the default
// login form), decide who is a manager (that comes from the org model, not
// from groups), write to the directory, or let a password reach an error,
// a log line or an audit event. Errors for a failed login never tell the
// caller why (no user enumeration); the reason is for the audit hook only,
// through [Reason].
package auth
