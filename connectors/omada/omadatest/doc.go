// Package omadatest is a fake Omada for tests: an HTTPS server (httptest)
// that serves an OData identity view in pages linked by @odata.nextLink,
// with basic authentication or OAuth 2 client credentials (a token
// endpoint of its own), a $filter of the form FIELD eq 'value', and ways
// to make it fail (a status, a delay, a body that is not a page, an
// outage). [Server.Publish] writes a connectors.IdentitySnapshot into the
// view under an omada.Fields mapping, so that the connectortest suite can
// run against the real connector; [Server.SetRecords] serves records as
// given, for fixtures with the real shapes.
//
// What it owns: the fake server and the conversion of snapshots into
// Omada records. What it must not do: be used outside tests, or hold
// logic the connector needs: the connector must work against a real
// Omada without it.
package omadatest
