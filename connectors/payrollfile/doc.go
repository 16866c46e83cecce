// Package payrollfile is the payroll connector for exports delivered as
// files: a payroll system (SD Løn, OPUS, or anything that can write CSV)
// puts a full export into a drop folder every day, and this package reads
// the folder as a connectors.Payroll with a change feed
// (connectors.PayrollChangeReader). [Write] writes the same format, for
// tests, demos and converters.
//
// # Deliveries
//
// A delivery is a full export of one day D (written YYYY-MM-DD): four
// files in the folder,
//
//	units-D.csv        the payroll org tree
//	persons-D.csv      the persons
//	engagements-D.csv  the persons' employments in units
//	leaves-D.csv       periods of leave from engagements
//
// for example units-2026-11-22.csv. A delivery is complete when all four
// files are there; until then it is passed over (and listed as
// incomplete by [Connector.Deliveries]). Every other file and folder in
// the folder is ignored. The latest complete delivery is the payroll's
// current state; older ones may stay, and are what the change feed steps
// through. Each delivery is whole: a record left out of a delivery is a
// record that no longer exists.
//
// Write each file under a temporary name that does not match the pattern
// (such as ".units-2026-11-22.csv.tmp"), flush and sync it, then rename it
// to its name, so that a reader never sees half a file; rename leaves-D.csv
// last. Do not rewrite a delivery that is already there: a reader may see
// a mix of old and new files while they are renamed, and the change feed
// refuses to continue from a delivery whose content changed. [Write] does
// all of this.
//
// # Files
//
// Each file is CSV as RFC 4180 describes it (what encoding/csv reads):
// fields separated by commas, a field that holds a comma, a quote or a
// line break enclosed in double quotes, with a quote inside written
// twice. Lines end in LF or CRLF; empty lines are skipped; there are no
// comment lines. The text is UTF-8; a leading byte order mark is skipped.
// Values are taken exactly as written: no spaces are trimmed and keys are
// compared byte for byte.
//
// The first row is the header: the names of the columns, lower case,
// in any order. A column the file's kind does not have, a column named
// twice and a required column that is missing are errors (at line 1); an
// optional column that is left out is empty in every row. Every other row
// has as many fields as the header.
//
//	file         columns (optional ones in brackets)
//	units        key, parent, name, [level], [type], from, to
//	persons      key, national_id, given_names, surname, from, to
//	engagements  key, person, unit, [job_function], [type], fraction, from, to
//	leaves       key, engagement, [type], from, to
//
// The format has no managers file: a snapshot's Managers are always
// empty (the payroll systems that export files, SD Løn among them, have
// no manager records; managers follow from the org rules), and [Write]
// leaves a snapshot's Managers out. A fifth file would make every
// existing delivery incomplete.
//
// Columns that carry structure or time are required, so that forgetting
// one cannot silently flatten the tree or make every engagement
// open-ended. The columns are the fields of the connectors.Payroll*
// types:
//
//   - key: the record's id in the payroll system (the unit's
//     afdelingsidentifikator, the person's id, the employment number, the
//     leave's id). Required.
//   - parent: the key of the parent unit; empty for a root of the tree.
//   - person, unit, engagement: the key of the person, unit or engagement
//     referred to. Required.
//   - name, level, type, job_function: text. A unit's name is required;
//     level ("NY3-niveau", "Afdelings-niveau") and type may be empty.
//   - national_id: the person's CPR number or personnummer as the payroll
//     holds it. Required. It is not validated here (the host does that)
//     and never printed in full.
//   - given_names, surname: the person's names; a row needs at least one
//     of the two.
//   - fraction: the working time as a share of full time, from 0 to 1,
//     written with "." or "," before the decimals (0.5, 0,37, 1). Not a
//     percentage: 50 is an error. Required: write 0 if there is none.
//   - from: the first day of the row, YYYY-MM-DD. Required.
//   - to: the LAST day of the row, YYYY-MM-DD, inclusive, as payroll
//     exports write it; empty or 9999-12-31 for no end. A row can be a
//     single day (from = to).
//
// Key and reference columns hold at most connectors.MaxKeyBytes bytes,
// every other column connectors.MaxFieldBytes. No value may hold a
// control character (NUL, a line break in a quoted field, …).
//
// Several rows with the same key are the history of one record, one row
// for each period in which it was the same: a unit renamed on 2026-03-01
// is a row that ends 2026-02-28 and one that starts 2026-03-01. Rows of
// one key must not overlap. A reference must name a record that exists
// on every day of the referring row (an engagement's unit exists all the
// days of the engagement row), and the units' parents must not form a
// cycle on any day. These are the checks of connectors.CheckPayroll.
//
// An example units file:
//
//	key,parent,name,level,type,from,to
//	U1,,Sjølund Kommune,NY5-niveau,,2020-01-01,
//	U2,U1,Ældreplejen,NY3-niveau,,2020-01-01,2026-02-28
//	U2,U1,"Ældre og Sundhed, Vest",NY3-niveau,,2026-03-01,9999-12-31
//
// # Reading
//
// [Connector.Snapshot] reads the latest complete delivery. The inclusive
// ends become the contract's half-open intervals (to + 1 day; no end is
// timeline.Open). The snapshot's rows are sorted by key and then by from,
// whatever the order of the files, so Write followed by Snapshot gives
// back the snapshot written with its rows in that order.
//
// A delivery with problems is refused whole: Snapshot returns an error of
// kind Invalid (a *connectors.Error) that wraps every problem of the
// delivery, up to [MaxProblems], each a *[Error] naming the file, the
// line and the column — a bad date, a last day before the first, a
// fraction out of range, rows that overlap, a reference to a record that
// does not exist, a cycle of units, a file that is not UTF-8 (a Latin-1
// export is the usual cause), a wrong number of fields, a control
// character, a value too long, a bad header. Snapshot does not fall back
// to an older delivery: the operator must learn that the payroll's data
// did not arrive. A folder without a complete delivery is NotFound; a
// folder that does not exist or cannot be read is Configuration; an ended
// context is Transient.
//
// # Changes
//
// A snapshot's Token names its delivery's day and a SHA-256 hash of its
// four files: "payrollfile/1:2026-11-22:3f2a9c0d51e4b786". [Connector.Changes]
// compares that delivery with the next complete one and returns, as one
// page, every record whose rows differ with all the rows it has now, and
// the records gone entirely as Deleted; the page's Token is the newer
// delivery's, and More is true while complete deliveries after it wait.
// If the token's delivery has been removed, or its files no longer hash
// the same (the delivery was replaced), Changes returns Invalid and says
// to take a new snapshot. With no newer delivery the page is empty and
// keeps the token.
//
// What it owns: the format above, both ways, and the connector that
// reads a folder of deliveries.
//
// What it must not do: write to the folder it reads (only Write writes,
// when a caller asks), hold policy (what a change means for the org model
// is the host's business), decide on national ids beyond refusing text
// that is not text, or print one in full: errors and log lines mask them.
package payrollfile
