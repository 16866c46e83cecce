// Package sdloen is the payroll connector for SD Løn's web service: a
// connectors.Payroll with a change feed (connectors.PayrollChangeReader)
// that reads a municipality's org tree, persons and employments over
// HTTPS GET with basic auth, as OS2mo's SD integration does.
//
// # What it asks SD
//
// Every call is GET <url><Operation>?InstitutionIdentifier=…&… with the
// configured user and password; request dates are dd.mm.yyyy and times
// HH:MM, in the configured zone (Europe/Copenhagen).
//
//	GetOrganization20111201  the tree: per window, branches leaf first
//	GetDepartment20111201    the units' names and levels, with history
//	GetPerson20111201        the persons (by CPR number), as of today
//	GetEmployment20111201    their employments, as of today
//	GetEmploymentChangedAtDate20111201  employments with changes
//	                         registered in a window of time (the feed)
//
// SD's answers are XML (with or without a namespace: local names are
// matched); an error is a SOAP fault.
//
// # What it makes of the answers
//
// SD writes inclusive last days, 9999-12-31 for no end; the rows are
// half-open ([first, last+1)), open-ended for 9999. A unit
// (afdeling) is a connectors.PayrollUnit keyed by its
// DepartmentIdentifier, with its name and DepartmentLevelIdentifier
// ("NY3-niveau", "Afdelings-niveau") as Level, and its parent from
// GetOrganization, rows split where the parent changes. A `_leder` unit
// is a unit like the others: what it means is the org rules' business.
// A unit no branch names (SD lists only branches ending in an
// Afdelings-niveau) has no parent.
//
// A person is keyed by CPR number, which is also the NationalID; SD
// keeps no history of names, so a person is one row from their first
// engagement's first day on. An employment is an engagement keyed by
// EmploymentIdentifier, its rows split wherever any of its parts
// changes (EmploymentDepartment → Unit, Profession → JobFunction as
// Config.JobFunction says, WorkingTime's OccupationRate → Fraction) and
// kept only on the days its EmploymentStatusCode is
//
//	0  hired, not yet paid: an engagement, so that accounts are ready
//	   by the first day
//	1  employed and paid
//	3  on leave (orlov): an engagement, and a connectors.PayrollLeave
//	   keyed "<employment>/<first day>" of Type LeaveType
//
// and not on the days it is 7 (migrated), 8 (left) or 9 (deceased). An
// employment in status S (Slettet, SD's terminal state) is deleted: left
// out of a snapshot, and Deleted in a page of changes.
//
// # Malformed records
//
// A record SD sends that cannot be read — an empty or duplicate id, a
// date that does not parse or a last day before the first, windows of
// one part that overlap, an unknown status code, an OccupationRate that
// is not a share of 1, a department unknown, a person without name,
// anything connectors.CheckPayroll refuses — is left out with what
// depends on it, and listed in the snapshot's (or page's) Skipped with
// the operation it came in, the employment id, CPR (masked when printed)
// or department id, and the field. The run goes on.
//
// # Changes
//
// A token is "sdloen/1:<minute>:<digest>": the registration time (to the
// minute, in SD's zone) from which to ask GetEmploymentChangedAtDate,
// and a digest of the state delivered. See [Connector.Changes]. A
// snapshot's token is the minute before its reads began, so resuming
// from any token may repeat a change, never lose one.
//
// # Errors
//
// Every error is a *connectors.Error: a refused login (HTTP 401/403, a
// fault about the password), an untrusted certificate, a fault about the
// request's parameters (an unknown institution) and an answer that is
// not SD's are Configuration; SD down, a 5xx without a fault, a server
// fault, a timeout or an answer cut short are Transient, and the next
// call resumes from the token; an ended context is Transient.
//
// What it owns: the translation of SD's answers into the contract, and
// the transport to SD. What it must not do: write to SD, hold policy
// (what a status or a `_leder` unit means for the org model is the
// host's and the org rules'), validate CPR numbers (the host does), or
// log or print a CPR number in full.
package sdloen
