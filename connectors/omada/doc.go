// Package omada is the connector for Omada Identity: it reads an OData
// view of identities (temporary staff, consultants, AD robots) and
// delivers it as a connectors.IdentitySource, in process or from a
// plugin binary (examples/plugins/omada).
//
// # Reading
//
// Each call to [Connector.Identities] is a poll of the whole view: an
// OData v4 GET of Config.URL (which carries the view's viewid) with the
// configured $filter, then of each page's @odata.nextLink exactly as the
// server wrote it, until a page has none. A next link to another scheme
// or host is refused (the credentials would go there), and so are a link
// back to a page already read and more than Config.MaxPages pages. The
// host keeps the last snapshot and diffs; an identity that is gone from
// the view is the host's to terminate (orgmodel.Import does), never the
// connector's to delete.
//
// Authentication is basic (a user name and password) or OAuth 2 client
// credentials (golang.org/x/oauth2/clientcredentials against the
// configured token endpoint, with scopes); the access token is kept until
// it expires, and a 401 with a kept token is tried once more with a new
// one. Secrets come from the configuration, a file or an environment
// variable, and never appear in an error or a log line. A CA file and a
// server name set whom the connector trusts, for the view and the token
// endpoint alike.
//
// # Mapping
//
// Omada's field names differ from one municipality to the next, so they
// are configuration ([Fields]): Frederikshavn's CPR number is C_CPRNUMBER,
// Silkeborg's C_CPRNR. A field may name a property of a navigation
// object (IDENTITYCATEGORY.Id). Omada writes "" for no value; the
// connector reads "" and null alike. For each record:
//
//   - Key: Fields.Key (default UId), required and unique in the poll.
//   - NationalID: in the "cpr" form (the default) ddmmyy-xxxx and ten
//     digits are both accepted and delivered as ten digits; another value
//     skips the record. "as_written" passes the value on, trimmed, for
//     the host to judge. Empty is no national id (a foreign consultant).
//   - Valid: VALIDFROM's day to VALIDTO's day inclusive, as the half-open
//     [from, to+1); a VALIDTO in year 9999, or empty, is no end. An
//     instant with an offset falls on its day in Config.TimeZone.
//   - Category: Fields.Category, through Config.Categories ("561" →
//     "Vikar"). Which categories are temporary staff is the host's
//     configuration (intake.IdentityOptions.TemporaryCategories).
//   - A record whose category is one of Config.ServiceCategories is a
//     service account (an AD robot): Key, Unit, Login, ObjectGUID and
//     Valid, and it must have a unit and a login.
//   - Otherwise an identity: names (at least one), unit, job title,
//     ObjectGUID (delivered as a lower-case UUID, whatever case or braces
//     Omada writes), Login, and an address per non-empty address field,
//     for the host to enrich the persons it knows with.
//
// A record that cannot be mapped is left out and listed in the
// snapshot's Skipped (page and record, key, the Omada field, the problem;
// no value), and the rest is delivered: one bad row never stops a poll. A
// second record with a key already read is skipped the same way, and the
// first is kept.
//
// # Errors
//
// Every error is a *connectors.Error. No answer (refused, reset, timed
// out, Config.Timeout passed), 408, 429 and 5xx are Transient: poll again
// later; nothing is delivered from a poll that failed part way. 401 and
// 403, a refused token request, an untrusted certificate, 400 (a $filter
// Omada refuses) and 404 are Configuration. A body that is not an OData
// page (not JSON, a login page, no value list) wraps a *[ResponseError]
// with the page and byte; one cut short is Transient. An ended context
// is Transient and errors.Is(err, ctx.Err()) holds. Calls after Close are
// Invalid.
//
// What it owns: the OData transport, authentication and the mapping of
// records. What it must not do: decide what a record means for the org
// model (temporary staff, enrichment, termination are the intake's),
// write to Omada, keep state between polls beyond a token, or print a
// national id or a secret.
package omada
