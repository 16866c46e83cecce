// Package opus is the payroll connector for KMD OPUS: it reads the full
// XML dumps OPUS writes into a folder (ZLPE<timestamp>….xml) as a
// connectors.Payroll, and diffs each dump against the one before it as a
// connectors.PayrollChangeReader. [Write] writes the same format, for
// tests, demos and converters.
//
// # Dumps
//
// A dump is a file named ZLPE, a timestamp YYYYmmddHHMMSS, anything, and
// .xml ("ZLPE20261122030000.xml", "ZLPE20261122030000_delta.xml"). Every
// dump is whole: the payroll's state on the day of its timestamp. The
// dumps are ordered by timestamp (then by name); the latest complete one
// is the payroll's current state, and the change feed steps through them
// in order. Every other file in the folder is ignored.
//
// A dump counts only when it is complete XML: a document whose root ends.
// A dump that is being written (cut short), or is not well-formed, or
// whose root is not <kmd>, is passed over until the next poll finds it
// whole, and said so in the Skipped of every snapshot and page it is
// newer than (Kind "dump", Where the file and line).
//
// The root is <kmd>, and under it a record element per row. OPUS's:
//
//	<orgUnit id="5" client="813" lastChanged="2026-11-01">
//	  startDate       first day, YYYY-MM-DD (required)
//	  endDate         last day, inclusive; empty or year 9999 is no end
//	  parentOrgUnit   the parent's id; empty for a root
//	  longName        the name (shortName if it is empty; one is required)
//	  orgType         → PayrollUnit.Level
//	  orgTypeTxt      → PayrollUnit.Type
//	<employee id="1001" client="813" lastChanged="2026-11-01">
//	  entryDate       first day (required: an employee without is skipped)
//	  leaveDate       last day, inclusive; empty or year 9999 is no end
//	  cpr             the CPR number, 10 digits (required)
//	  firstName, lastName
//	  orgUnit         the unit's id (required)
//	  position        → PayrollEngagement.JobFunction
//	  workContractText (workContract if empty) → PayrollEngagement.Type
//	  numerator, denominator  the working time; Fraction is their ratio,
//	                  0 if both are empty, at most 1
//	  isManager       true or false; superiorLevel and subordinateLevel
//	                  make the manager level "sup.sub" ([Manager])
//	<employee id="999" client="813" action="leave"/>
//
// An employee with isManager true is also a manager role: a
// connectors.PayrollManager row in Snapshot's and Changes' Managers, keyed
// by the employment number, of the employee's person, engagement and
// unit, its Type the position (as OS2mo's OPUS import types managers),
// its Level "sup.sub", over the employee row's days. A role ends, or is
// gone, with its employee element or its isManager.
//
// The id attribute is the record's key: an <orgUnit>'s is the unit's,
// an <employee>'s the employment number (the engagement's key; one person
// can have several). Other attributes (client, lastChanged) and child
// elements (address, phone, cvrNr, payGradeText, …) are ignored. Spaces
// around dates, numbers and ids are trimmed ("1 " is 1); text is kept as
// written, but text that is only spaces, and an empty element, is empty.
// The encoding is UTF-8, or ISO-8859-1, ISO-8859-15 or Windows-1252 if the
// XML declaration says so.
//
// Persons: a dump without <person> elements (every real one) has a person
// per CPR number, keyed by it, valid from its first engagement's first day
// to its last one's end, named as its latest engagement names it.
// orgsync's own two elements carry what OPUS does not, so that [Write]
// can write any snapshot:
//
//	<person id="P1">       cpr, firstName, lastName, startDate, endDate;
//	                       an <employee>'s person is the one with its cpr
//	<absence id="L1" employee="1001">  type, startDate, endDate: a leave
//
// Several elements with one id are the rows of the record's history, and
// must not overlap: an element whose days overlap an earlier one's with
// the same id is a duplicate, skipped and reported.
//
// # What a dump's state is
//
// [Connector.Snapshot] returns the state of the latest complete dump. It
// is the dump's rows, merged with the previous complete dump's:
//
//   - action="leave" ends the engagement (or unit) on the dump's day: its
//     rows end there, and a row that starts on it or later is dropped. A
//     bare leave element ends the rows the previous dump had.
//   - An id in the previous dump and missing from this one ends the same
//     way, on this dump's day: terminated, never deleted. Only a record
//     that had not begun by then (a hire cancelled before the first day)
//     is gone, and a page reports it Deleted. A dump after it no longer
//     has the ended record, and reports it Deleted then; the host keeps
//     its history (the org model terminates, it does not delete).
//   - A record whose element in this dump is malformed keeps the
//     previous dump's rows: a typo ends nobody's employment.
//
// With [Config.Units], only the subtrees of the units named are read: each
// unit named, every unit whose parent (on its latest row) is in a subtree,
// and the employees in them; a unit named is a root. Dates are days:
// inclusive last days become the contract's half-open intervals (last + 1
// day), and year 9999 is timeline.Open.
//
// # Problems
//
// One bad record never stops a run. A record element that is malformed (a
// date that is no date, a required field missing, a CPR that is no
// number, a working time above full time, a duplicate) is left out and
// reported in the snapshot's or page's Skipped, as a
// connectors.SkippedRecord naming the file and line ("ZLPE…xml:14"), the
// element (employee, orgUnit), its id and the field; so is a record that
// fails connectors.CheckPayroll (a unit whose parent is not there, an
// employee in a unit that is not there, a cycle), with every record
// left out because of it. A folder that does not exist or cannot be read
// is Configuration; a dump that vanishes while it is read is Transient;
// a folder without a complete dump is NotFound; an ended context is
// Transient.
//
// # Changes
//
// A token names a dump and a SHA-256 hash of its bytes:
// "opus/1:ZLPE20261122030000.xml:3f2a9c0d51e4b786". [Connector.Changes]
// compares that dump's state with the next complete dump's and returns,
// as one page, every record whose rows differ with all the rows it has
// now, and the records gone entirely as Deleted; the page's Token is the
// newer dump's, and More is true while more dumps follow. Resuming from a
// token may repeat a page, never lose one. If the token's dump has been
// removed or replaced, Changes returns Invalid and says to take a new
// snapshot.
//
// What it owns: reading OPUS dumps (and writing them, when a caller asks),
// the merge of a dump with the one before it, and the connector that reads
// a folder of dumps.
//
// What it must not do: write to the folder it reads (only Write writes),
// hold policy (what a leave or a manager flag means for accounts is the
// host's and the org rules' business), or print a CPR number in full:
// skipped records, errors and log lines mask them, and no log line holds
// a name or a number of a person.
package opus
