// Package report builds the reports of who has been registered as hired
// or as leaving (seed 000, feature 4), by registration time: for a window
// [From, To) of registrations, every engagement whose start or end was
// registered, changed or cancelled in it, whatever days it is about.
// A row is one fact from one registration, so that two reports whose
// windows meet list each registration exactly once, and a hire
// registered for March and moved to April shows as the hire and then the
// move, each with when and by whom.
//
// OS2mo's report diffs two snapshots of persons, and so misses rehires,
// hires registered for a future date and then moved, and terminations
// registered after the fact; a bitemporal model has what it lacks.
//
// The kinds ([Kind]): a new engagement is a [Hire], a [Rehire] (the
// person had an engagement that ended earlier) or a [Transfer] (another
// of the person's engagements ends the day it starts: a move registered
// as a new engagement); a registered first day moved is [StartMoved]; an
// engagement removed is [Cancelled] (in the hires report if it had not
// started by the day of registration, else in the terminations report);
// an end registered is a [Termination] (a new engagement registered with
// its end gives one too), moved an [EndMoved], taken away a
// [TerminationWithdrawn]. A move between units within one engagement is
// not a hire and gives no row. Each row's [Timing] says whether it takes
// effect after, on or before the day it was registered.
//
// Rows describe the person, unit and manager as the model knows them at
// the window's end, on the day the row is about (a hire's first day, a
// termination's last), so a report run after an account was made shows
// its username. A CPR number is only ever masked ("010190-xxxx"), and
// only in a column asked for by name.
//
// Columns are configuration ([Column]): named fields with headers in the
// municipality's language; [DefaultColumns] are Danish. The writers give
// CSV for Excel ([WriteCSV]: UTF-8 with a BOM, ';', CRLF, formula
// injection neutralised), XLSX ([WriteXLSX], streamed) and JSON lines
// ([WriteJSON]); [WriteFile] writes any of them to a temporary file and
// renames it, so a failed run leaves no half-written report.
//
// The package reads the org model and writes to an io.Writer or a file;
// it sends nothing and keeps no state (the schedule that mails a report
// and remembers its last window is [Schedule], on the outbox and the
// state database).
package report
