// Package sdtest serves SD Løn's web service from data, for tests: the
// GET operations the sdloen connector calls, with SD's XML answers, its
// SOAP faults, basic auth and the checks of the query it makes. It is to
// sdloen what net/http/httptest is to a handler. [FromPayroll] renders a
// connectors.PayrollSnapshot as SD holds it, and [Held] says what of it
// the connector reads back, for the payroll conformance kit.
//
// What it owns: a fake of SD good enough to test a client against. What
// it must not do: be used outside tests, or pretend to be more of SD than
// the five operations below.
package sdtest
